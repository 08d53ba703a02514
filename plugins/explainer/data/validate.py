"""Read the YAML node tree of events.yaml into the typed model, reporting every defect.

The rules come from `fields`. Work happens in three passes, so one run reports everything:
1. read every collection, field by field, from the *raw text* of each value (never from what
   YAML 1.1 would turn it into), collecting problems instead of stopping at the first
   (`read_values`);
2. check every reference (an event naming a law, a quote naming an actor, ...) against the keys
   actually defined, and the rules that tie fields together (end_date after date, a quoted actor
   listed among the event's actors, ...): this module;
3. only when nothing is wrong, build the frozen model objects with references resolved (`build`).

Each problem points at the offending value; at the key for unknown or duplicate keys; at the start
of the record for a missing field.

The loader's fast way (see `load`) reads entries one at a time with `EntryReader` (pass 1 and
the rules within one event, stopping at the first problem), keeps what it read in a light form
of builtins (`light`), and checks what spans entries (repeated keys and ids, references) while
`build` makes the model objects. Both ways build through `build`, so they give the same objects.
"""
from __future__ import annotations

from typing import cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import dataset_rules, model
from .build import Builder
from .dates import PartialDate, today
from .fields import COLLECTIONS, Kind
from .light import Defect, Values, light_values
from .messages import SINGULAR, is_null, quoted, suggest
from .problems import EventsFileError, Problem
from .read_values import Raw, Ref, ValueReader
from .yamlsource import EMPTY_FILE

MAX_SUGGESTED = 200
"""Distinct unknown references that get a 'did you mean' suggestion; see `suggest_key`."""


def validate(root: Node, display_name: str) -> model.Dataset:
    """The Dataset the node tree describes; raises EventsFileError listing every problem."""
    return _Validator(display_name).run(root)


class _Validator(ValueReader):
    """Passes 1 and 2 over one document; `problems` collects everything found."""

    def __init__(self, display_name: str) -> None:
        super().__init__(display_name)
        self.suggestions: dict[tuple[str, str], str | None] = {}

    # -- the three passes -------------------------------------------------------------------
    def run(self, root: Node) -> model.Dataset:
        if is_null(root):  # a file holding only `---`
            raise EventsFileError([Problem(self.path, 1, 1, EMPTY_FILE)])
        if not isinstance(root, MappingNode):
            shape = "a list" if isinstance(root, SequenceNode) else "a single value"
            self.report(root, "the top level of the file should hold the fields countries:, laws:, actors:, "
                              f"sources: and events:, not {shape}")
            raise EventsFileError(self.problems)
        names = tuple(c.name for c in COLLECTIONS)
        near_misses: set[str] = set()
        present = self.mapping_fields(root, names, "the top level", near_misses)
        for collection in COLLECTIONS:
            node = present.get(collection.name)
            if node is None:
                if collection.required and collection.name not in near_misses:
                    self.report(root, f"missing required top-level field '{collection.name}:'")
                continue
            if collection.key is None:
                self.read_list_collection(collection, node)
            else:
                self.read_keyed_collection(collection, node)
        self.check_references()
        if self.problems:
            raise EventsFileError(self.problems)
        dataset = Builder({name: [(raw.key, raw.line, light_values(raw), "") for raw in raws]
                           for name, raws in self.entries.items()}).build({})
        for breach in dataset_rules.breaches(dataset, today()):
            self.report(self.breach_node(breach), breach.message)
        if self.problems:
            raise EventsFileError(self.problems)
        return dataset

    def breach_node(self, breach: dataset_rules.Breach) -> Node:
        """Where a dataset rule was broken: the named field of the entry, or its key."""
        for raw in self.entries[breach.collection]:
            if (raw.key if raw.key is not None else raw.values.get("id")) == breach.key:
                if breach.field is None:
                    return raw.key_node or raw.node
                return raw_value_node(raw.node, breach.field)
        raise KeyError(breach.key)  # pragma: no cover - breaches name entries of this file

    # -- pass 2: references and cross-field rules -------------------------------------------
    def check_references(self) -> None:
        for raws in self.entries.values():
            for raw in raws:
                self.check_record_refs(raw)
        self.check_events()

    def check_record_refs(self, raw: Raw) -> None:
        for spec in raw.record.fields:
            value = raw.values.get(spec.name)
            if value is None:
                continue
            if spec.kind is Kind.REF:
                self.check_ref(spec.target, value)  # type: ignore[arg-type]
            elif spec.kind is Kind.REFS:
                for ref in value:  # type: ignore[attr-defined]
                    self.check_ref(spec.target, ref)
            elif spec.kind is Kind.STATUS_MAP:
                for ref, _status in value:  # type: ignore[attr-defined]
                    self.check_ref(spec.target, ref)
            elif spec.kind is Kind.RECORDS:
                for sub in value:  # type: ignore[attr-defined]
                    self.check_record_refs(sub)

    def check_ref(self, target: str | None, ref: Ref) -> bool:
        assert target is not None
        keys = self.keys[target]
        if ref.value in keys:
            return True
        singular = SINGULAR[target]
        hint = self.suggest_key(target, ref.value) or f": add it under {target}: or fix the spelling"
        self.report(ref.node, f"unknown {singular} {quoted(ref.value)}{hint}")
        return False

    def suggest_key(self, target: str, value: str) -> str | None:
        """A near miss among the defined keys, remembered per value.

        Matching is linear in the number of keys, so after MAX_SUGGESTED distinct unknown
        values (a renamed source cited by thousands of events) later ones get no suggestion
        rather than making the run quadratic.
        """
        cache_key = (target, value)
        if cache_key not in self.suggestions:
            if len(self.suggestions) >= MAX_SUGGESTED:
                return None
            self.suggestions[cache_key] = suggest(value, self.keys[target], list_all=False)
        return self.suggestions[cache_key]

    def defined(self, collection: str, key: str) -> bool:
        """Whether `key` is defined in `collection`; rules about a reference apply only to defined ones
        (an undefined one is reported once, by `check_ref`)."""
        return key in self.keys[collection]

    def check_events(self) -> None:
        ids: dict[str, Raw] = {}
        for raw in self.entries["events"]:
            event_id = raw.values.get("id")
            if isinstance(event_id, str):
                if event_id in ids:
                    first = raw_value_node(ids[event_id].node, "id").start_mark.line + 1
                    self.report(raw_value_node(raw.node, "id"), f"duplicate event id {quoted(event_id)}: it is already "
                                                                f"used on line {first}; every event needs its own id")
                else:
                    ids[event_id] = raw
            self.check_event(raw)

    def check_event(self, raw: Raw) -> None:
        """The rules that tie one event's fields together."""
        values = raw.values
        start, end = values.get("date"), values.get("end_date")
        if isinstance(start, PartialDate) and isinstance(end, PartialDate) and end.last_day() < start.first_day():
            self.report(raw_value_node(raw.node, "end_date"),
                        f"end_date {end.iso} is before date {start.iso}: the end cannot come before the start")
        listed = {name: {ref.value for ref in values.get(name, ())}  # type: ignore[attr-defined]
                  for name in ("countries", "actors", "sources")}
        for ref, _status in values.get("tiktok_status", ()):  # type: ignore[attr-defined]
            if self.defined("countries", ref.value) and "countries" in values and ref.value not in listed["countries"]:
                self.report(ref.node, f"tiktok_status is given for {quoted(ref.value)}, which is not in this event's "
                                      f"countries: add {quoted(ref.value)} to countries, or remove it here")
        for quote in values.get("quotes", ()):  # type: ignore[attr-defined]
            for name, collection in (("by", "actors"), ("source", "sources"), ("original_source", "sources")):
                ref = quote.values.get(name)
                if (isinstance(ref, Ref) and self.defined(collection, ref.value) and collection in values
                        and ref.value not in listed[collection]):
                    self.report(ref.node, f"the quote's {name} {quoted(ref.value)} is not in this event's "
                                          f"{collection}: add {quoted(ref.value)} to {collection} as well")
            original = quote.values.get("original_source")
            if isinstance(original, Ref) and quote.values.get("said_in") is None:
                self.report(original.node, "the quote has an original_source but no said_in: add said_in with the "
                                           "language the words were first published in (e.g. said_in: ru)")


def raw_value_node(node: MappingNode, name: str) -> Node:
    """The value node of the first `name:` in a mapping (the one pass 1 read)."""
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == name:
            return cast(Node, value_node)
    raise KeyError(name)  # pragma: no cover - only called for fields pass 1 read


# -- one entry at a time, for the fast way -----------------------------------------------------
class _Strict(_Validator):
    """Pass 1 for entries composed one at a time: stops at the first problem (raising Defect)
    instead of describing it, since the ordinary load will describe every problem anyway.

    References are taken as defined: the rules about them in `check_event` then hold exactly
    when they would in the whole file, provided every reference resolves, which `build`
    checks (an unknown key raises KeyError there).
    """

    def report(self, node: Node, message: str) -> object:
        raise Defect(message)

    def defined(self, collection: str, key: str) -> bool:
        return True


_BY_NAME = {c.name: c for c in COLLECTIONS}


class EntryReader:
    """Pass 1 and the one-event rules for one entry at a time, as the fast load composes them."""

    def __init__(self) -> None:
        self.validator = _Strict("")

    def read(self, root: Node, collection_name: str) -> tuple[str | None, int, Values]:
        """(key, line, light values) of the single entry of a document `{collection: {key: ...}}`
        or `{collection: [item]}`; raises Defect for a problem or any other shape."""
        collection = _BY_NAME[collection_name]
        if not (isinstance(root, MappingNode) and len(root.value) == 1):
            raise Defect("not one collection")
        key_node, node = root.value[0]
        if not (isinstance(key_node, ScalarNode) and key_node.value == collection_name):
            raise Defect("not the expected collection")
        validator = self.validator
        if collection.key is None:
            if not (isinstance(node, SequenceNode) and len(node.value) == 1):
                raise Defect("not one list item")
            validator.read_list_collection(collection, node)
        else:
            if not (isinstance(node, MappingNode) and len(node.value) == 1):
                raise Defect("not one keyed entry")
            validator.read_keyed_collection(collection, node)
        raw = validator.entries[collection_name].pop()  # the one entry; the list stays empty
        if collection.key is None:
            validator.check_event(raw)
        return raw.key, raw.line, light_values(raw)

