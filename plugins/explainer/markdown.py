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
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Protocol
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

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
    if cleaned.startswith("//"):
        return True  # protocol-relative: same scheme as the page
    match = _SCHEME.match(cleaned)
    if match is None:
        # No scheme before the first '/', '?' or '#': a relative link, unless a
        # colon hides before those characters (then it is an unknown scheme).
        head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
        return ":" not in head
    return match.group(1) in ALLOWED_SCHEMES


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # markdown-it calls `self.validateLink(url)`; an instance attribute replaces the
    # default check (which only refuses a short list of schemes) with our allowlist.
    md.validateLink = is_safe_link  # type: ignore[method-assign]
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


# The fast path. Almost every text in events.yaml is paragraphs of prose with **strong**,
# *emphasis* and [links](https://...). markdown-it parses those in ~0.13 ms each, which at
# 10,000 events is more than a second of every cold build, so `_simple` renders that subset
# directly, and gives up (None) on any text that could mean anything else: then markdown-it
# renders it. What it accepts, it renders exactly as markdown-it does (HTML and words alike;
# tests/test_markdown_fast_path.py compares the two on generated and corpus texts):
# - lines never start or end with a space and contain no tab or control character; blank
#   lines are empty; a line starts with a letter, a digit not followed by '.' or ')', a
#   quote, '(', a link or an opening '*' (so no heading, list, quote, rule, fence, table,
#   indented code or link reference definition can start);
# - no character that starts other inline syntax: \ ` < > & _ ~ | (entities, escapes, code,
#   raw HTML, autolinks, underscores, strikethrough, tables), nor '![' (an image);
# - '*' runs of one or two, each clearly an opener (after a space or the start of the
#   paragraph, before a letter or digit) or clearly a closer (after a letter or digit and
#   before a space, the end or punctuation, or after punctuation and before a space or the
#   end), nested properly with equal lengths, so CommonMark's delimiter rules reduce to
#   matching brackets;
# - '[' and ']' only in links `[label](address)` whose label is plain text on one line and
#   whose address has no space, parenthesis, quote, '<', '>', '\', '&' or '*', and passes
#   the same normalisation and `is_safe_link` check as markdown-it's.

_INLINE = re.compile(
    r"(?P<text>(?:[^*\[\]!\n]+|!(?!\[))+)"
    r"|(?P<newline>\n)"
    r"|(?P<stars>\*+)"
    r"|\[(?P<label>[^\[\]*\n]+)\]\((?P<address>[A-Za-z0-9\-._~:/?#@!$'+,;=%]+)\)"
)
_PLAIN_ASCII = re.compile(r"[A-Za-z0-9 .,;:!?'\"()/%+=#@$^{}\-]*")
"""ASCII characters that are text and nothing else wherever the first-character rule allows them."""
_LINE_START = re.compile(r"[^\W_]|[\"'(\[*]")
_LIST_NUMBER = re.compile(r"[0-9]+[.)]")
_CLOSER_PUNCTUATION = frozenset(".,;:!?)\"'")
_SPACE = frozenset(" \n")


def _plain_chars(piece: str) -> bool:
    if piece.isascii():
        return _PLAIN_ASCII.fullmatch(piece) is not None
    # Letters, marks, digits, punctuation and symbols of any script; no space or format
    # character beyond the ASCII space (their meaning next to '*' or at a line's end differs).
    return all(
        _PLAIN_ASCII.fullmatch(ch) is not None if ch.isascii() else unicodedata.category(ch)[0] not in "CZ"
        for ch in piece
    )


@lru_cache(maxsize=4096)
def _safe_href(address: str) -> str | None:
    """The href markdown-it writes for a link address, or None when it would refuse the link."""
    normalized = _PARSER.normalizeLink(address)
    return escapeHtml(normalized) if _PARSER.validateLink(normalized) else None


def _simple_paragraph(paragraph: str, html_parts: list[str], words: list[str]) -> bool:
    """Append the paragraph's HTML and words; False when it is not in the fast path's subset."""
    html_parts.append("<p>")
    open_runs: list[int] = []
    position, end = 0, len(paragraph)
    while position < end:
        match = _INLINE.match(paragraph, position)
        if match is None:
            return False  # a stray '[', ']' or '!['
        kind = match.lastgroup
        if kind == "text":
            piece = match.group()
            if not _plain_chars(piece):
                return False
            html_parts.append(escapeHtml(piece))
            words.append(piece)
        elif kind == "newline":
            html_parts.append("\n")
            words.append(" ")
        elif kind == "stars":
            run = len(match.group())
            before = paragraph[position - 1] if position else " "
            after = paragraph[match.end()] if match.end() < end else " "
            if run > 2:
                return False
            if before in _SPACE and after.isalnum():
                open_runs.append(run)
                html_parts.append("<strong>" if run == 2 else "<em>")
            elif (before.isalnum() and (after in _SPACE or after in _CLOSER_PUNCTUATION)) or (
                before in _CLOSER_PUNCTUATION and after in _SPACE
            ):
                if not open_runs or open_runs.pop() != run:
                    return False
                html_parts.append("</strong>" if run == 2 else "</em>")
            else:
                return False
        else:
            label = match.group("label")
            href = _safe_href(match.group("address"))
            if href is None or not _plain_chars(label):
                return False
            html_parts.append(f'<a href="{href}">{escapeHtml(label)}</a>')
            words.append(label)
        position = match.end()
    if open_runs:
        return False
    html_parts.append("</p>\n")
    words.append(" ")
    return True


def _simple(text: str) -> Rendered | None:
    """`text` rendered without markdown-it, or None when it is outside the fast path's subset."""
    html_parts: list[str] = []
    words: list[str] = []
    paragraph: list[str] = []
    for line in (*text.split("\n"), ""):
        if not line:
            if paragraph and not _simple_paragraph("\n".join(paragraph), html_parts, words):
                return None
            paragraph = []
            continue
        if line[0] == " " or line[-1] == " " or _LINE_START.match(line) is None:
            return None
        if line[0].isdigit() and _LIST_NUMBER.match(line):
            return None
        paragraph.append(line)
    if not html_parts:
        return None
    return Rendered(Markup("".join(html_parts)), " ".join("".join(words).split()))


class RenderedStore(Protocol):
    """A cache of rendered texts kept between builds (see explainer.incremental.MarkdownStore)."""

    def get(self, text: str) -> list[str] | None: ...
    def put(self, text: str, html: str, words: str) -> None: ...


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
        found = _simple(text) or _parsed(text)
        if _store is not None:
            _store.put(text, str(found.html), found.words)
    _rendered[text] = found
    return found


def _parsed(text: str) -> Rendered:
    tokens = _PARSER.parse(text)
    return Rendered(Markup(_PARSER.renderer.render(tokens, _PARSER.options, {})), _words(tokens))


def render(text: str) -> Markup:
    """Markdown to safe HTML."""
    return rendered(text).html


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
