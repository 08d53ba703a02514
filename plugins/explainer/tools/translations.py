"""`python -m explainer translations [PATH] [--lang LANG]`: what has no translation yet.

For each language other than English, every entry of events.yaml with a text that has no
version in that language, at the entry's line, with the fields that lack it (a quote's or a
figure's fields are named after their place: `quotes[2].text`). A source's title and
publisher are cited as published and never listed. English is required by validation, so it
is never missing. Exits 0 whatever it finds: a missing translation is work to do, not a
mistake; `--strict` exits 1 when anything is missing.
"""
from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..data.load import load_dataset
from ..data.model import Dataset
from ..data.text import DEFAULT_LANGUAGE, LANGUAGES, Text

AS_PUBLISHED = frozenset({("Source", "title"), ("Source", "publisher")})
"""Texts every edition shows as published: a source's headline and its publisher's name are
cited, not translated (a translation may still be given)."""


@dataclasses.dataclass(frozen=True)
class Missing:
    """One entry's texts that have no version in one language."""

    lang: str
    line: int
    label: str
    fields: tuple[str, ...]


def _texts(value: Any, prefix: str = "") -> Iterator[tuple[str, Text]]:
    """(field path, text) of every Text in a model object, its quotes and figures included; not
    the objects it refers to (an event's laws are entries of their own)."""
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if isinstance(item, Text):
            yield prefix + field.name, item
        elif isinstance(item, tuple) and item and dataclasses.is_dataclass(item[0]) and not hasattr(item[0], "line"):
            for number, member in enumerate(item, 1):
                yield from _texts(member, f"{prefix}{field.name}[{number}].")


def missing(dataset: Dataset, langs: tuple[str, ...] = LANGUAGES) -> list[Missing]:
    found: list[Missing] = []
    entries: list[tuple[str, Any]] = [
        *((f"country {code}", item) for code, item in dataset.countries.items()),
        *((f"law {slug}", item) for slug, item in dataset.laws.items()),
        *((f"actor {slug}", item) for slug, item in dataset.actors.items()),
        *((f"source {slug}", item) for slug, item in dataset.sources.items()),
        *((f"event {item.id}", item) for item in dataset.events),
    ]
    for lang in langs:
        if lang == DEFAULT_LANGUAGE:
            continue
        for label, item in sorted(entries, key=lambda pair: pair[1].line):
            fields = tuple(name for name, text in _texts(item) if lang not in dict(text.values)
                           and (type(item).__name__, name) not in AS_PUBLISHED)
            if fields:
                found.append(Missing(lang, item.line, label, fields))
    return found


def report(path: str, langs: tuple[str, ...], *, strict: bool = False) -> int:
    dataset = load_dataset(Path(path), display_name=path)
    gaps = missing(dataset, langs)
    for gap in gaps:
        print(f"{path}:{gap.line}: [{gap.lang}] {gap.label}: {', '.join(gap.fields)}")
    for lang in langs:
        if lang != DEFAULT_LANGUAGE:
            count = sum(1 for gap in gaps if gap.lang == lang)
            print(f"{lang}: {count} entr{'y' if count == 1 else 'ies'} with texts not yet translated", file=sys.stderr)
    return 1 if strict and gaps else 0
