"""Split the text of events.yaml into its entries without parsing it, so each can be read alone.

    pieces = split(text)   # None: the layout is not the plain one this module understands

A plain events.yaml is a few top-level lines `countries:`, `laws:`, `actors:`, `sources:`,
`events:` at column 0, each followed by its entries: in a keyed collection one line
`  KEY:` per entry at the collection's indentation, in `events:` one line `  - ` per event
(at any indentation, 0 included). An entry's text runs from its first line to the next such
line or top-level line, blank and comment lines after it included. The loader composes
each entry on its own (see `load`), so an edit re-reads one entry, not ten thousand.

Composing an entry alone gives the same nodes as composing the whole file, with lines moved.
The parser starts each entry in the same state either way: inside the collection, at the
collection's indentation, at the start of a line (composed alone, the entry follows a bare
`laws:` line; in the file, the top-level line and its comments, or the entry before it,
which has ended: see below). From there both read the same text, so they agree up to the
entry's end, where the file goes on with a boundary line (the next entry's first line, or a
top-level line) and the entry composed alone ends. They agree there too:
- a boundary line is indented no more than the collection that holds the entry, so it ends
  every block collection, block scalar and plain scalar of the entry before it (each ends at
  the first line indented no more than its parent); the end of the text ends them the same
  way (the trailing blank lines a `|+` scalar keeps are in the entry's text either way);
- what a boundary line cannot end is a quoted scalar or a [flow] collection: if one of those
  crosses a boundary, composing the entry before it alone fails ("never closed"), and the
  loader reads the whole file instead;
- column-0 lines are where the layout could deceive (a second document, a directive, a
  top-level key with its value on the line, an unknown or repeated one): every column-0 line
  that is not a comment must be a plain `name:` line of a known collection, each at most
  once, or an event's first line where events sit at column 0; with a byte-order mark or a
  carriage return too, `split` returns None and the whole file is read. Lines indented less
  than the entries, or at their indentation but of another form, need no check of their
  own: they are inside an entry, read the same way alone as in the file (and fail there);
- an alias to an anchor in another entry is undefined when the entry is composed alone, so
  that fails too; tags, tabs, invisible characters and deep prefixes are line by line and are
  checked in each entry by `yamlsource.compose`, and in the text between entries (top-level
  lines and comments) by the loader; open brackets are counted across the file by the loader
  from each piece's `yamlsource.bracket_profile`.
The loader also checks that each entry composes to exactly one entry of its collection.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from .fields import COLLECTIONS

_NAMES = frozenset(c.name for c in COLLECTIONS)
_REQUIRED = frozenset(c.name for c in COLLECTIONS if c.required)
_KEYED = frozenset(c.name for c in COLLECTIONS if c.key is not None)

_HEADER = re.compile(r"([a-z_]+):(?:[ ]+#.*|[ ]*)")
"""A whole top-level line: `events:`, optionally with a comment."""
_COLUMN_0 = re.compile(r"\n(?=[^ \n#])")
"""The newline before each line that starts at column 0 and is not a comment."""
_CONTENT = re.compile(r"^( *)[^ \n#]", re.MULTILINE)
"""A line that is neither blank nor a comment; group 1 is its indentation."""
_KEY_LINE = re.compile(r""" +(?:[A-Za-z0-9][A-Za-z0-9_.-]*|"[A-Za-z0-9_.-]+"|'[A-Za-z0-9_.-]+'):(?: |\n|$)""")
"""The first line of an entry of a keyed collection: a plain or quoted simple key."""
_ITEM_LINE = re.compile(r" *-(?: |\n|$)")
"""The first line of an event: a list item."""


@dataclass(slots=True)
class Piece:
    """A stretch of the file: one entry's text, or the text between entries."""

    start: int
    """Offset of its first character in the text."""
    end: int
    line: int
    """1-based line of its first line."""
    collection: str | None
    """The collection the entry belongs to; None for text between entries (top-level lines,
    comments before a collection's first entry)."""
    digest: str = ""
    """For an entry: a hash (BLAKE2b) of its collection and its text."""


def split(text: str) -> list[Piece] | None:
    """The pieces of `text`, in file order; None unless the layout is the plain one."""
    if not text or text[0] == "\ufeff" or "\r" in text:
        return None
    column_0 = [match.end() for match in _COLUMN_0.finditer(text)]
    if text[0] not in " \n#":
        column_0.insert(0, 0)
    headers: list[tuple[str, int, int]] = []  # (name, start of its line, start of the next line)
    items_0: list[int] = []  # list items at column 0: events at indentation 0
    for start in column_0:
        end = text.find("\n", start) + 1 or len(text)
        header = _HEADER.fullmatch(text, start, end - (text[end - 1] == "\n"))
        if header:
            headers.append((header.group(1), start, end))
        elif _ITEM_LINE.match(text, start):
            items_0.append(start)
        else:
            return None
    names = [name for name, _, _ in headers]
    if len(set(names)) != len(names) or not _NAMES.issuperset(names) or not _REQUIRED.issubset(names):
        return None
    if _CONTENT.search(text, 0, headers[0][1]):
        return None  # something other than comments before the first top-level line
    starts: list[tuple[int, str | None]] = [(0, None)] if headers[0][1] else []
    for index, (name, start, body) in enumerate(headers):
        end = headers[index + 1][1] if index + 1 < len(headers) else len(text)
        entries = _entry_starts(text, name, body, end, items_0)
        if entries is None:
            return None
        starts.append((start, None))
        starts.extend((entry, name) for entry in entries)
    return _pieces(text, starts)


def _entry_starts(text: str, name: str, body: int, end: int, items_0: list[int]) -> list[int] | None:
    """Where the entries of collection `name` start, its text running from `body` to `end`."""
    first = _CONTENT.search(text, body, end)
    in_body = [start for start in items_0 if body <= start < end]
    if first is None:
        return []  # `laws:` with nothing under it
    indent = len(first.group(1))
    if indent == 0:  # events at column 0: every column-0 line up to `end` starts one
        return in_body if name not in _KEYED else None
    if in_body:
        return None
    found = [match.end() for match in _entry_lines(indent, name in _KEYED).finditer(text, body - 1, end)]
    # The text before the first entry is not composed: it must hold only blanks and comments.
    return found if found and found[0] == first.start() else None


@cache
def _entry_lines(indent: int, keyed: bool) -> re.Pattern[str]:
    """The newline before each line that starts an entry at `indent` (the match ends where it starts)."""
    line = _KEY_LINE if keyed else _ITEM_LINE
    rest = line.pattern.removeprefix(" +").removeprefix(" *")
    return re.compile(rf"\n(?= {{{indent}}}{rest})")


def _pieces(text: str, starts: list[tuple[int, str | None]]) -> list[Piece]:
    pieces = []
    line = 1
    previous = 0
    ends = [start for start, _ in starts[1:]] + [len(text)]
    # For ASCII text (the usual case) character offsets are byte offsets: encode once, hash slices
    # (as Latin-1, which gives the same bytes here and is several times faster to encode).
    data = memoryview(text.encode("latin-1")) if text.isascii() else None
    hashers = {c: hashlib.blake2b(c.encode() + b"\n", digest_size=16) for c in _NAMES}
    for (start, collection), end in zip(starts, ends, strict=True):
        line += text.count("\n", previous, start)
        previous = start
        if collection is None:
            pieces.append(Piece(start, end, line, None))
            continue
        hasher = hashers[collection].copy()
        hasher.update(data[start:end] if data is not None else text[start:end].encode("utf-8", "surrogatepass"))
        pieces.append(Piece(start, end, line, collection, hasher.hexdigest()))
    return pieces
