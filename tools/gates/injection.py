"""Hostile input for the injection gate, and the checks that find live markup in a built site.

`hostile_events` puts every payload into every text field of a copy of events.yaml (the text
fields are found by reading the model, so a field added later is covered without editing this
file); `hostile_markdown` does the same to a Markdown page. `live_markup` then parses every
page and feed of the site built from them and reports anything a browser would execute or
follow that the theme did not put there itself; `csp_problems` checks that every page carries
a Content-Security-Policy that forbids inline script.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
import typing
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import html5lib

__all__ = [
    "LINK_PAYLOADS", "MARKERS", "MARKUP_PAYLOADS", "PAYLOADS", "REFERENCE_TAIL",
    "URL_EVALUATED", "URL_SUFFIX", "Finding", "csp_problems", "hostile_events", "hostile_markdown",
    "hostile_urls",
    "live_markup", "markup_signature", "text_fields",
]

# Template syntax is wrapped in markers so that its evaluation can be searched for exactly:
# "TPLA{{ 7*7 }}TPLA" evaluated by Jinja would read "TPLA49TPLA".
MARKERS: dict[str, tuple[str, str]] = {
    "TPLA{{ 7*7 }}TPLA": ("TPLA49TPLA", "TPLA{{ 7*7 }}TPLA"),
    "TPLB${7*7}TPLB": ("TPLB49TPLB", "TPLB${7*7}TPLB"),
    "TPLC{% raw %}TPLC": ("TPLCTPLC", "TPLC{% raw %}TPLC"),
    "TPLD{# x #}TPLD": ("TPLDTPLD", "TPLD{# x #}TPLD"),
}

# Markdown links and images with unsafe addresses. The events.yaml validator and the content/
# checks refuse them in Markdown (the build stops: tested on its own), so they go into the site
# build only through plain-text fields (where they must stay text): those of events.yaml and
# the metadata lines (Title, Summary, Description) of the pages in content/.
LINK_PAYLOADS: tuple[str, ...] = (
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](java&#09;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "<javascript:alert(1)>",
)
MARKUP_PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)",
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea></style><script>alert(1)</script>",
    "--><script>alert(1)</script><!--",
    "]]><script>alert(1)</script>",
    "\"}</script><script>alert(1)</script>",
    '<a href="vbscript:x">v</a>',
    '<a href="javascript:alert(1)">j</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    *MARKERS,
)
PAYLOADS: tuple[str, ...] = MARKUP_PAYLOADS[:10] + LINK_PAYLOADS + MARKUP_PAYLOADS[10:]
# Markdown also gets block-level payloads: raw HTML with a handler, and a reference definition
# to a javascript: address (refused in events.yaml like the inline links).
MARKDOWN_TAIL = "\n\n<b onclick=alert(1)>bold</b> and <div onmouseover=alert(1)>div</div>\n"
REFERENCE_TAIL = "\n[ref link][r]\n\n[r]: javascript:alert(1)\n"
MARKDOWN_FIELDS = {"summary"}
# Addresses must be http(s), but the rest of a URL is the editor's: it must stay inside its
# attribute. `hostile_urls` appends it to every source's url.
URL_SUFFIX = "?q=\"><script>alert(1)</script>&x='onmouseover='alert(1)&t=TPLE{{7*7}}TPLE"
URL_EVALUATED = "TPLE49TPLE"

_ONE_LINE = " ".join(PAYLOADS)
_ONE_LINE_MARKUP = " ".join(MARKUP_PAYLOADS)
# Markdown's own formatting (the payloads contain '*' and '_') is text styling, not markup an
# attacker can use; it is allowed on top of what the theme emits. Attributes are not.
MARKDOWN_ELEMENTS = frozenset({
    "p", "em", "strong", "code", "pre", "del", "s", "br", "hr", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "h5", "h6",
})
_UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
_STRIPPED = re.compile(r"[\x00-\x20\x7f]")
_URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "data", "poster", "background", "cite",
    "ping", "manifest", "codebase", "xlink:href", "imagesrcset", "itemid", "longdesc",
}


def text_fields() -> dict[str, set[str]]:
    """Field names holding free text, per events.yaml collection, read from the model.

    A field is text when the model types it as `Text` (translatable prose) or as a plain `str`
    that is not an identifier, code or address (e.g. a source's author). Fields left out of
    comparison (`digest`) are the loader's bookkeeping, never written in events.yaml.
    """
    not_text = {"slug", "code", "id", "url"}
    fields: dict[str, set[str]] = {}
    for name, cls in _collections().items():
        hints = typing.get_type_hints(cls)
        chosen = set()
        for item in dataclasses.fields(cls):
            hint = str(hints[item.name])
            if item.name in not_text or not item.compare:
                continue
            if "Text" in hint or hint in {"<class 'str'>", "str | None", "typing.Optional[str]"}:
                chosen.add(item.name)
        fields[name] = chosen
    return fields


def _hostile(field: str, index: int) -> str:
    # A numbered prefix tells which field an escaped payload came from when reading a page.
    if field in MARKDOWN_FIELDS:
        return f"F{index} {_ONE_LINE_MARKUP}{MARKDOWN_TAIL}"
    return f"F{index} {_ONE_LINE}"


def _collections() -> dict[str, type]:
    """Each events.yaml collection (by the name `where` uses) and the model class of its entries."""
    from explainer.data import model

    return {"country": model.Country, "figure": model.Figure, "law": model.Law, "actor": model.Actor,
            "source": model.Source, "event": model.Event, "quote": model.Quote}


@functools.cache
def _translatable() -> frozenset[tuple[str, str]]:
    """(collection, field) of the fields typed `Text`, which may carry a translation per language."""
    return frozenset((kind, name) for kind, cls in _collections().items()
                     for name, hint in typing.get_type_hints(cls).items() if "Text" in str(hint))


def _fill(entry: dict[str, Any], kind: str, names: set[str], where: dict[int, str]) -> None:
    from explainer.data.text import LANGUAGES

    translatable = _translatable()
    for name in sorted(names):
        number = len(where) + 1
        where[number] = f"{kind}.{name}"
        value = _hostile(name, number)
        if (kind, name) in translatable:
            # Every language is hostile: each edition shows its own (`Text`), and a language
            # without a translation shows another one's.
            entry[name] = {lang: f"{value} ({lang})" for lang in LANGUAGES}
        else:
            entry[name] = value


def hostile_events(data: dict[str, Any]) -> dict[int, str]:
    """Make every text field of `data` (events.yaml as loaded), present or optional, hostile.

    Each value starts with `F<number>`; returns number -> "kind.field" (e.g. "event.title").
    """
    fields = text_fields()
    where: dict[int, str] = {}
    for country in data.get("countries", {}).values():
        _fill(country, "country", fields["country"], where)
        for figure in country.get("figures") or []:
            _fill(figure, "figure", fields["figure"], where)
    for law in data.get("laws", {}).values():
        _fill(law, "law", fields["law"], where)
    for actor in data.get("actors", {}).values():
        _fill(actor, "actor", fields["actor"], where)
    for source in data.get("sources", {}).values():
        _fill(source, "source", fields["source"], where)
    for event in data.get("events", []):
        _fill(event, "event", fields["event"], where)
        for quote in event.get("quotes") or []:
            _fill(quote, "quote", fields["quote"], where)
    return where


def hostile_urls(data: dict[str, Any]) -> None:
    """Append URL_SUFFIX (quotes, a script tag, template syntax) to every source's url."""
    for source in data.get("sources", {}).values():
        source["url"] = source["url"] + URL_SUFFIX


def hostile_markdown(text: str) -> str:
    """A Markdown page with every payload in its title and description (plain text) and every
    markup payload in its body; links with unsafe addresses stop the build (tested apart)."""
    head, _, body = text.partition("\n\n")
    lines = []
    for line in head.splitlines():
        key, sep, _value = line.partition(":")
        if sep and key.strip().lower() in {"title", "description", "summary"}:
            lines.append(f"{key}: MD {_ONE_LINE}")
        else:
            lines.append(line)
    payload_lines = "\n\n".join(MARKUP_PAYLOADS)
    return "\n".join(lines) + "\n\n" + body + "\n\n" + payload_lines + MARKDOWN_TAIL


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


def _is_url_meta(attrs: dict[str, str]) -> bool:
    key = (attrs.get("property") or attrs.get("name") or "").lower()
    return key.endswith((":url", ":image", ":image:url", ":image:secure_url", ":video", ":audio"))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr_name(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _parse(data: bytes | str) -> ET.Element:
    return html5lib.parse(data, treebuilder="etree", namespaceHTMLElements=True)


def _pages(root: Path) -> Iterator[tuple[str, ET.Element]]:
    """Every HTML document of the site: pages, and the HTML inside Atom entries."""
    for file in sorted(root.rglob("*.html")):
        yield file.relative_to(root).as_posix(), _parse(file.read_bytes())
    for file in sorted(root.rglob("*.xml")):
        tree = ET.parse(file).getroot()
        for element in tree.iter():
            if element.attrib.get("type") == "html" and element.text:
                yield f"{file.relative_to(root).as_posix()} <{_local(element.tag)}>", _parse(element.text)


def markup_signature(root: Path) -> set[tuple[str, str]]:
    """Every (element, attribute) pair used in the site: what the theme emits."""
    pairs: set[tuple[str, str]] = set()
    for _name, tree in _pages(root):
        for element in tree.iter():
            tag = _local(element.tag)
            pairs.add((tag, ""))
            pairs.update((tag, _attr_name(attr)) for attr in element.attrib)
    return pairs


def live_markup(root: Path, theme_signature: set[tuple[str, str]]) -> list[Finding]:
    """Everything in the built site a browser would run or follow that is not the theme's own."""
    findings: list[Finding] = []
    for name, tree in _pages(root):
        for element in tree.iter():
            tag = _local(element.tag)
            if not tag:
                continue
            if (tag, "") not in theme_signature and tag not in MARKDOWN_ELEMENTS:
                findings.append(Finding(name, f"<{tag}> element that the theme never emits"))
            if tag == "script":
                if element.attrib.get("type", "").lower() != "application/ld+json" or element.attrib.get("src"):
                    findings.append(Finding(name, f"executable <script>: {element.attrib} {element.text!r:.80}"))
                else:
                    try:
                        json.loads(element.text or "")
                    except ValueError as error:
                        findings.append(Finding(name, f"JSON-LD broken by input: {error}"))
            if tag == "meta" and element.attrib.get("http-equiv", "").lower() == "refresh":
                findings.append(Finding(name, "meta refresh"))
            for attr, value in element.attrib.items():
                attr_name = _attr_name(attr)
                if attr_name.startswith("on"):
                    findings.append(Finding(name, f"<{tag} {attr_name}=...> event handler"))
                elif (tag, attr_name) not in theme_signature:
                    findings.append(Finding(name, f"<{tag} {attr_name}> attribute that the theme never emits"))
                is_url = attr_name in _URL_ATTRIBUTES or (
                    tag == "meta" and attr_name == "content" and _is_url_meta(element.attrib))
                if is_url:
                    urls = value.split(",") if "srcset" in attr_name else [value]
                    if any(_UNSAFE_SCHEME.match(_STRIPPED.sub("", url)) for url in urls):
                        findings.append(Finding(name, f"<{tag} {attr_name}={value[:80]!r}> unsafe address"))
                if attr_name == "style" and "url(" in value.lower():
                    findings.append(Finding(name, f"<{tag} style> with url(): {value[:80]!r}"))
    for file in sorted(p for p in root.rglob("*")
                       if p.is_file() and p.suffix in {".html", ".xml", ".json", ".csv", ".txt"}):
        text = file.read_text("utf-8", errors="replace")
        for evaluated in [*(pair[0] for pair in MARKERS.values()), URL_EVALUATED]:
            if evaluated in text:
                findings.append(Finding(file.relative_to(root).as_posix(), f"template syntax evaluated: {evaluated}"))
    return findings


def csp_problems(root: Path) -> list[Finding]:
    """Pages without a Content-Security-Policy meta tag that forbids inline script."""
    findings = []
    for file in sorted(root.rglob("*.html")):
        name = file.relative_to(root).as_posix()
        tree = _parse(file.read_bytes())
        head = tree.find("{http://www.w3.org/1999/xhtml}head")
        metas = [
            m for m in (head.iter("{http://www.w3.org/1999/xhtml}meta") if head is not None else [])
            if m.attrib.get("http-equiv", "").lower() == "content-security-policy"
        ]
        if not metas:
            findings.append(Finding(name, "no Content-Security-Policy meta tag in <head>"))
            continue
        for meta in metas:
            directives = {}
            for part in meta.attrib.get("content", "").split(";"):
                words = part.split()
                if words:
                    directives.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
            script = directives.get("script-src", directives.get("default-src"))
            if script is None:
                findings.append(Finding(name, "CSP has neither script-src nor default-src"))
                continue
            allowed_bad = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:", "blob:"}
            bad = sorted(set(script) & allowed_bad)
            if bad:
                findings.append(Finding(name, f"CSP script-src allows {' '.join(bad)}"))
        first_script = next(iter(tree.iter("{http://www.w3.org/1999/xhtml}script")), None)
        if first_script is not None and head is not None:
            order = list(head.iter())
            if first_script in order and order.index(first_script) < order.index(metas[0]):
                findings.append(Finding(name, "a <script> comes before the CSP meta tag"))
    return findings
