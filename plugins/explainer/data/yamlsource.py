"""Turn the bytes of events.yaml into a tree of YAML nodes, refusing anything hostile.

This module never builds Python objects from YAML: it stops at *nodes*, which keep the raw text
of every value and its line and column. So `NO` stays the text "NO" and `2024-01-05` stays the
text "2024-01-05" until `validate` reads it as the field in question expects (YAML 1.1 would
otherwise turn them into `False` and a `datetime.date`).

Hostile input is refused before it can cost time or memory:
- files over `MAX_BYTES` are refused from their size alone, without being read;
- deep nesting is refused by a cheap scan before libyaml sees it (libyaml's composer recurses
  in C and crashes the interpreter on a few hundred thousand levels);
- anchors and aliases are refused: composing shares nodes instead of copying them, and the
  check below visits each node once, so a "billion laughs" file is rejected in milliseconds.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import EventsFileError, Problem

try:  # libyaml is ~10x faster; the pure-Python loader gives the same nodes.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_BYTES = 64 * 1024 * 1024
"""Largest file accepted. 10,000 events take about 15 MB."""
MAX_FLOW_DEPTH = 1000
"""Most `[`/`{` open at once. events.yaml needs 2; libyaml crashes somewhere past 10,000."""
MAX_PREFIX = 200
"""Longest run of indentation and `- `/`? `/`: ` at the start of a line; events.yaml needs ~12."""
EMPTY_FILE = ("the file is empty: it should hold countries:, laws:, actors:, sources: and events: "
              "(see CONTRIBUTING.md)")
MAX_REPEATED = 10
"""Stop listing invisible characters after this many; the rest are summarised."""

# Characters YAML allows in a document (YAML 1.1, section 5.1), minus the exotic line breaks
# NEL, LS and PS: libyaml counts them as new lines and editors do not, so every line number
# after one would be off. Anything else is invisible junk.
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_TAB_IN_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_DEEP_PREFIX = re.compile(rf"^[ \-?:]{{{MAX_PREFIX},}}", re.MULTILINE)
_BRACKET = re.compile(r"[\[\]{}]")
_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)
# Tags a plain YAML file gets implicitly; anything else was typed as `!tag` by someone.
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge", "value")
)


def read_file(path: Path, display_name: str) -> str:
    """Read and decode a file, refusing it early when it is too large or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise EventsFileError([Problem(
                display_name, 1, 1,
                f"the file is {size:,} bytes, over the limit of {MAX_BYTES // 1024 // 1024} MiB, "
                "so it was not read: is this the right file?",
            )])
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise EventsFileError([Problem(display_name, 1, 1, f"cannot read the file: {error.strerror}")]) from None
    if len(data) > MAX_BYTES:  # grew while we looked, or not a regular file
        raise EventsFileError([Problem(
            display_name, 1, 1, f"the file is larger than {MAX_BYTES // 1024 // 1024} MiB; it was not read")])
    return decode(data, display_name)


def decode(data: bytes, display_name: str) -> str:
    """Decode strict UTF-8 (a byte-order mark is allowed and dropped)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EventsFileError([Problem(
            display_name, 1, 1, "the file is saved as UTF-16; save it with UTF-8 encoding instead",
        )])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        prefix = data[line_start:error.start].decode("utf-8-sig" if line_start == 0 else "utf-8", "replace")
        line = data.count(b"\n", 0, error.start) + 1
        raise EventsFileError([Problem(
            display_name, line, len(prefix) + 1,
            f"the file is not UTF-8: byte 0x{data[error.start]:02x} here cannot be read as text; "
            "save the file with UTF-8 encoding",
        )]) from None


def compose(text: str, display_name: str) -> Node:
    """The root node of the document; raises EventsFileError for anything that is not clean YAML."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    problems = _check_characters(text, display_name)
    if problems:
        raise EventsFileError(problems)
    if not _CONTENT.search(text):
        raise EventsFileError([Problem(display_name, 1, 1, EMPTY_FILE)])
    problem = _check_depth(text, display_name)
    if problem:
        raise EventsFileError([problem])
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise EventsFileError([_syntax_problem(error, display_name)]) from None
    except yaml.YAMLError as error:  # e.g. a ReaderError without a mark
        raise EventsFileError([Problem(display_name, 1, 1, f"the file cannot be read as YAML: {error}")]) from None
    except RecursionError:  # the pure-Python composer on deep nesting our scan let through
        raise EventsFileError([Problem(display_name, 1, 1, "the file is nested too deeply to read")]) from None
    if root is None:
        raise EventsFileError([Problem(display_name, 1, 1, EMPTY_FILE)])
    problems = _check_nodes(root, text, display_name)
    if problems:
        raise EventsFileError(problems)
    return root


def text_is_clean(text: str) -> bool:
    """Whether `compose` would let `text` through its checks of characters and nesting (the
    ones made on the text, before parsing). For the text between entries, which the loader's
    fast path never composes (see `entries`)."""
    return not _check_characters(text, "") and _check_depth(text, "") is None


BracketProfile = tuple[int, int, int, int]
"""How a piece of text moves the count of open brackets that `_check_depth` keeps."""


def bracket_profile(text: str) -> BracketProfile:
    """(net change, count at the end, highest prefix sum, highest count), counting from 0.

    `_check_depth` counts `[`/`{` up and `]`/`}` down but never below 0. Started at `d`
    instead of 0, that count is max(d + prefix sum, count from 0) at every point (the floor at
    0 only matters until the sum climbs above -d), so these four numbers say what a piece does
    to any count it starts with: see `bracket_step`.
    """
    net = depth = top = peak = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            net += 1
            depth += 1
            top = max(top, net)
            peak = max(peak, depth)
        else:
            net -= 1
            depth = max(depth - 1, 0)
    return net, depth, top, peak


def bracket_step(depth: int, profile: BracketProfile) -> int | None:
    """The count after a piece that starts at `depth`; None if it exceeds MAX_FLOW_DEPTH inside."""
    net, end, top, peak = profile
    if max(depth + top, peak) > MAX_FLOW_DEPTH:
        return None
    return max(depth + net, end)


def _check_characters(text: str, display_name: str) -> list[Problem]:
    """Tabs in indentation and invisible control characters, each at its own line and column."""
    problems = []
    for match in _TAB_IN_INDENT.finditer(text):
        line, column = _position(text, match.end() - 1)
        problems.append(Problem(
            display_name, line, column,
            "tab character in the indentation: YAML indentation must use spaces, so replace the tab with spaces",
        ))
    bad = list(_NOT_PRINTABLE.finditer(text, 0))
    for match in bad[:MAX_REPEATED]:
        line, column = _position(text, match.start())
        problems.append(Problem(
            display_name, line, column,
            f"invisible character U+{ord(match.group()):04X} is not allowed; delete it",
        ))
    if len(bad) > MAX_REPEATED:
        line, column = _position(text, bad[MAX_REPEATED].start())
        problems.append(Problem(
            display_name, line, column,
            f"{len(bad) - MAX_REPEATED} more invisible characters from here on; is this a text file?",
        ))
    return problems


def _check_depth(text: str, display_name: str) -> Problem | None:
    """Refuse nesting deeper than events.yaml could ever need, before libyaml recurses into it.

    Counting brackets without parsing over-estimates (a `[` inside a title counts too), which
    only matters past MAX_FLOW_DEPTH unclosed brackets: no real file gets near that.
    """
    match = _DEEP_PREFIX.search(text)
    if match:
        line, column = _position(text, match.start() + MAX_PREFIX - 1)
        return Problem(
            display_name, line, column,
            f"this line is indented or nested more than {MAX_PREFIX} columns deep; "
            "events.yaml never needs that: check the indentation",
        )
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                line, column = _position(text, match.start())
                return Problem(
                    display_name, line, column,
                    f"more than {MAX_FLOW_DEPTH} brackets are open here; "
                    "events.yaml never nests that deep: check for unclosed brackets",
                )
        elif depth:
            depth -= 1
    return None


def _check_nodes(root: Node, text: str, display_name: str) -> list[Problem]:
    """Visit every node once: refuse explicit tags, and aliases (a node reached twice)."""
    problems = []
    seen: set[int] = set()
    shared = False
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared = True
            continue
        seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            problems.append(_at(node, display_name, f"the tag '{tag}' is not allowed in events.yaml; remove it"))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append(value)
                stack.append(key)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    if shared:
        problems.extend(_alias_problems(text, display_name))
    return problems


def _alias_problems(text: str, display_name: str) -> list[Problem]:
    """One problem per anchor name, at the first alias that repeats it.

    Runs only when composing shared a node, so ordinary files never pay for the second parse.
    The event stream does not expand aliases, so this is linear even for an alias bomb.
    """
    anchors: dict[str, int] = {}
    reported: set[str] = set()
    problems = []
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            continue
        if isinstance(event, yaml.AliasEvent):
            if anchor not in reported:
                reported.add(anchor)
                where = f" (anchored with '&{anchor}' on line {anchors[anchor]})" if anchor in anchors else ""
                line, column = _mark_position(event.start_mark)
                problems.append(Problem(
                    display_name, line, column,
                    f"'*{anchor}' repeats a value from elsewhere{where}; anchors and aliases are "
                    "not allowed in events.yaml: write the value out in full",
                ))
        else:
            anchors.setdefault(anchor, _mark_position(event.start_mark)[0])
    return problems


def _mark_position(mark: Any) -> tuple[int, int]:
    """1-based line and column of a parser mark (the stubs allow none: then the file's start)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


# libyaml's wording (and the pure-Python loader's) -> what an editor should do about it.
_SYNTAX_HINTS: tuple[tuple[str, str, bool], ...] = (
    # (fragment of the parser's message, plain message, point at the context mark?)
    ("mapping values are not allowed",
     "a ': ' cannot appear in an unquoted value here: put the whole value in quotes", False),
    ("found unexpected end of stream",
     "this quoted text is never closed: add the closing quote", True),
    ("found unknown escape character",
     "unknown escape sequence in double-quoted text: write \\\\ for a backslash, or use single quotes", False),
    ("expected ',' or ']'",
     "this [list] is not closed: add ']' at its end, and separate items with commas", True),
    ("expected ',' or '}'",
     "this {mapping} is not closed: add '}' at its end, and separate entries with commas", True),
    ("did not find expected key",
     "expected a 'field: value' line here at the same indentation as the fields above; "
     "check the indentation, or quote a value that contains ': ' or starts with a special character", False),
    ("did not find expected '-' indicator",
     "expected a list item ('- ...') here at the same indentation as the items above; check the indentation", False),
    ("could not find expected ':'",
     "expected 'field: value' here: a line is missing its ':', or a value continues onto a "
     "line that is not indented further", True),
    ("found a tab character",
     "tab character in the indentation: YAML indentation must use spaces, so replace the tab with spaces", False),
    ("found character that cannot start any token",
     "this character cannot start a value: put the value in quotes", False),
    ("found undefined alias",
     "'*' introduces an alias, which events.yaml does not allow: put the value in quotes, or write it out "
     "in full", False),
    ("expected a single document",
     "a second YAML document starts here: events.yaml holds a single document, so remove this '---' line", False),
    ("block sequence entries are not allowed",
     "a list item ('- ') cannot start here: put each item on its own line, indented under its field", False),
    ("expected alphabetic or numeric character",
     "'&' or '*' at the start of a value marks an anchor or alias: put the value in quotes", False),
    ("expected <block end>",
     "this line is indented differently from the fields around it: check the indentation", False),
)


def _syntax_problem(error: yaml.MarkedYAMLError, display_name: str) -> Problem:
    problem = error.problem or ""
    said = f"{problem} {error.context or ''}"
    for fragment, message, at_context in _SYNTAX_HINTS:  # noqa: B007 - `message` is used after the break
        if fragment in said:
            mark = error.context_mark if at_context and error.context_mark else error.problem_mark
            break
    else:
        message = f"the YAML here cannot be read: {problem}"
        if error.context:
            message += f" ({error.context})"
        mark = error.problem_mark or error.context_mark
    if mark is None:
        return Problem(display_name, 1, 1, message)
    return Problem(display_name, mark.line + 1, mark.column + 1, message)


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _at(node: Node, display_name: str, message: str) -> Problem:
    return Problem(display_name, node.start_mark.line + 1, node.start_mark.column + 1, message)


__all__ = [
    "EMPTY_FILE", "MAX_BYTES", "MappingNode", "Node", "ScalarNode", "SequenceNode", "bracket_profile",
    "bracket_step", "compose", "decode", "read_file", "text_is_clean",
]
