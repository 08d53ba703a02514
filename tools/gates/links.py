"""Check every internal link, asset and fragment of a built site, from the files alone.

Each HTML page is parsed with html5lib (the algorithm browsers use) and every address in it is
collected: `href`, `src`, `srcset`, `poster`, `data`, `action`, `formaction`, `<link>` of any
`rel`, `<meta>` Open Graph / Twitter / refresh addresses, `url()` in inline styles, and every
string in JSON-LD that is an address on the site. `sitemap.xml`, `robots.txt`, Atom feeds
(including the HTML inside their entries) and CSS files are read too. `404.html` is checked as
if served at a deep unknown address, as GitHub Pages serves it.

An address is resolved against the page's own public URL (`SITEURL` + path). It is internal
when it has the site's scheme and host; it must then lie under the site's path prefix (a build
for `https://example.org/sub` must never link to `https://example.org/other`), name a file that
was written (a directory needs its `index.html`), and a `#fragment` must be an `id` (or `<a
name>`) in the target page. External addresses are not fetched (no network in CI) but their
scheme must be one a reader can follow: `javascript:`, `vbscript:` and `data:` links are errors.

Run: `python -m tools.gates.links OUTPUT_DIR [SITEURL]`; exits 1 and prints one line per problem.
"""
from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib

__all__ = ["LinkProblem", "check_site", "main", "sitemap_problems"]

_XHTML = "{http://www.w3.org/1999/xhtml}"
_ATOM = "{http://www.w3.org/2005/Atom}"
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# A site built with SITEURL = '' uses relative or root-relative links; resolve them on a
# host that cannot exist so that any absolute address is recognisably foreign.
_ROOT_BASE = "http://site.invalid/"
_FOLLOWABLE_SCHEMES = {"http", "https", "mailto", "tel"}
_UNSAFE_SCHEMES = {"javascript", "vbscript", "data"}
# Attributes that hold one address, by element (None = any element).
_URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "base": ("href",),
    "img": ("src",),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "source": ("src",),
    "track": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "input": ("src", "formaction"),
    "button": ("formaction",),
    "form": ("action",),
    "object": ("data",),
    "blockquote": ("cite",),
    "q": ("cite",),
    "del": ("cite",),
    "ins": ("cite",),
}
_SRCSET_ELEMENTS = {"img", "source"}
_META_URL_KEYS = {
    "og:url", "og:image", "og:image:url", "og:image:secure_url", "og:audio", "og:video",
    "twitter:image", "twitter:url", "twitter:image:src",
}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.IGNORECASE)
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True, slots=True)
class LinkProblem:
    """One broken or unsafe address: where it was found, the address, what is wrong."""

    page: str
    """File the address was found in, relative to the output folder."""
    address: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.address!r}: {self.message}"


@dataclass(slots=True)
class _Ref:
    address: str
    context: str
    """Where in the page, e.g. 'a[href]' (for messages)."""


@dataclass
class _Site:
    root: Path
    base: str
    """Public URL of the output folder, ending in '/'."""
    _ids: dict[Path, frozenset[str]] = field(default_factory=dict)

    @cached_property
    def base_parts(self) -> tuple[str, str, str]:
        parts = urlsplit(self.base)
        return parts.scheme, parts.netloc.lower(), parts.path

    def url_of(self, file: Path) -> str:
        return self.base + file.relative_to(self.root).as_posix()

    def ids_of(self, file: Path, tree: ET.Element | None = None) -> frozenset[str]:
        """The ids in an HTML file (parsed once; pass `tree` when it is parsed already)."""
        if file not in self._ids:
            parsed = tree if tree is not None else _parse_html(file.read_bytes())
            self._ids[file] = frozenset(_ids_in(parsed))
        return self._ids[file]


def _parse_html(data: bytes) -> ET.Element:
    return html5lib.parse(data, treebuilder="etree", namespaceHTMLElements=True)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ids_in(tree: ET.Element) -> Iterator[str]:
    for element in tree.iter():
        if "id" in element.attrib:
            yield element.attrib["id"]
        if _local(element.tag) == "a" and "name" in element.attrib:
            yield element.attrib["name"]


def _srcset_urls(value: str) -> Iterator[str]:
    # Candidates are "URL [descriptor]" separated by commas; a URL itself may contain commas
    # only when not followed by whitespace, which a built site never writes.
    for candidate in value.split(","):
        candidate = candidate.strip()
        if candidate:
            yield candidate.split()[0]


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _html_refs(tree: ET.Element, site: _Site) -> Iterator[_Ref]:
    host_prefix = "{}://{}".format(*site.base_parts[:2])
    for element in tree.iter():
        name = _local(element.tag)
        attrs = element.attrib
        for attr in _URL_ATTRS.get(name, ()):
            if attr in attrs:
                yield _Ref(attrs[attr], f"{name}[{attr}]")
        if name in _SRCSET_ELEMENTS and "srcset" in attrs:
            for url in _srcset_urls(attrs["srcset"]):
                yield _Ref(url, f"{name}[srcset]")
        if name == "link" and "imagesrcset" in attrs:
            for url in _srcset_urls(attrs["imagesrcset"]):
                yield _Ref(url, "link[imagesrcset]")
        if name == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").lower()
            if key in _META_URL_KEYS and "content" in attrs:
                yield _Ref(attrs["content"], f"meta[{key}]")
            if attrs.get("http-equiv", "").lower() == "refresh":
                match = re.search(r"url\s*=\s*(.+)", attrs.get("content", ""), re.IGNORECASE)
                if match:
                    yield _Ref(match.group(1).strip("'\" "), "meta[refresh]")
        if "style" in attrs:
            for url in _css_urls(attrs["style"]):
                yield _Ref(url, f"{name}[style]")
        if name == "style":
            for url in _css_urls(element.text or ""):
                yield _Ref(url, "style")
        if name == "script" and attrs.get("type", "").lower() == "application/ld+json":
            try:
                data = json.loads(element.text or "")
            except ValueError as error:
                yield _Ref("", f"JSON-LD does not parse: {error}")
                continue
            for text in _json_strings(data):
                if text.startswith(host_prefix) or (text.startswith("/") and not text.startswith("//")):
                    yield _Ref(text, "JSON-LD")


def _css_urls(css: str) -> Iterator[str]:
    for match in _CSS_URL.finditer(css):
        yield match.group(2).strip()
    for match in _CSS_IMPORT.finditer(css):
        yield match.group(2).strip()


def _xml_refs(file: Path, site: _Site) -> Iterator[_Ref]:
    root = ET.parse(file).getroot()
    if root.tag == f"{_SITEMAP}urlset":
        for loc in root.iter(f"{_SITEMAP}loc"):
            yield _Ref((loc.text or "").strip(), "sitemap loc")
    elif root.tag == f"{_ATOM}feed":
        for link in root.iter(f"{_ATOM}link"):
            yield _Ref(link.attrib.get("href", ""), f"atom link[rel={link.attrib.get('rel', 'alternate')}]")
        for tag in ("icon", "logo"):
            for element in root.iter(f"{_ATOM}{tag}"):
                yield _Ref((element.text or "").strip(), f"atom {tag}")
        # Entry HTML is resolved against the entry's xml:base if any, else the feed's URL.
        for content_tag in ("content", "summary"):
            for element in root.iter(f"{_ATOM}{content_tag}"):
                if element.attrib.get("type") == "html" and element.text:
                    fragment = html5lib.parseFragment(
                        element.text, treebuilder="etree", namespaceHTMLElements=True
                    )
                    wrapper = ET.Element("wrapper")
                    wrapper.append(fragment)
                    for ref in _html_refs(wrapper, site):
                        ref.context = f"atom {content_tag} {ref.context}"
                        yield ref


def check_site(output: Path, site_url: str = "") -> list[LinkProblem]:
    """Return every broken or unsafe address in the site built into `output` for `site_url`."""
    root = output.resolve()
    base = (site_url.rstrip("/") + "/") if site_url else _ROOT_BASE
    site = _Site(root=root, base=base)
    problems: list[LinkProblem] = []
    files = sorted(p for p in root.rglob("*") if p.is_file())
    if not any(p.suffix == ".html" for p in files):
        return [LinkProblem(".", "", "no HTML page was built")]
    for file in files:
        relative = file.relative_to(root).as_posix()
        try:
            refs, page_base = _refs_of(file, site)
        except ET.ParseError as error:
            problems.append(LinkProblem(relative, "", f"XML does not parse: {error}"))
            continue
        for ref in refs:
            # "#id" is a reference within the document, wherever the document is served.
            base = site.url_of(file) if ref.address.strip().startswith("#") else page_base
            message = _check(ref, base, site)
            if message:
                problems.append(LinkProblem(relative, ref.address, f"{ref.context}: {message}"))
    return problems


def _refs_of(file: Path, site: _Site) -> tuple[list[_Ref], str]:
    page_url = site.url_of(file)
    if file.parent == site.root and file.name == "404.html":
        # GitHub Pages serves 404.html at whatever address was not found, however deep: its
        # links must not depend on where it is, so resolve them from a deep imaginary address.
        page_url = site.base + "no/such/deep/page/"
    if file.parent == site.root and file.name == "robots.txt":
        lines = file.read_text("utf-8").splitlines()
        refs = [_Ref(line.split(":", 1)[1].strip(), "robots.txt Sitemap")
                for line in lines if line.lower().startswith("sitemap:")]
        return refs, page_url
    if file.suffix in {".html", ".htm"}:
        tree = _parse_html(file.read_bytes())
        site.ids_of(file, tree)
        base_element = tree.find(f".//{_XHTML}base[@href]")
        page_base = urljoin(page_url, base_element.attrib["href"]) if base_element is not None else page_url
        return list(_html_refs(tree, site)), page_base
    if file.suffix == ".xml" or file.name.endswith(".atom"):
        return list(_xml_refs(file, site)), page_url
    if file.suffix == ".css":
        return [_Ref(url, "css url()") for url in _css_urls(file.read_text("utf-8"))], page_url
    return [], page_url


def _check(ref: _Ref, page_base: str, site: _Site) -> str | None:
    raw = ref.address
    if ref.context.startswith("JSON-LD does not parse"):
        return "invalid JSON-LD"
    # Browsers strip leading/trailing C0 controls and spaces and remove tabs and newlines
    # anywhere before deciding on a scheme; do the same so that "java\nscript:" is caught.
    cleaned = _CONTROL_OR_SPACE.sub("", raw)
    if not cleaned:
        return "empty address"
    scheme_match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    if scheme_match:
        scheme = scheme_match.group(1).lower()
        if scheme in _UNSAFE_SCHEMES:
            return f"{scheme}: address"
        if scheme not in _FOLLOWABLE_SCHEMES:
            return f"unexpected scheme {scheme}:"
    absolute = urljoin(page_base, raw.strip())
    parts = urlsplit(absolute)
    scheme, host, base_path = site.base_parts
    if parts.scheme not in {"http", "https"} or parts.netloc.lower() != host:
        return None  # external: not fetched
    if parts.scheme != scheme:
        return f"internal address with scheme {parts.scheme}, site uses {scheme}"
    path = parts.path
    if path == base_path.rstrip("/"):
        path = base_path  # SITEURL itself, without the final slash, is the home page
    if not path.startswith(base_path):
        return f"internal address outside the site's path {base_path}"
    relative = unquote(path[len(base_path):])
    target = (site.root / relative).resolve() if relative else site.root
    if not target.is_relative_to(site.root):
        return "escapes the output folder"
    if target.is_dir():
        if not path.endswith("/") and relative:
            # GitHub Pages redirects /dir to /dir/, but a build should link the final address.
            return "directory without trailing slash (a redirect)"
        target = target / "index.html"
    if not target.is_file():
        return f"no such file: {target.relative_to(site.root).as_posix()}"
    fragment = unquote(parts.fragment)
    if (
        fragment
        and target.suffix in {".html", ".htm"}
        and fragment not in site.ids_of(target)
        and fragment != "top"  # '#top' scrolls to the top by definition
    ):
        return f"no id {fragment!r} in {target.relative_to(site.root).as_posix()}"
    return None


def _noindex(tree: ET.Element) -> bool:
    for meta in tree.iter(f"{_XHTML}meta"):
        if meta.attrib.get("name", "").lower() == "robots" and "noindex" in meta.attrib.get("content", "").lower():
            return True
    return False


def sitemap_problems(output: Path, site_url: str = "") -> list[LinkProblem]:
    """The sitemap must list every indexable page, once, and nothing marked noindex."""
    root = output.resolve()
    base = (site_url.rstrip("/") + "/") if site_url else _ROOT_BASE
    sitemap = root / "sitemap.xml"
    if not sitemap.is_file():
        return [LinkProblem("sitemap.xml", "", "no sitemap was built")]
    listed: list[str] = []
    for loc in ET.parse(sitemap).getroot().iter(f"{_SITEMAP}loc"):
        path = urlsplit(urljoin(base, (loc.text or "").strip())).path
        listed.append(unquote(path.removeprefix(urlsplit(base).path)))
    twice = sorted({page for page in listed if listed.count(page) > 1})
    problems = [LinkProblem("sitemap.xml", page, "listed twice") for page in twice]
    for file in sorted(root.rglob("*.html")):
        relative = file.relative_to(root).as_posix()
        page = relative.removesuffix("index.html")
        indexable = relative != "404.html" and not _noindex(_parse_html(file.read_bytes()))
        if indexable and page not in listed:
            problems.append(LinkProblem("sitemap.xml", base + page, "indexable page missing from the sitemap"))
        if not indexable and page in listed:
            problems.append(LinkProblem("sitemap.xml", base + page, "lists a page marked noindex (or the 404 page)"))
    return problems


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or len(args) > 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    problems = check_site(Path(args[0]), args[1] if len(args) > 1 else "")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} link problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
