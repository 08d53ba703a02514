"""The light form of an entry: what pass 1 read from it, in builtins only; and `Defect`.

The light form holds str, int, float, None and tuples, with references as the keys written: it is
cheap to marshal, so it can travel from a forked worker and be kept between builds (see `load`);
`build` turns it into model objects. A record's light values are a tuple with one item per
field, in the order of the model class's fields (so `build` can pass them on as they are); None
for a field not written. Per field kind:
  TEXT, MARKDOWN -> Text.values        DATE -> (year, month, day)      CHOICE -> the value
  REF -> the key     REFS -> tuple of keys     RECORDS -> tuple of light values of each item
  STATUS_MAP -> tuple of (country code, status value)      the rest -> the str, int or float

`Defect` is how the fast way (the per-entry reader in `validate`, and `build`) gives up; it
lives here, below both, as the light form does.
"""
from __future__ import annotations

import dataclasses

from . import model
from .fields import RECORDS, Field, Kind
from .read_values import Raw

Values = tuple[object, ...]
"""Light values of one record."""
Entry = tuple[str | None, int, Values, str]
"""One entry ready to build: (key, or None for an event; line; light values; digest or "")."""

MODELS: dict[str, type] = {"source": model.Source, "country": model.Country, "law": model.Law,
                           "actor": model.Actor, "event": model.Event, "figure": model.Figure,
                           "quote": model.Quote}
"""Record type -> its model class."""


def _model_order() -> dict[str, tuple[Field, ...]]:
    """Record type -> its fields in the order of the model class's fields."""
    order = {}
    for name, cls in MODELS.items():
        specs = {f.name: f for f in RECORDS[name].fields}
        names = [f.name for f in dataclasses.fields(cls)]
        # The model is [key] the record's fields [line, digest], so `build` passes light values
        # on by position.
        names = names[1:] if names[0] in ("slug", "code") else names
        names = names[:-2] if names[-2:] == ["line", "digest"] else names
        assert sorted(names) == sorted(specs), (name, names)
        order[name] = tuple(specs[field_name] for field_name in names)
    return order


ORDER = _model_order()
"""Record type -> its fields in the order of its light values (the model's order)."""


def light_values(raw: Raw) -> Values:
    values = raw.values
    return tuple(None if (value := values.get(spec.name)) is None else _lighten(spec, value)
                 for spec in ORDER[raw.record.name])


def _lighten(spec: Field, value: object) -> object:
    kind = spec.kind
    if kind is Kind.TEXT or kind is Kind.MARKDOWN:
        return value.values  # type: ignore[attr-defined]
    if kind is Kind.DATE:
        return (value.year, value.month, value.day)  # type: ignore[attr-defined]
    if kind is Kind.CHOICE or kind is Kind.REF:
        return value.value  # type: ignore[attr-defined]
    if kind is Kind.REFS:
        return tuple(ref.value for ref in value)  # type: ignore[attr-defined]
    if kind is Kind.RECORDS:
        return tuple(light_values(item) for item in value)  # type: ignore[attr-defined]
    if kind is Kind.STATUS_MAP:
        return tuple((ref.value, status.value) for ref, status in value)  # type: ignore[attr-defined]
    return value


class Defect(Exception):
    """The fast path met something it cannot vouch for (a problem, or a shape it does not expect):
    the caller loads the whole file the ordinary way, which reports every problem exactly."""

