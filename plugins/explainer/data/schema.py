"""JSON Schema (draft 2020-12) for events.yaml, generated from `fields`.

Editors' editors use it: the first line of events.yaml points VS Code's YAML extension at
`schema/events.schema.json`, which then completes field names, lists allowed values and flags
mistakes as the editor types. It checks shapes only (a reference to an undefined law needs the
whole file), so `invoke validate` stays the authority. Regenerate with `python -m explainer schema`;
a test fails when the committed file is out of date.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .fields import (
    CODE_PATTERN,
    COLLECTIONS,
    DATE_PATTERN,
    MAX_SLUG_LENGTH,
    NUMBER_PATTERN,
    RECORDS,
    SLUG_PATTERN,
    URL_PATTERN,
    Field,
    Kind,
    Record,
)
from .text import DEFAULT_LANGUAGE, LANGUAGES

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schema" / "events.schema.json"
"""Where the schema is committed, relative to the repository root."""


def build_schema() -> dict[str, Any]:
    """The schema as a JSON-ready dict; deterministic, so the committed file can be compared."""
    defs: dict[str, Any] = {
        "text": _text_def("Text in English, or a mapping of language code to text with 'en' required."),
        "markdown": _text_def("Markdown in English, or a mapping of language code to Markdown with 'en' required."),
        "slug": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_SLUG_LENGTH,
                 "description": f"Lower-case letters, digits and single hyphens, e.g. kg-child-protection; at most "
                                f"{MAX_SLUG_LENGTH} characters."},
        "code": {"type": "string", "pattern": CODE_PATTERN,
                 "description": "Two capital letters (ISO 3166-1 alpha-2), EU for the European Union."},
        "date": {
            "description": "YYYY, YYYY-MM or YYYY-MM-DD; write it in quotes, e.g. \"2024-04\".",
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1, "maximum": 9999},
            ],
        },
        "url": {"type": "string", "pattern": URL_PATTERN, "format": "uri",
                "description": "An http or https address."},
        "number": {
            "description": "A number in digits: 14000000, not '14 million'.",
            "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": NUMBER_PATTERN}],
        },
    }
    for record in RECORDS.values():
        defs[record.name] = _record_def(record)
    properties: dict[str, Any] = {}
    for collection in COLLECTIONS:
        if collection.key is None:
            properties[collection.name] = {
                "type": "array", "description": collection.description,
                "items": {"$ref": f"#/$defs/{collection.record}"},
            }
        else:
            properties[collection.name] = {
                "type": "object", "description": collection.description,
                "propertyNames": {"pattern": collection.key_pattern, "maxLength": MAX_SLUG_LENGTH},
                "additionalProperties": {"$ref": f"#/$defs/{collection.record}"},
            }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "events.yaml",
        "description": "The facts behind the TikTok-restrictions explainer. Field by field in CONTRIBUTING.md; "
                       "check the whole file with `invoke validate`.",
        "type": "object",
        "properties": properties,
        "required": [c.name for c in COLLECTIONS if c.required],
        "additionalProperties": False,
        "$defs": defs,
    }


def render_schema() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_schema(), encoding="utf-8")
    return path


# A text without the characters fields.TEXT_CONTROL_CHARACTERS names (JSON Schema's regular
# expressions are ECMAScript's, which write them as \uXXXX; lone surrogates cannot occur in JSON).
_PRINTABLE_TEXT = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufffe\\uffff]*$"


def _text_def(description: str) -> dict[str, Any]:
    one = {"type": "string", "minLength": 1, "pattern": _PRINTABLE_TEXT}
    return {
        "description": description + " Printable characters, spaces, tabs and line breaks only.",
        "anyOf": [
            one,
            {
                "type": "object",
                "properties": {lang: one for lang in LANGUAGES},
                "required": [DEFAULT_LANGUAGE],
                "additionalProperties": False,
            },
        ],
    }


def _record_def(record: Record) -> dict[str, Any]:
    return {
        "type": "object",
        "description": record.description,
        "properties": {field.name: _field_schema(field) for field in record.fields},
        "required": [field.name for field in record.fields if field.required],
        "additionalProperties": False,
    }


def _field_schema(field: Field) -> dict[str, Any]:
    kind = field.kind
    ref = {
        Kind.TEXT: "text", Kind.MARKDOWN: "markdown", Kind.SLUG: "slug", Kind.DATE: "date",
        Kind.URL: "url", Kind.NUMBER: "number",
    }.get(kind)
    if ref is not None:
        return {"$ref": f"#/$defs/{ref}", "description": field.description}
    if kind is Kind.STRING:
        return {"type": "string", "minLength": 1, "description": field.description}
    if kind is Kind.CHOICE:
        assert field.vocab is not None
        return _choice(field)
    if kind is Kind.REF:
        return {"$ref": f"#/$defs/{_key_def(field.target)}", "description": field.description}
    if kind is Kind.REFS:
        return {"type": "array", "description": field.description, "minItems": field.min_items,
                "uniqueItems": True, "items": {"$ref": f"#/$defs/{_key_def(field.target)}"}}
    if kind is Kind.RECORDS:
        return {"type": "array", "description": field.description,
                "items": {"$ref": f"#/$defs/{field.record}"}}
    if kind is Kind.STATUS_MAP:
        choice = _choice(field)
        del choice["description"]
        return {"type": "object", "description": field.description,
                "propertyNames": {"pattern": CODE_PATTERN}, "additionalProperties": choice}
    raise AssertionError(f"unhandled field kind {kind}")  # pragma: no cover


def _choice(field: Field) -> dict[str, Any]:
    assert field.vocab is not None
    members = list(field.vocab)
    return {
        "description": field.description,
        "enum": [member.value for member in members],
        # VS Code's YAML extension shows these beside each value in completion lists.
        "markdownEnumDescriptions": [f"**{m.label}**: {m.description}" for m in members],
    }


def _key_def(target: str | None) -> str:
    return "code" if target == "countries" else "slug"
