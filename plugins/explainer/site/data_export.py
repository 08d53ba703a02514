"""The data files: events as JSON and CSV, the JSON Schema of events.json, and events.yaml itself.

events.json is the public, stable form of the data for reuse: dates as written (a year, a
month or a day), summaries as Markdown source, references by slug plus the source addresses.
Texts are in English, the reference language, with every translation beside them in
`translations` (JSON) or in a column per language (CSV: `title_ru`, `summary_ru`, ...).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from ..data.model import Event
from ..data.text import DEFAULT_LANGUAGE, LANGUAGES, Text

SCHEMA_ID = "events.schema.json"
TRANSLATED = ("title", "summary", "date_note", "date_dispute")
"""The texts of an event that events.json and events.csv give in every language."""
OTHER_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)


def _translations(event: Event) -> dict[str, dict[str, str]]:
    """Language -> {field: text} for the translations the event has."""
    found: dict[str, dict[str, str]] = {}
    for name in TRANSLATED:
        text = getattr(event, name)
        if isinstance(text, Text):
            for lang, value in text.values[1:]:
                found.setdefault(lang, {})[name] = value
    return {lang: found[lang] for lang in OTHER_LANGUAGES if lang in found}


def event_record(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "date": event.date.iso,
        "end_date": event.end_date.iso if event.end_date else None,
        "date_note": event.date_note.en if event.date_note else None,
        "date_dispute": event.date_dispute.en if event.date_dispute else None,
        "countries": [country.code for country in event.countries],
        "kind": event.kind.value,
        "title": event.title.en,
        "summary": event.summary.en,
        "laws": [law.slug for law in event.laws],
        "actors": [actor.slug for actor in event.actors],
        "sources": [
            {"id": source.slug, "title": source.title.en, "publisher": source.publisher.en, "url": source.url}
            for source in event.sources
        ],
        "tiktok_status": {change.country.code: change.status.value for change in event.tiktok_status},
        "translations": _translations(event),
    }


# The data files are made as UTF-8 bytes, line by line: at 10,000 events they are 13 and 10 MB,
# and a str beside its encoded copy would double that at the build's peak of memory.

def event_json(event: Event) -> bytes:
    """One event's record as a line of JSON (the C encoder: without `indent`, 10,000 records
    take 0.1 s instead of 1.4 s)."""
    return json.dumps(event_record(event), ensure_ascii=False).encode("utf-8")


def events_json(events: Iterable[Event], line: Callable[[Event], bytes] = event_json) -> bytes:
    """events.json: one event per line, so that a changed event changes one line of the file.

    `line(event)` must return `event_json(event)`; a rebuild passes one that remembers the
    lines of unchanged events.
    """
    # One join of every piece: joining the lines first and then adding head and tail would copy
    # the whole file once more (165 MB at 50,000 events).
    head = b'{"$schema": ' + json.dumps(SCHEMA_ID).encode("utf-8") + b', "events": ['
    pieces = [head]
    for number, record in enumerate(map(line, events)):
        pieces += (b",\n" if number else b"\n", record)
    pieces.append(b"\n]}\n" if len(pieces) > 1 else b"]}\n")
    return b"".join(pieces)


CSV_COLUMNS = ("id", "date", "end_date", "countries", "kind", "title", "summary", "laws", "actors",
               "source_urls", "date_dispute",
               *(f"{name}_{lang}" for lang in OTHER_LANGUAGES for name in ("title", "summary", "date_dispute")))


# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
# As OWASP advises, such a cell gets a leading apostrophe, which makes it text, and every cell
# is quoted, so a tab, a line break or a separator inside one can never start another. The
# full-width forms are included because some spreadsheets read them as the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(text: str) -> str:
    """A cell as written to events.csv: prefixed with ' when it could be read as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_line(row: Iterable[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(map(csv_cell, row))
    return out.getvalue().encode("utf-8")


def event_csv(event: Event) -> bytes:
    """One event's CSV row, list fields joined with ' ' (slugs and URLs contain no spaces)."""
    return _csv_line([
        event.id, event.date.iso, event.end_date.iso if event.end_date else "",
        " ".join(country.code for country in event.countries), event.kind.value, event.title.en,
        event.summary.en, " ".join(law.slug for law in event.laws), " ".join(actor.slug for actor in event.actors),
        " ".join(source.url for source in event.sources), event.date_dispute.en if event.date_dispute else "",
        *(_in(event, name, lang) for lang in OTHER_LANGUAGES for name in ("title", "summary", "date_dispute")),
    ])


def _in(event: Event, name: str, lang: str) -> str:
    """The text `name` of the event in `lang`; empty when it has none in that language."""
    text = getattr(event, name)
    return dict(text.values).get(lang, "") if isinstance(text, Text) else ""


def events_csv(events: Iterable[Event], line: Callable[[Event], bytes] = event_csv) -> bytes:
    """One row per event (`line` as for `events_json`)."""
    return b"".join([_csv_line(CSV_COLUMNS), *map(line, events)])


_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
         "description": "YYYY, YYYY-MM or YYYY-MM-DD: the precision the sources give"}
_SLUGS = {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}}


def events_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of events.json."""
    from ..data.vocab import EventKind, TikTokStatus

    nullable_text = {"type": ["string", "null"]}
    event = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "date", "end_date", "date_note", "date_dispute", "countries", "kind", "title",
                     "summary", "laws", "actors", "sources", "tiktok_status", "translations"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                   "description": "Stable slug; the event's page is events/<id>.html"},
            "date": _DATE,
            "end_date": {"oneOf": [_DATE, {"type": "null"}]},
            "date_note": nullable_text,
            "date_dispute": {**nullable_text, "description": "Set when sources disagree on the date"},
            "countries": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
            "kind": {"enum": [kind.value for kind in EventKind]},
            "title": {"type": "string"},
            "summary": {"type": "string", "description": "Markdown (CommonMark)"},
            "laws": _SLUGS,
            "actors": _SLUGS,
            "sources": {
                "type": "array", "minItems": 1,
                "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["id", "title", "publisher", "url"],
                    "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                   "publisher": {"type": "string"},
                                   "url": {"type": "string", "format": "uri", "pattern": "^https?://"}},
                },
            },
            "tiktok_status": {
                "type": "object",
                "propertyNames": {"pattern": "^[A-Z]{2}$"},
                "additionalProperties": {"enum": [status.value for status in TikTokStatus]},
            },
            "translations": {
                "type": "object",
                "description": "The event's texts in other languages than English, by language code; "
                               "a text with no translation is left out",
                "propertyNames": {"enum": list(OTHER_LANGUAGES)},
                "additionalProperties": {
                    "type": "object", "additionalProperties": False,
                    "properties": {name: {"type": "string"} for name in TRANSLATED},
                },
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Events of the TikTok restrictions explainer",
        "type": "object",
        "required": ["events"],
        "properties": {"$schema": {"type": "string"}, "events": {"type": "array", "items": event}},
        "additionalProperties": False,
    }


def schema_text() -> str:
    return json.dumps(events_json_schema(), ensure_ascii=False, indent=1) + "\n"
