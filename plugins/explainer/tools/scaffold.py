"""Scaffold a new event in events.yaml by inserting lines of text, never by re-writing the YAML.

`invoke new-event` calls `add_event_to_file`. Everything already in the file stays byte for
byte (comments, quoting, blank lines), so `git diff` shows only the added lines.

Where it goes: the events list is kept oldest first, so the new event goes after the last
event dated on or before it (today's date by default, so usually at the end of the list).

Placeholders: every required field is written. A field the command line did not give is left
empty with a `# TODO` comment beside it saying what to write. Empty values fail validation on
purpose, so a half-filled scaffold can never be built or published; each TODO shows up in
`invoke validate` (and as an annotation in a pull request) on its own line.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import yaml

from ..data.dates import DateError, PartialDate
from ..data.vocab import EventKind

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID_LENGTH = 60


class ScaffoldError(ValueError):
    """The event cannot be added: a bad option, or a file whose shape we do not recognise."""


@dataclass(frozen=True, slots=True)
class AddedEvent:
    """Result of a scaffold: the new text and where the event landed."""

    text: str
    """The whole file with the event inserted."""
    event_id: str
    first_line: int
    """1-based line of `- id:` in the new text."""
    last_line: int
    """1-based last line of the event in the new text."""
    placeholders: tuple[str, ...]
    """Fields left for the editor to fill in (empty when the event is complete)."""


@dataclass(frozen=True, slots=True)
class _Item:
    """An existing event of the list, as found in the text."""

    start: int
    """0-based line of its `- ` item."""
    event_id: str | None
    date: PartialDate | None


@dataclass(frozen=True, slots=True)
class _Layout:
    """How the file writes the events list: where it is, its indentation and spacing."""

    items: tuple[_Item, ...]
    dash_indent: int
    field_indent: int
    blank_between: bool
    """Events are separated by a blank line."""
    end: int
    """0-based line just after the list's last content line (where appending inserts)."""


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; other scripts are transliterated."""
    try:
        from unidecode import unidecode  # installed with Pelican

        text = unidecode(text)
    except ImportError:  # pragma: no cover - Pelican always brings it
        pass
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_ID_LENGTH:
            break
        slug = candidate
    return slug


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML counts as a line break; str.splitlines() knows more (form feed, ...) and would
disagree with the line numbers the parser reports."""


def _split_lines(text: str, keepends: bool = False) -> list[str]:
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start : match.end() if keepends else match.start()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapping_get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in node.value:
        if _scalar(key_node) == key:
            return cast(yaml.Node, value_node)
    return None


def _keys(node: yaml.Node | None) -> list[str]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [key for key_node, _ in node.value if (key := _scalar(key_node)) is not None]


def _parse_date(text: str | None) -> PartialDate | None:
    if text is None:
        return None
    try:
        return PartialDate.parse(text)
    except DateError:
        return None


def _compose(text: str) -> yaml.MappingNode:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise ScaffoldError(
            f"events.yaml does not parse as YAML, so there is no safe place to add an event; "
            f"fix it first (`invoke validate` says where): {error}"
        ) from None
    if root is None:
        raise ScaffoldError("events.yaml is empty; it needs at least `countries:`, `sources:` and `events:`")
    if not isinstance(root, yaml.MappingNode):
        raise ScaffoldError("events.yaml must be a mapping with countries:, laws:, actors:, sources: and events:")
    return root


def _layout(lines: Sequence[str], events: yaml.SequenceNode) -> _Layout:
    """Read the list's indentation, spacing and end from the text itself."""
    items = []
    for node in events.value:
        if not isinstance(node, yaml.MappingNode):
            raise ScaffoldError(
                f"events.yaml:{node.start_mark.line + 1}: each event must be a mapping (id:, date:, ...)")
        items.append(_Item(node.start_mark.line, _scalar(_mapping_get(node, "id")),
                           _parse_date(_scalar(_mapping_get(node, "date")))))
    first = events.value[0]
    first_line = lines[first.start_mark.line]
    dash_indent = _indent(first_line)
    if first_line[dash_indent : dash_indent + 1] != "-":
        raise ScaffoldError(f"events.yaml:{first.start_mark.line + 1}: expected the list item to start with '- '")
    field_indent = first.start_mark.column
    # The list ends where the next top-level key starts (or at the end of the file); trailing
    # blank lines and comments less indented than an event's fields belong to what follows.
    at_line_start = events.end_mark.column == 0 or events.end_mark.line >= len(lines)
    end = events.end_mark.line if at_line_start else events.end_mark.line + 1
    end = min(end, len(lines))
    end = _content_end(lines, items[-1].start, end, field_indent)
    blank_between = False
    if len(items) > 1:
        gap_end = items[1].start
        previous_end = _content_end(lines, items[0].start, gap_end, field_indent)
        blank_between = any(_is_blank(line) for line in lines[previous_end:gap_end])
    return _Layout(tuple(items), dash_indent, field_indent, blank_between, end)


def _content_end(lines: Sequence[str], start: int, stop: int, field_indent: int) -> int:
    """Line after the last line of the item starting at `start`, looking no further than `stop`."""
    end = stop
    while end > start + 1:
        line = lines[end - 1]
        if _is_blank(line) or (_is_comment(line) and _indent(line) < field_indent):
            end -= 1
        else:
            break
    return end


def _comment_run_start(lines: Sequence[str], start: int) -> int:
    """First line of the comment lines directly above line `start` (they introduce that item)."""
    while start > 0 and _is_comment(lines[start - 1]) and not _is_blank(lines[start - 1]):
        start -= 1
    return start


YEAR_HEADER = re.compile(r"^(?P<lead>\s*#[\s=#*-]*?)(?P<year>\d{4})(?P<tail>[\s=#*-]*)$")
"""A comment that opens a year in the list, such as `  # ---- 2024 ----`."""


def _year_header(lines: Sequence[str], item: _Item) -> re.Match[str] | None:
    """The year comment directly above an event, if the file uses them and this one has one."""
    for index in range(_comment_run_start(lines, item.start), item.start):
        match = YEAR_HEADER.match(lines[index])
        if match:
            return match
    return None


def _place(lines: Sequence[str], layout: _Layout, when: PartialDate) -> tuple[int, list[str], list[str]]:
    """Where the new event goes (0-based line to insert at) and the lines to put around it.

    After the last event dated on or before it, so the list stays oldest first. When the file
    opens each year with a comment (`# ---- 2024 ----`), an event of a year not yet present
    gets such a comment too, and one of a year already present goes under that year's.
    """
    items = layout.items
    blank = [""] if layout.blank_between else []
    headers = [match for item in items if (match := _year_header(lines, item))]
    style = headers[0] if headers else None

    def header_for(year: int) -> list[str]:
        return [f"{style['lead']}{year}{style['tail']}"] if style else []

    earlier = [i for i, item in enumerate(items) if item.date and item.date.sort_key <= when.sort_key]
    following = items[earlier[-1] + 1] if earlier and earlier[-1] + 1 < len(items) else (None if earlier else items[0])
    previous = items[earlier[-1]] if earlier else None

    if (following is not None and following.date and following.date.year == when.year
            and _year_header(lines, following) is not None):
        # First of its year: right under the year's comment, above the next event.
        return following.start, [], blank
    if previous is None and following is not None:
        # Older than every event: above the first one and the comments that introduce it.
        new_year = header_for(when.year) if following.date is None or following.date.year != when.year else []
        return _comment_run_start(lines, following.start), new_year, blank
    assert previous is not None
    if following is None:
        at = layout.end
    else:
        at = _content_end(lines, previous.start, _comment_run_start(lines, following.start), layout.field_indent)
    new_year = header_for(when.year) if previous.date is not None and previous.date.year != when.year else []
    return at, blank + new_year, []


def _flow(values: Iterable[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _event_lines(
    *, event_id: str, date: str, title: str | None, summary: str | None, kind: str | None,
    title_ru: str | None, summary_ru: str | None,
    countries: Sequence[str], sources: Sequence[str], known_countries: Sequence[str],
    known_sources: Sequence[str], indent: int, dash_indent: int,
) -> tuple[list[str], list[str]]:
    """The new event as lines (without line ends), and the names of fields left to fill in."""
    pad = " " * indent
    todo: list[str] = []
    lines = [
        " " * dash_indent + "-" + " " * (indent - dash_indent - 1) + f"id: {event_id}",
        f"{pad}date: {json.dumps(date)}",  # quoted, as CONTRIBUTING.md asks: a string, never a YAML date
    ]
    # Texts get their Russian beside the English: the Russian edition is complete only with it,
    # so an empty `ru:` fails validation like every other placeholder.
    lines.append(f"{pad}title:")
    if title:
        lines.append(f"{pad}  en: {json.dumps(title, ensure_ascii=False)}")
    else:
        todo.append("title")
        lines.append(f"{pad}  en:  # TODO: one line saying who did what")
    if title_ru:
        lines.append(f"{pad}  ru: {json.dumps(title_ru, ensure_ascii=False)}")
    else:
        todo.append("title.ru")
        lines.append(f"{pad}  ru:  # TODO: the same line in Russian")
    lines.append(f"{pad}summary:")
    if summary:
        lines.append(f"{pad}  en: |")
        lines += [f"{pad}    {line}".rstrip() for line in summary.strip().splitlines()]
    else:
        todo.append("summary")
        lines.append(f"{pad}  en:  # TODO: a few sentences in your own words (Markdown), on lines under 'en: |'")
    if summary_ru:
        lines.append(f"{pad}  ru: |")
        lines += [f"{pad}    {line}".rstrip() for line in summary_ru.strip().splitlines()]
    else:
        todo.append("summary.ru")
        lines.append(f"{pad}  ru:  # TODO: the same in Russian (Markdown), on lines under 'ru: |'")
    if kind:
        lines.append(f"{pad}kind: {kind}")
    else:
        todo.append("kind")
        lines.append(f"{pad}kind:  # TODO: one of " + ", ".join(k.value for k in EventKind))
    if countries:
        lines.append(f"{pad}countries: {_flow(countries)}")
    else:
        todo.append("countries")
        lines.append(f"{pad}countries: []  # TODO: one or more of " + ", ".join(known_countries))
    if sources:
        lines.append(f"{pad}sources: {_flow(sources)}")
    else:
        todo.append("sources")
        hint = f", e.g. {known_sources[0]}" if known_sources else ""
        lines.append(f"{pad}sources: []  # TODO: at least one key from sources:{hint}")
    return lines, todo


def _check_choice(label: str, values: Iterable[str], allowed: Sequence[str]) -> None:
    for value in values:
        if value not in allowed:
            near = difflib.get_close_matches(value, allowed, n=1) or [a for a in allowed if a.lower() == value.lower()]
            hint = f"; did you mean {near[0]}?" if near else f"; known: {', '.join(allowed)}"
            raise ScaffoldError(f"unknown {label} {value!r}{hint}")


def _unique_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def add_event(
    text: str, *, today: dt.date, title: str | None = None, date: str | None = None,
    kind: str | None = None, countries: Sequence[str] = (), sources: Sequence[str] = (),
    summary: str | None = None, title_ru: str | None = None, summary_ru: str | None = None,
) -> AddedEvent:
    """Insert a new event into the text of events.yaml and return the new text."""
    root = _compose(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = _split_lines(text)

    date = date or today.isoformat()
    try:
        when = PartialDate.parse(date)
    except DateError as error:
        raise ScaffoldError(str(error)) from None
    date = when.iso
    known_countries = _keys(_mapping_get(root, "countries"))
    known_sources = _keys(_mapping_get(root, "sources"))
    if kind:
        _check_choice("kind", [kind], [k.value for k in EventKind])
    _check_choice("country", countries, known_countries)
    _check_choice("source", sources, known_sources)
    if title is not None and not title.strip():
        title = None

    events = _mapping_get(root, "events")
    if isinstance(events, yaml.SequenceNode) and events.flow_style:
        raise ScaffoldError(
            "events: is written as a [bracketed] list; new-event needs one '- id: ...' item per line "
            "(an empty list is written as `events:` with nothing after it)"
        )

    prefix: list[str] = []
    if isinstance(events, yaml.SequenceNode) and events.value:
        layout = _layout(lines, events)
        taken = {item.event_id for item in layout.items if item.event_id}
        dash_indent, field_indent = layout.dash_indent, layout.field_indent
        at, before, after = _place(lines, layout, when)
    elif events is None:
        # No `events:` key yet: start the list at the end of the file.
        taken, dash_indent, field_indent = set(), 2, 4
        at, before, after = len(lines), [""], []
        prefix = ["events:"]
    elif isinstance(events, yaml.ScalarNode) and events.tag == "tag:yaml.org,2002:null":
        # `events:` with nothing under it: the list starts on the next line.
        taken, dash_indent, field_indent = set(), 2, 4
        key_line = next(key.start_mark.line for key, value in root.value if value is events)
        at, before, after = key_line + 1, [], []
    else:
        raise ScaffoldError("events: must be a list of events ('- id: ...' items); found something else")

    base = slugify(title) if title else ""
    if base and countries and not base.startswith(countries[0].lower() + "-"):
        base = slugify(f"{countries[0]} {base}")  # ids start with the country code, like the others
    if not base or not ID_PATTERN.fullmatch(base):
        base = f"new-event-{when.iso}"
    event_id = _unique_id(base, taken)

    block, todo = _event_lines(
        event_id=event_id, date=date, title=title, summary=summary, kind=kind, title_ru=title_ru,
        summary_ru=summary_ru,
        countries=countries, sources=sources, known_countries=known_countries,
        known_sources=known_sources, indent=field_indent, dash_indent=dash_indent,
    )
    added = before + prefix + block + after
    first_line = at + 1 + len(before) + len(prefix)

    # Splice into the original text by whole lines, so every other byte stays as it was.
    kept = _split_lines(text, keepends=True)
    head, tail = "".join(kept[:at]), "".join(kept[at:])
    if head and not head.endswith(("\n", "\r")):
        head += newline  # the file lacked a final newline; its last line gains one
    new_text = head + "".join(line + newline for line in added) + tail
    return AddedEvent(
        text=new_text,
        event_id=event_id,
        first_line=first_line,
        last_line=first_line + len(block) - 1,
        placeholders=tuple(todo),
    )


def add_event_to_file(path: Path, **options: object) -> AddedEvent:
    """Read events.yaml, insert the event, write it back; the bytes elsewhere do not change."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScaffoldError(f"{path} does not exist") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScaffoldError(f"{path.name} is not UTF-8 text: {error}") from None
    added = add_event(text, **options)  # type: ignore[arg-type]
    path.write_bytes(added.text.encode("utf-8"))
    return added
