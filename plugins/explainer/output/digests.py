"""Digests of what pages show: model objects hashed deeply, by what they say and refer to.

A page's fingerprint (`fingerprints`) hashes its spec's variables. Model objects in them are
hashed by `Digester.model`: the object's own entry, the objects it refers to (an event's laws,
actors, sources and countries), and, for a source, the bibliography page it is listed on.
`Shape` gives the site context's plain values with every model object standing as its
place in the dataset: which pages exist and which objects each shows, not what they say.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..data import model
from ..data.dates import PartialDate
from ..data.model import Actor, Country, Event, Law, Source
from ..data.text import Text

_MODEL_TYPES = frozenset({Event, Law, Actor, Source, Country})


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
        self.reached: list[str] | None = None
        """When a list: the digests of the model objects `_plain` meets are appended to it."""

    def digest(self, value: Any) -> str:
        return hashlib.blake2b(repr(self._plain(value)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def model(self, value: Any) -> str:
        """The digest of one model object (Event, Law, Actor, Source, Country)."""
        key = id(value)
        done = self._memo.get(key)
        if done is None:
            reached, self.reached = self.reached, None  # the digest covers what it refers to
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
                    plain.append(self._plain(getattr(value, name)))
                if kind is Source:
                    plain.append(self._source_path(value))
                text = repr(plain)
            done = self._memo[key] = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            self._keep.append(value)
            self.reached = reached
        return done

    def known(self) -> frozenset[str]:
        """The digests of every model object hashed so far."""
        return frozenset(self._memo.values())

    @property
    def memo(self) -> dict[int, str]:
        return self._memo

    def seed(self, pairs: Iterable[tuple[Any, str]]) -> None:
        """Take each (model object, digest) as already hashed (`Fingerprints.reuse_model_digests`)."""
        for value, done in pairs:
            self._memo[id(value)] = done
            self._keep.append(value)

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

    def _plain(self, value: Any) -> Any:
        kind = type(value)
        if kind in _ATOMS or value is None:
            return value
        if kind in _MODEL_TYPES:
            done = self._memo.get(id(value)) or self.model(value)
            if self.reached is not None:
                self.reached.append(done)
            return done
        if kind is tuple or kind is list:
            memo = self._memo  # most tuples are of events: their digests are usually known
            reached = self.reached
            if reached is None:
                return tuple([memo.get(id(item)) or self._plain(item) for item in value])
            items = []
            for item in value:
                known = memo.get(id(item))  # only model objects are in the memo
                if known is None:
                    items.append(self._plain(item))
                else:
                    reached.append(known)
                    items.append(known)
            return tuple(items)
        if kind is Text:
            return value.values
        if kind is PartialDate:
            return (value.year, value.month, value.day)
        names = _FIELD_NAMES.get(kind)
        if names is not None:  # a dataclass seen before
            return (kind.__name__,) + tuple([self._plain(getattr(value, name)) for name in names])
        if isinstance(value, enum.Enum):
            return (kind.__name__, value.value)
        if isinstance(value, str):  # Markup
            return (kind.__name__, str(value))
        if isinstance(value, dict):
            return ("dict",) + tuple([(self._plain(key), self._plain(item)) for key, item in value.items()])
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (kind.__name__,) + tuple([self._plain(getattr(value, name)) for name in _field_names(kind)])
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


class Shape:
    """Plain values of a site context with model objects replaced by their place in the dataset
    (a number, which is quick to compare and to `repr`); see `Fingerprints.shape`. Tuples of
    model objects, the bulk of a site context, are turned into numbers in one comprehension."""

    def __init__(self, data: Any) -> None:
        # From 1: a place is never falsy.
        self._places = {id(value): number for number, value in enumerate(data.entries(), 1)}
        self._done: dict[int, Any] = {}  # by id: the context is alive while it is walked

    def plain(self, value: Any) -> Any:
        kind = type(value)
        if kind in _ATOMS or value is None:
            return value
        places = self._places
        if kind is tuple or kind is list:
            # Tuples of model objects are the bulk; a tuple whose first item is none is walked.
            found = [places.get(id(item)) for item in value] if value and id(value[0]) in places else [None]
            if None in found:
                # Not only model objects: tuples of the context may be shared (the page links of
                # a listing), so each is walked once (lists are made here: never remembered).
                done = self._done.get(id(value)) if kind is tuple else None
                if done is not None:
                    return done
                atoms, plain = _ATOMS, self.plain
                found = [
                    places.get(id(item)) or (item if type(item) in atoms else plain(item)) for item in value
                ]
                if kind is tuple:
                    self._done[id(value)] = done = tuple(found)
                    return done
            return tuple(found)
        names = _FIELD_NAMES.get(kind)
        if names is not None and kind not in _MODEL_TYPES:  # a dataclass seen before
            # Listings of one country share their tuple of page links: each is walked once.
            done = self._done.get(id(value))
            if done is None:
                plain = self.plain
                done = self._done[id(value)] = (kind.__name__,) + tuple([plain(getattr(value, name)) for name in names])
            return done
        if kind in _MODEL_TYPES:
            place = places.get(id(value))
            if place is None:
                raise TypeError("a model object outside the dataset")  # no shortcut for such a context
            return place
        if isinstance(value, dict):
            return ("dict", self.plain(list(value)), self.plain(list(value.values())))
        if kind is Text:
            return value.values
        if kind is PartialDate:
            return (value.year, value.month, value.day)
        if isinstance(value, enum.Enum):
            return (kind.__name__, value.value)
        if isinstance(value, str):  # Markup
            return (kind.__name__, str(value))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (kind.__name__,) + tuple([self.plain(getattr(value, name)) for name in _field_names(kind)])
        raise TypeError(f"cannot fingerprint a {kind.__name__}")


