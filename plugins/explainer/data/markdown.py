"""Markdown to HTML for the whole site: content/*.md pages and the Markdown fields of events.yaml.

One renderer, one configuration, one cache. CommonMark with tables and strikethrough, raw HTML
off (it is escaped, not passed through), and links restricted to http, https, mailto and
relative addresses. `render` returns `Markup`: this module is the only place in the project
that declares a string of HTML safe for the autoescaping templates.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from .text import Text, fallback_tag, shown_in

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
"""Schemes a link may use; anything else (javascript:, data:, vbscript:, file: ...) is refused."""

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _strip_invisible(url: str) -> str:
    # Browsers ignore ASCII whitespace and control characters inside a scheme
    # ("java\tscript:"), so we drop every whitespace, control and format character
    # (zero-width space and friends) before reading the scheme.
    return "".join(
        ch for ch in url if not (ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zs"})
    )


_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$'()*+,;=-]*")
"""Printable ASCII without space, '%' or '&': nothing to decode and nothing invisible to strip."""


def is_safe_link(url: str) -> bool:
    """True for http(s), mailto and relative links; False for every other scheme."""
    if _PLAIN_ADDRESS.fullmatch(url):
        return _scheme_allowed(url.lower())
    # markdown-it hands us a percent-encoded address; decode it (twice, against
    # double encoding) so that "java%09script:" is read as the browser would.
    # HTML entities are decoded too, in case an address reaches us still encoded.
    decoded = html.unescape(unquote(unquote(url)))
    return _scheme_allowed(_strip_invisible(decoded).lower())


def _scheme_allowed(cleaned: str) -> bool:
    if cleaned[:2] in {"//", "\\\\", "/\\", "\\/"}:
        # Protocol-relative ("//host/x"; browsers read backslashes as slashes): it leaves the
        # site for a host the text does not name with a scheme, so it is refused like one.
        return False
    match = _SCHEME.match(cleaned)
    if match is None:
        # No scheme before the first '/', '?' or '#': a relative link, unless a
        # colon hides before those characters (then it is an unknown scheme).
        head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
        return ":" not in head
    return match.group(1) in ALLOWED_SCHEMES


# Link destinations in Markdown: inline `](dest)`, reference definitions `[x]: dest` and
# autolinks `<scheme:...>`. A regular expression over-approximates (it also sees links inside
# code spans), which errs on the side of telling the editor: the renderer drops unsafe links
# silently, so without this check a `javascript:` link would just vanish from the page.
_MARKDOWN_LINK = re.compile(
    r"\]\(\s*<?((?:[^()<>\s]|\([^()\s]*\))+)"             # inline: ](dest)
    r"|^[ ]{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)"          # reference definition: [x]: dest
    r"|<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^>\s]*)>",          # autolink: <scheme:...>
    re.MULTILINE,
)
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:|//|\\\\)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LinkProblem:
    """A link or image in a Markdown text that the site refuses, and where it starts."""

    offset: int
    """Index in the text of the address."""
    url: str
    message: str


def link_problems(markdown: str) -> list[LinkProblem]:
    """Unsafe links (a scheme other than http, https or mailto; protocol-relative addresses)
    and images from other sites (the pages' Content-Security-Policy would block them), in
    the order they appear. The renderer drops unsafe links; this tells the editor instead."""
    if "](" not in markdown and "]:" not in markdown and "<" not in markdown:
        return []  # the common case: no link at all, no need to look closer
    found: dict[int, LinkProblem] = {}
    for match in _MARKDOWN_LINK.finditer(markdown):
        group = next(index for index in (1, 2, 3) if match.group(index))
        url = match.group(group)
        if not is_safe_link(url):
            found[match.start(group)] = LinkProblem(
                match.start(group), url, f"the link {_quoted(url)} is not allowed: a link must start with "
                "https://, http:// or mailto:, or be an address on this site such as /about/")
    # Only an image can come from another site, and every image is written with "![": parsing
    # (3.5 s of CPU for 10,000 summaries with links) is for the texts that have one.
    for token in _PARSER.parse(markdown) if "![" in markdown else ():
        for child in token.children or ():
            src = str(child.attrs.get("src", "")) if child.type == "image" else ""
            if src and _REMOTE.match(src):
                written = _written_address(markdown, token, src)
                offset = written[0]
                found.setdefault(offset, LinkProblem(
                    offset, written[1], f"the image {_quoted(written[1])} comes from another site, which the "
                    "pages' security policy blocks: link to it instead, [description](address), or leave it out"))
    return [found[offset] for offset in sorted(found)]


def _quoted(url: str, limit: int = 80) -> str:
    """An address quoted in a message, clipped so that a huge one still gives a one-line message."""
    return f"'{url if len(url) <= limit else url[:limit - 3] + '...'}'"


def _written_address(markdown: str, block: Token, src: str) -> tuple[int, str]:
    """Where an image's address is written (offset, text), searched within its block's lines;
    markdown-it gives the address normalised, so its start is matched loosely."""
    lines = markdown.splitlines(keepends=True)
    first = block.map[0] if block.map else 0
    start = sum(len(line) for line in lines[:first])
    head = unquote(src)[:12]
    index = markdown.find(head, start)
    if index < 0:
        index = markdown.find("](", start)
        index = start if index < 0 else index + 2
    end = index
    while end < len(markdown) and not markdown[end].isspace() and markdown[end] not in ")>":
        end += 1
    return index, markdown[index:end]


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # markdown-it calls `self.validateLink(url)`; an instance attribute replaces the
    # default check (which only refuses a short list of schemes) with our allowlist.
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    # Both are pure functions of the address, and a site links the same few thousand
    # source addresses from many texts: parsing, re-encoding and checking each address
    # once is about a fifth of markdown-it's time on typical summaries.
    md.normalizeLink = lru_cache(maxsize=8192)(md.normalizeLink)  # type: ignore[method-assign]
    md.validateLink = lru_cache(maxsize=8192)(md.validateLink)  # type: ignore[method-assign]
    return md


_PARSER = _make_parser()


@dataclass(frozen=True, slots=True)
class Rendered:
    """One Markdown text, parsed once: its HTML and its words without markup."""

    html: Markup
    words: str
    """Plain text, whitespace collapsed: for meta descriptions and feeds."""


def _words(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        for child in token.children or ():
            if child.type in {"text", "code_inline"}:
                parts.append(child.content)
            elif child.type in {"softbreak", "hardbreak"}:
                parts.append(" ")
        if token.type in {"paragraph_close", "heading_close", "list_item_close"}:
            parts.append(" ")
    return " ".join("".join(parts).split())


class RenderedStore(Protocol):
    """A cache of rendered texts kept between builds (see explainer.output.caches.MarkdownStore)."""

    def get(self, text: str) -> tuple[str, str] | None: ...
    def put(self, text: str, html: str, words: str) -> None: ...
    def save(self, live: Callable[[], Iterable[str]] = ...) -> None: ...


_rendered: dict[str, Rendered] = {}
"""This process's cache: each distinct text is parsed at most once per process."""
_store: RenderedStore | None = None


def use_store(store: RenderedStore | None) -> None:
    """Use `store` for the build that starts now (None: no cache between builds).

    The in-process cache is emptied so that every text this build needs passes through
    the store once, which is how the store learns which entries are still in use. The
    store's file is keyed by a hash of this module and markdown-it's version, so HTML read
    back from it is what `_PARSER` would produce.
    """
    global _store
    _store = store
    _rendered.clear()


def current_store() -> RenderedStore | None:
    return _store


def is_cached(text: str) -> bool:
    return text in _rendered


def prime(pairs: Iterable[tuple[str, Rendered]]) -> None:
    """Adopt texts rendered elsewhere (a forked worker) into this process's caches."""
    for text, result in pairs:
        _rendered[text] = result
        if _store is not None:
            _store.put(text, str(result.html), result.words)


def rendered(text: str) -> Rendered:
    """Both forms of a text, parsed once per process (or read from the store between builds)."""
    found = _rendered.get(text)
    if found is not None:
        return found
    stored = _store.get(text) if _store is not None else None
    if stored is not None:
        found = Rendered(Markup(stored[0]), stored[1])
    else:
        tokens = _PARSER.parse(text)
        found = Rendered(Markup(_PARSER.renderer.render(tokens, _PARSER.options, {})), _words(tokens))
        if _store is not None:
            _store.put(text, str(found.html), found.words)
    _rendered[text] = found
    return found


def render(text: str) -> Markup:
    """Markdown to safe HTML."""
    return rendered(text).html


def render_text(text: Text | str) -> Markup:
    """A Markdown text of the model as HTML, in the language pages are shown in (`show_in`);
    one shown in a fallback language is wrapped in an element carrying that language."""
    if isinstance(text, str):
        return render(text)
    lang, value = text.resolved()
    html = render(value)
    return html if lang == shown_in()[0] else in_fallback(lang, html)


def in_fallback(lang: str, html: Markup) -> Markup:
    """Rendered Markdown shown in the fallback language `lang`, in an element that says so."""
    return Markup(fallback_tag("div", lang)) + html + Markup("</div>")


def trusted_page_html(html: str) -> Markup:
    """Mark the body of a content/ page as safe.

    Pelican stores a page's body as a plain string after it went through `render` (our reader)
    and Pelican's own intrasite-link substitution, which only rewrites addresses; templates
    call this instead of `|safe` so that trust is declared in this module alone.
    """
    return Markup(html)


def plain_text(text: str, limit: int = 200) -> str:
    """The words of a Markdown text without markup, cut at a word near `limit` characters.

    For meta descriptions and feed titles, where HTML is not allowed; the result is an
    ordinary string that templates escape.
    """
    flat = rendered(text).words
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"
