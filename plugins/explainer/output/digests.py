"""Digests of what pages show: model objects hashed deeply, by what they say and refer to.

A page's fingerprint (`fingerprints`) hashes its spec's variables. Model objects in them are
hashed by `Digester.model`: the object's own entry, the objects it refers to (an event's laws,
actors, sources and countries), and, for a source, the bibliography page it is listed on.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import re
from collections.abc import Callable
from typing import Any

from ..data import model
from ..data.dates import PartialDate
from ..data.model import Actor, Country, Event, Law, Source
from ..data.text import Text

_MODEL_TYPES = frozenset({Event, Law, Actor, Source, Country})


class Digester:
    """Deep hashes of template inputs; each model object is hashed once per build.

    Values are first turned into nested tuples of plain values (str, int, bytes, ...), whose
    `repr` is computed in C and hashed; a model object stands in as its own digest, so an
    event is walked once however many pages show it.

    A model object's digest: when the loader gave it one (`digest`, a hash of the entry's
    text in events.yaml), that digest plus the digests of the model objects it refers to
    (an event's countries, laws, actors and sources, its quotes' speakers and sources, the
    countries its status changes name; a law's or actor's country and sources; a country's
    figures' sources), since an entry's text names those only by slug. Without one (a
    Dataset built in a test), every field, walked.
    """

    def __init__(self, source_path: Callable[[Source], str]) -> None:
        self._source_path = source_path
        # Digests are hex strings: `repr` copies them as they are, where bytes would be escaped.
        self._memo: dict[int, str] = {}
        self._keep: list[Any] = []  # memo keys are ids: keep the objects alive

    def model(self, value: Any) -> str:
        """The digest of one model object (Event, Law, Actor, Source, Country)."""
        key = id(value)
        done = self._memo.get(key)
        if done is None:
            kind = type(value)
            own = getattr(value, "digest", "")
            if own:  # all strings (the key is a slug, an id or a code): joined, not repr'd
                parts: list[str] = [kind.__name__, own, getattr(value, _field_names(kind)[0])]
                self._references(value, parts)
                if kind is Source:
                    parts.append(self._source_path(value))
                text = "\x00".join(parts)
            else:
                plain: list[Any] = [kind.__name__]
                for name in _field_names(kind):
                    plain.append(self.plain(getattr(value, name)))
                if kind is Source:
                    plain.append(self._source_path(value))
                text = repr(plain)
            done = self._memo[key] = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            self._keep.append(value)
        return done

    def _references(self, value: Any, out: list[Any]) -> None:
        """Append the digests of the model objects `value`'s fields refer to, in field order."""
        for name in _reference_fields(type(value)):
            item = getattr(value, name)
            kind = type(item)
            if kind in _MODEL_TYPES:
                out.append(self._memo.get(id(item)) or self.model(item))
            elif kind is tuple:
                for member in item:
                    if type(member) in _MODEL_TYPES:
                        out.append(self._memo.get(id(member)) or self.model(member))
                    else:  # Quote, StatusChange, Figure: their own references
                        self._references(member, out)
            elif item is not None:
                self._references(item, out)

    def plain(self, value: Any) -> Any:
        """`value` as nested tuples of plain values, model objects standing as their digests."""
        kind = type(value)
        if kind in _ATOMS or value is None:
            return value
        if kind in _MODEL_TYPES:
            return self._memo.get(id(value)) or self.model(value)
        if kind is tuple or kind is list:
            memo = self._memo  # most tuples are of events: their digests are usually known
            return tuple([memo.get(id(item)) or self.plain(item) for item in value])
        if kind is Text:
            return value.values
        if kind is PartialDate:
            return (value.year, value.month, value.day)
        names = _FIELD_NAMES.get(kind)
        if names is not None:  # a dataclass seen before
            return (kind.__name__,) + tuple([self.plain(getattr(value, name)) for name in names])
        if isinstance(value, enum.Enum):
            return (kind.__name__, value.value)
        if isinstance(value, str):  # Markup
            return (kind.__name__, str(value))
        if isinstance(value, dict):
            return ("dict",) + tuple([(self.plain(key), self.plain(item)) for key, item in value.items()])
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (kind.__name__,) + tuple([self.plain(getattr(value, name)) for name in _field_names(kind)])
        raise TypeError(f"cannot fingerprint a {kind.__name__}")


_ATOMS = frozenset({str, int, float, bool, bytes})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_REFERENCE_FIELDS: dict[type, tuple[str, ...]] = {}
_MODEL_CLASS_NAMES = "|".join(
    name for name, value in vars(model).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == model.__name__
)
_MODEL_CLASS_NAME = re.compile(rf"\b(?:{_MODEL_CLASS_NAMES})\b")


def _field_names(kind: type) -> tuple[str, ...]:
    """Dataclass field names, without `line` and `digest` (where an entry sits in events.yaml is
    never shown; the digest stands for the fields, it is not one)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(
            f.name for f in dataclasses.fields(kind) if f.name not in {"line", "digest"}
        )
    return names


def _reference_fields(kind: type) -> tuple[str, ...]:
    """Fields of a model dataclass whose type names another model dataclass (references)."""
    names = _REFERENCE_FIELDS.get(kind)
    if names is None:
        names = _REFERENCE_FIELDS[kind] = tuple(
            f.name for f in dataclasses.fields(kind) if _MODEL_CLASS_NAME.search(str(f.type))
        )
    return names



