"""Pass 3 of reading events.yaml: the frozen model objects, built from light values.

Both ways of loading (the whole file, validated at once, and the fast way, entry by entry, see
`load`) end here, so they give the same objects. References are resolved to the objects they
name and events are listed in date order. The fast way skips pass 2, so `build` checks what
spans entries as it makes the objects: no key or event id repeated, every reference defined,
and the `dataset_rules`.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, cast

from . import dataset_rules, model
from .dates import PartialDate, today
from .fields import COLLECTIONS, Field, Kind
from .light import MODELS, ORDER, Defect, Entry, Values
from .messages import SINGULAR, members
from .text import Text

_BY_NAME = {c.name: c for c in COLLECTIONS}


def build(entries: dict[str, list[Entry]], earlier: Mapping[str, Any] | None = None) -> model.Dataset:
    """Pass 3: the model objects, references resolved, events in date order (`earlier`: see
    `Builder.build`).

    Raises Defect for a repeated key or event id, or a broken `dataset_rules` rule, and KeyError
    for a reference to an undefined key: none survives the whole-file way, so only the fast
    path, which skips pass 2, meets them.
    """
    dataset = Builder(entries).build(earlier or {})
    found = dataset_rules.breaches(dataset, today())
    if found:
        raise Defect(found[0].message)
    return dataset


class Builder:
    """Frozen model objects from light values."""

    def __init__(self, entries: dict[str, list[Entry]]) -> None:
        self.entries = entries
        self.tables: dict[str, dict[str, object]] = {name: {} for name in SINGULAR}
        # Each date is made once and shared (dates are immutable; many events share one), which
        # also works out each date's sort key once.
        self.dates: dict[tuple[int, int | None, int | None], PartialDate] = {}
        # Record type -> (converter or None, the model's default) per field, in model order.
        self.plans = {name: tuple((self.converter(spec), _default(MODELS[name], spec.name)) for spec in order)
                      for name, order in ORDER.items()}

    def converter(self, spec: Field) -> Callable[[Any], Any] | None:
        """A function from the light value of `spec` to the model's value (None: the same)."""
        kind = spec.kind
        if kind is Kind.TEXT or kind is Kind.MARKDOWN:
            return Text
        if kind is Kind.DATE:
            return self.date
        if kind is Kind.CHOICE and spec.vocab is not None:
            return members(spec.vocab).__getitem__
        if kind is Kind.REF and spec.target is not None:
            return self.tables[spec.target].__getitem__
        if kind is Kind.REFS and spec.target is not None:
            get = self.tables[spec.target].__getitem__
            return lambda keys: tuple(map(get, keys))
        if kind is Kind.RECORDS and spec.record is not None:
            cls, name = MODELS[spec.record], spec.record
            return lambda items: tuple(cls(*self.values(name, item)) for item in items)
        if kind is Kind.STATUS_MAP and spec.vocab is not None:
            countries, statuses = self.tables["countries"], members(spec.vocab)
            return lambda pairs: tuple(model.StatusChange(country=countries[code], status=statuses[status])  # type: ignore[arg-type]
                                       for code, status in pairs)
        return None

    def date(self, light: tuple[int, int | None, int | None]) -> PartialDate:
        date = self.dates.get(light)
        if date is None:
            date = self.dates[light] = PartialDate(*light)
        return date

    def values(self, record: str, light: Values) -> list[object]:
        """The model's values, in its order, from a record's light values."""
        return [default if value is None else value if convert is None else convert(value)
                for (convert, default), value in zip(self.plans[record], light, strict=True)]

    def build(self, earlier: Mapping[str, Any]) -> model.Dataset:
        """`earlier`: model objects of an earlier load, by their entries' digests (the preview's
        build server keeps them, see `load.prepare`). When every entry but the events is among
        them, at the same line, those objects are taken as they are, and so is every event whose
        entry is (at its new line): nothing refers to an event, so an event whose text is the
        same refers to the same objects. Anything else is built anew."""
        others = ("sources", "countries", "laws", "actors")
        if earlier and not all(
            earlier.get(digest) is not None and earlier[digest].line == line
            for collection in others for _key, line, _light, digest in self.entries[collection]
        ):
            earlier = {}
        # In dependency order: figures cite sources; laws and actors name countries and sources.
        for collection in others:
            record, entries, table = _BY_NAME[collection].record, self.entries[collection], self.tables[collection]
            cls = MODELS[record]
            for key, line, light, digest in entries:
                table[key] = earlier[digest] if earlier else cls(key, *self.values(record, light), line, digest)  # type: ignore[index]
            if len(table) != len(entries):
                raise Defect(f"a key is repeated in {collection}")
        events = self.entries["events"]
        if len({light[_EVENT_ID] for _key, _line, light, _digest in events}) != len(events):
            raise Defect("an event id is repeated")
        # Listed by date, then id. The date's sort key is worked out once per distinct date.
        sort_keys: dict[object, tuple[int, ...]] = {}
        for _key, _line, light, _digest in events:
            if light[_EVENT_DATE] not in sort_keys:
                sort_keys[light[_EVENT_DATE]] = self.date(cast(tuple[int, int | None, int | None],
                                                               light[_EVENT_DATE])).sort_key
        ordered = sorted(events, key=lambda entry: (sort_keys[entry[2][_EVENT_DATE]], entry[2][_EVENT_ID]))
        values = self.values

        def event(line: int, light: Values, digest: str) -> model.Event:
            done = earlier.get(digest)
            if done is None:
                return model.Event(*values("event", light), line, digest)  # type: ignore[arg-type, call-arg]
            found: model.Event = done
            return found if found.line == line else dataclasses.replace(found, line=line)

        built = tuple(event(line, light, digest) for _key, line, light, digest in ordered)
        tables = self.tables
        return model.Dataset(countries=tables["countries"], laws=tables["laws"], actors=tables["actors"],  # type: ignore[arg-type]
                             sources=tables["sources"], events=built)  # type: ignore[arg-type]


_EVENT_ID = [spec.name for spec in ORDER["event"]].index("id")
_EVENT_DATE = [spec.name for spec in ORDER["event"]].index("date")


def _default(cls: type, name: str) -> object:
    """The default of a model field (what a field not written in the file becomes)."""
    for f in dataclasses.fields(cls):
        if f.name == name:
            if f.default_factory is not dataclasses.MISSING:
                return f.default_factory()
            return None if f.default is dataclasses.MISSING else f.default
    raise KeyError(name)  # pragma: no cover - ORDER only holds model fields

