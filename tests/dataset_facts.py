"""A Dataset as plain, comparable data, for tests that two loads gave the same Dataset.

Model objects compare by identity (eq=False), so two loads are compared through `facts`: every
field of every object, `line` included and `digest` left out (only the fast load knows it),
with a reference written as the kind and key of the object it points to.
"""
from __future__ import annotations

import dataclasses
from enum import Enum

from explainer.data.model import Dataset

_ENTRIES = ("Source", "Country", "Law", "Actor", "Event")


def facts(dataset: Dataset) -> tuple[object, ...]:
    return tuple((f.name, _plain(getattr(dataset, f.name), top=True)) for f in dataclasses.fields(dataset))


def _plain(value: object, top: bool = False) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name in _ENTRIES and not top:
            return (name, getattr(value, "slug", None) or getattr(value, "code", None) or value.id)
        return (name, *((f.name, _plain(getattr(value, f.name))) for f in dataclasses.fields(value)
                        if f.name != "digest"))
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, dict):
        return tuple((key, _plain(item, top=top)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item, top=top) for item in value)
    return (type(value).__name__, value)
