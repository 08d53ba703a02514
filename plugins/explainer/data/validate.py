"""Read the YAML node tree of events.yaml into the typed model, reporting every defect.

The rules come from `fields`. Work happens in three passes, so one run reports everything:
1. read every collection, field by field, from the *raw text* of each value (never from what
   YAML 1.1 would turn it into), collecting problems instead of stopping at the first;
2. check every reference (an event naming a law, a quote naming an actor, ...) against the keys
   actually defined, and the rules that tie fields together (end_date after date, a quoted actor
   listed among the event's actors, ...);
3. only when nothing is wrong, build the frozen model objects with references resolved.

Each problem points at the offending value; at the key for unknown or duplicate keys; at the start
of the record for a missing field.

The loader's fast way (see `load`) reads entries one at a time with `EntryReader` (pass 1 and
the rules within one event, stopping at the first problem), keeps what it read in a light form
of builtins, and checks what spans entries (repeated keys and ids, references) while `build`
makes the model objects. Both ways build through `build`, so they give the same objects.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import dataset_rules, model
from .dates import DateError, PartialDate, today
from .fields import (
    CODE_PATTERN,
    COLLECTIONS,
    MAX_SLUG_LENGTH,
    NUMBER_PATTERN,
    RECORDS,
    SLUG_PATTERN,
    TEXT_CONTROL_CHARACTERS,
    Collection,
    Field,
    Kind,
    Record,
)
from .problems import EventsFileError, Problem
from .text import DEFAULT_LANGUAGE, LANGUAGES, Text
from .vocab import Vocabulary
from .yamlsource import EMPTY_FILE

# Every pattern is used with `fullmatch` (see fields.SLUG_PATTERN).
_SLUG = re.compile(SLUG_PATTERN)
_CODE = re.compile(CODE_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)
_CONTROL = re.compile(TEXT_CONTROL_CHARACTERS)
_NULL_TAG = "tag:yaml.org,2002:null"
_HOST = re.compile(r"(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
_IPV4 = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_SINGULAR = {"countries": "country", "laws": "law", "actors": "actor", "sources": "source"}
MAX_SUGGESTED = 200
"""Distinct unknown references that get a 'did you mean' suggestion; see `suggest_key`."""
_INVALID = object()
"""Returned by field readers after reporting a problem: the value is not stored."""


@dataclass(slots=True)
class _Ref:
    """A key written in a reference field, with where it was written."""

    value: str
    node: Node


@dataclass(slots=True)
class _Raw:
    """One record as read in pass 1: checked values, references not yet resolved."""

    record: Record
    node: MappingNode
    label: str
    """How messages name it: "event 'kg-block'", "law 'kg-child-protection'", "figure"."""
    key: str | None = None
    key_node: Node | None = None
    values: dict[str, object] = field(default_factory=dict)

    @property
    def line(self) -> int:
        """Where the entry starts: its key for keyed collections, else its first field."""
        return (self.key_node or self.node).start_mark.line + 1


def validate(root: Node, display_name: str) -> model.Dataset:
    """The Dataset the node tree describes; raises EventsFileError listing every problem."""
    return _Validator(display_name).run(root)


class _Validator:
    """Passes 1 and 2 over one document; `problems` collects everything found."""

    def __init__(self, display_name: str) -> None:
        self.path = display_name
        self.problems: list[Problem] = []
        self.entries: dict[str, list[_Raw]] = {c.name: [] for c in COLLECTIONS}
        self.keys: dict[str, dict[str, int]] = {c.name: {} for c in COLLECTIONS}
        """Keys defined in each keyed collection -> line; for reference checks."""
        self.suggestions: dict[tuple[str, str], str | None] = {}

    # -- reporting -------------------------------------------------------------------------
    def report(self, node: Node, message: str) -> object:
        """Record a problem at the start of `node`; returns _INVALID so readers can `return self.report(...)`."""
        mark = node.start_mark
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, message))
        return _INVALID

    # -- pass 1: structure -----------------------------------------------------------------
    def run(self, root: Node) -> model.Dataset:
        if _is_null(root):  # a file holding only `---`
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
        dataset = _Builder({name: [(raw.key, raw.line, light_values(raw), "") for raw in raws]
                            for name, raws in self.entries.items()}).build("", {})
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

    def mapping_fields(self, node: MappingNode, allowed: tuple[str, ...], where: str,
                       near_misses: set[str] | None = None) -> dict[str, Node]:
        """Field name -> value node, reporting duplicate, unknown and non-text keys.

        Field names suggested for unknown keys go into `near_misses`, so that a misspelt required
        field gets one message ("did you mean 'title'?"), not a second one saying 'title' is missing.
        """
        found: dict[str, Node] = {}
        not_plain = f"a field name in {where} must be a plain word, not a list or mapping"
        for key, key_node, value_node in self.unique_keys(node, not_plain):
            if key not in allowed:
                hint = _suggest(key, allowed, list_all=True)
                self.report(key_node, f"unknown field {_q(key)} in {where}{hint}")
                if near_misses is not None and hint and hint.startswith("; did you mean"):
                    near_misses.add(hint.split("'")[1])
                continue
            found[key] = value_node
        return found

    def unique_keys(self, node: MappingNode, not_plain: str,
                    first_line: dict[str, int] | None = None) -> Iterator[tuple[str, ScalarNode, Node]]:
        """(key, key node, value node) for each plain, first-seen key of a mapping.

        Keys that are lists or mappings are reported with `not_plain`; a repeated key is
        reported with the line of its first use (PyYAML would silently keep the last one).
        `first_line` may be shared by the caller, which then sees every key's line.
        """
        seen = {} if first_line is None else first_line
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, not_plain)
                continue
            key = key_node.value
            if key in seen:
                self.report(key_node, self.duplicate_message(key, seen[key]))
                continue
            seen[key] = key_node.start_mark.line + 1
            yield key, key_node, value_node

    @staticmethod
    def duplicate_message(key: str, first_line: int) -> str:
        return (f"duplicate key {_q(key)}: it is already on line {first_line}, and YAML would silently "
                "keep only the last one; remove or merge one of them")

    def read_keyed_collection(self, collection: Collection, node: Node) -> None:
        record = RECORDS[collection.record]
        if _is_null(node):
            return  # `laws:` with nothing under it: an empty collection
        if not isinstance(node, MappingNode):
            self.report(node, f"'{collection.name}' should be a mapping of {collection.key} -> {record.name} "
                              f"(each entry on its own line as '{_example_key(collection)}:'), not {_shape(node)}")
            return
        pattern = _CODE if collection.key == "code" else _SLUG
        keys = self.keys[collection.name]
        not_plain = f"each key under {collection.name}: must be a plain {collection.key}"
        for key, key_node, value_node in self.unique_keys(node, not_plain, keys):
            if not pattern.fullmatch(key):
                self.report(key_node, _key_format_message(collection, key))
            elif len(key) > MAX_SLUG_LENGTH:
                self.report(key_node, _too_long(key))
            label = f"{record.name} {_q(key)}"
            if not isinstance(value_node, MappingNode):
                if _is_null(value_node):
                    required = ", ".join(f.name for f in record.fields if f.required)
                    self.report(key_node, f"{label} has no fields: it needs at least {required}")
                else:
                    self.report(value_node, f"{label} should be a mapping of fields ({record.fields[0].name}: ..., "
                                            f"...), not {_shape(value_node)}")
                continue
            raw = self.read_record(record, value_node, label, key)
            raw.key_node = key_node
            self.entries[collection.name].append(raw)

    def read_list_collection(self, collection: Collection, node: Node) -> None:
        record = RECORDS[collection.record]
        if _is_null(node):
            return
        if not isinstance(node, SequenceNode):
            self.report(node, f"'{collection.name}' should be a list of {record.name}s, each starting with "
                              f"'- {record.fields[0].name}: ...', not {_shape(node)}")
            return
        for item in node.value:
            if not isinstance(item, MappingNode):
                self.report(item, f"each item of '{collection.name}' should be {_a(record.name)} with fields "
                                  f"({record.fields[0].name}: ..., ...), not {_shape(item)}")
                continue
            label = record.name
            for key_node, value_node in item.value:  # name the event by its id when it has a readable one
                if isinstance(key_node, ScalarNode) and key_node.value == "id" and isinstance(value_node, ScalarNode):
                    label = f"{record.name} {_q(value_node.value)}"
                    break
            self.entries[collection.name].append(self.read_record(record, item, label))

    def read_record(self, record: Record, node: MappingNode, label: str, key: str | None = None) -> _Raw:
        raw = _Raw(record, node, label, key)
        near_misses: set[str] = set()
        present = self.mapping_fields(node, record.names, record.name, near_misses)
        for spec in record.fields:
            value_node = present.get(spec.name)
            if value_node is None:
                if spec.required and spec.name not in near_misses:
                    self.report(node, f"missing required field '{spec.name}' in {label}")
                continue
            value = self.read_field(spec, value_node, label)
            if value is not _INVALID:
                raw.values[spec.name] = value
        return raw

    # -- pass 1: one field -----------------------------------------------------------------
    def read_field(self, spec: Field, node: Node, owner: str = "") -> object:
        """The checked value of one field, or _INVALID after reporting why; `owner` names the record."""
        if _is_null(node):
            fix = "write one" if spec.required else "write one, or remove the line"
            return self.report(node, f"'{spec.name}' has no value: {fix}")
        kind = spec.kind
        if kind is Kind.TEXT:
            return self.read_text(spec, node)
        if kind is Kind.MARKDOWN:
            text = self.read_text(spec, node)
            if isinstance(text, Text):
                from .markdown import link_problems  # the renderer's own rule, so the two never disagree

                for _lang, value in text.values:
                    for problem in link_problems(value):
                        self.report(node, f"{problem.message} (in '{spec.name}')")
            return text
        if kind is Kind.REFS:
            items = self.sequence_of_scalars(spec, node)
            if items is _INVALID:
                return _INVALID
            return self.read_refs(spec, node, cast(list[ScalarNode], items))
        if kind is Kind.RECORDS:
            return self.read_records(spec, node, owner)
        if kind is Kind.STATUS_MAP:
            return self.read_status_map(spec, node)
        if not isinstance(node, ScalarNode):
            return self.report(node, f"'{spec.name}' takes a single value, not {_shape(node)}")
        text = node.value
        if kind is Kind.STRING:
            return self.nonempty(spec, node, text)
        if kind is Kind.SLUG:
            if not _SLUG.fullmatch(text):
                return self.report(node, f"{_q(text)} is not a valid {spec.name}: use lower-case letters, digits "
                                         f"and single hyphens, e.g. {_q(_slugify(text))}")
            if len(text) > MAX_SLUG_LENGTH:
                return self.report(node, _too_long(text))
            return text
        if kind is Kind.DATE:
            try:
                return PartialDate.parse(text)
            except DateError as error:
                return self.report(node, str(error))
        if kind is Kind.NUMBER:
            return self.read_number(spec, node, text)
        if kind is Kind.URL:
            return self.read_url(node, text)
        if kind is Kind.CHOICE:
            return self.read_choice(spec, node, text)
        if kind is Kind.REF:
            return _Ref(text, node)
        raise AssertionError(f"unhandled field kind {kind}")  # pragma: no cover

    def nonempty(self, spec: Field, node: Node, text: str, what: str | None = None) -> object:
        """`text` when it has words and no control character (`fields.TEXT_CONTROL_CHARACTERS`)."""
        if not text.strip():
            fix = "write the text" if spec.required else "write the text, or remove the line"
            return self.report(node, f"'{what or spec.name}' is empty: {fix}")
        control = _CONTROL.search(text)
        if control is not None:
            return self.report(node, f"'{what or spec.name}' holds the invisible control character "
                                     f"U+{ord(control.group()):04X} at character {control.start() + 1}: remove it "
                                     "(a text may hold printable characters, spaces, tabs and line breaks)")
        return text

    def read_text(self, spec: Field, node: Node) -> object:
        if isinstance(node, ScalarNode):
            text = self.nonempty(spec, node, node.value)
            return _INVALID if text is _INVALID else Text.english(node.value)
        if isinstance(node, SequenceNode):
            return self.report(node, f"'{spec.name}' takes one text, not a list; for translations write "
                                     "a mapping {en: ..., ru: ...}")
        translations: dict[str, str] = {}
        present, ok = self.translation_fields(spec, cast(MappingNode, node))
        for lang, value_node in present.items():
            if not isinstance(value_node, ScalarNode) or _is_null(value_node):
                what = ("has no value" if _is_null(value_node)
                        else f"must be one piece of text, not {_shape(value_node)}")
                self.report(value_node, f"the {_q(lang)} text of '{spec.name}' {what}")
                ok = False
                continue
            if self.nonempty(spec, value_node, value_node.value, f"{spec.name}.{lang}") is _INVALID:
                ok = False
                continue
            translations[lang] = value_node.value
        if not ok:
            return _INVALID
        if DEFAULT_LANGUAGE not in present:
            return self.report(node, f"'{spec.name}' has translations but no English: add 'en: ...'")
        ordered = [(DEFAULT_LANGUAGE, translations[DEFAULT_LANGUAGE])]
        ordered += [(lang, translations[lang]) for lang in LANGUAGES
                    if lang != DEFAULT_LANGUAGE and lang in translations]
        return Text(tuple(ordered))

    def translation_fields(self, spec: Field, node: MappingNode) -> tuple[dict[str, Node], bool]:
        """Language -> value node, and whether every key was a known, unrepeated language."""
        found: dict[str, Node] = {}
        reported = len(self.problems)
        bad = False
        not_plain = f"a language code in '{spec.name}' must be a plain word like 'en'"
        for lang, key_node, value_node in self.unique_keys(node, not_plain):
            if lang not in LANGUAGES:
                hint = _suggest(lang, LANGUAGES, list_all=False)
                self.report(key_node, f"unknown language {_q(lang)} in '{spec.name}'{hint or ''}; "
                                      f"the languages are: {', '.join(LANGUAGES)}")
                bad = True
                continue
            found[lang] = value_node
        return found, not bad and len(self.problems) == reported

    def read_number(self, spec: Field, node: ScalarNode, text: str) -> object:
        if not _NUMBER.fullmatch(text) or (len(text) > 1 and text[0] == "0" and text[1] != "."):
            return self.report(node, f"{_q(text)} is not a number written in digits: write it like 14000000 or "
                                     "20.1 (no spaces, commas, underscores, leading zeros or words)")
        return float(text) if "." in text else int(text)

    def read_choice(self, spec: Field, node: ScalarNode, text: str) -> object:
        assert spec.vocab is not None
        members = _members(spec.vocab)
        if text in members:
            return members[text]
        values = tuple(members)
        if text.lower() in values:
            return self.report(node, f"{_q(text)} is not a valid {spec.name}; did you mean '{text.lower()}'?")
        hint = _suggest(text, values, list_all=False)
        if hint:
            return self.report(node, f"{_q(text)} is not a valid {spec.name}{hint}")
        return self.report(node, f"{_q(text)} is not a valid {spec.name}; the values are: {', '.join(values)}")

    def read_url(self, node: ScalarNode, text: str) -> object:
        message = _url_problem(text)
        if message:
            return self.report(node, message)
        return text

    def sequence_of_scalars(self, spec: Field, node: Node) -> object:
        singular = _SINGULAR.get(spec.target or "", "item")
        if isinstance(node, ScalarNode):
            return self.report(node, f"'{spec.name}' takes a list: write [{_clip(node.value)}]")
        if isinstance(node, MappingNode):
            return self.report(node, f"'{spec.name}' takes a list of {singular} keys like [a, b], not a mapping")
        items: list[ScalarNode] = []
        for item in node.value:
            if not isinstance(item, ScalarNode) or _is_null(item):
                self.report(item, f"each item of '{spec.name}' must be one {singular} key, not "
                                  f"{'an empty item' if _is_null(item) else _shape(item)}")
                return _INVALID
            items.append(item)
        if len(items) < spec.min_items:
            return self.report(node, f"'{spec.name}' needs at least one {singular}")
        return items

    def read_refs(self, spec: Field, node: Node, items: list[ScalarNode]) -> object:
        seen: dict[str, int] = {}
        refs = []
        ok = True
        for item in items:
            if item.value in seen:
                self.report(item, f"{_q(item.value)} is listed twice in '{spec.name}'")
                ok = False
                continue
            seen[item.value] = item.start_mark.line + 1
            refs.append(_Ref(item.value, item))
        return refs if ok else _INVALID

    def read_records(self, spec: Field, node: Node, owner: str) -> object:
        assert spec.record is not None
        record = RECORDS[spec.record]
        if not isinstance(node, SequenceNode):
            return self.report(node, f"'{spec.name}' takes a list of {record.name}s, each starting with "
                                     f"'- {record.fields[0].name}: ...', not {_shape(node)}")
        raws = []
        ok = True
        for number, item in enumerate(node.value, start=1):
            if not isinstance(item, MappingNode):
                self.report(item, f"each item of '{spec.name}' should be {_a(record.name)} with fields "
                                  f"({record.fields[0].name}: ..., ...), not {_shape(item)}")
                ok = False
                continue
            raws.append(self.read_record(record, item, f"{record.name} {number} of {owner}"))
        return raws if ok else _INVALID

    def read_status_map(self, spec: Field, node: Node) -> object:
        assert spec.vocab is not None
        if not isinstance(node, MappingNode):
            return self.report(node, f"'{spec.name}' takes a mapping of country code -> status, e.g. "
                                     f"'{spec.name}: {{KG: blocked}}', not {_shape(node)}")
        entries: list[tuple[_Ref, object]] = []
        reported = len(self.problems)
        ok = True
        status_field = Field("TikTok status", Kind.CHOICE, "", vocab=spec.vocab)
        not_plain = f"each key of '{spec.name}' must be a country code like KG"
        for code, key_node, value_node in self.unique_keys(node, not_plain):
            status = self.read_field(status_field, value_node)
            if status is _INVALID:
                ok = False
                continue
            entries.append((_Ref(code, key_node), status))
        return entries if ok and len(self.problems) == reported else _INVALID

    # -- pass 2: references and cross-field rules -------------------------------------------
    def check_references(self) -> None:
        for raws in self.entries.values():
            for raw in raws:
                self.check_record_refs(raw)
        self.check_events()

    def check_record_refs(self, raw: _Raw) -> None:
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

    def check_ref(self, target: str | None, ref: _Ref) -> bool:
        assert target is not None
        keys = self.keys[target]
        if ref.value in keys:
            return True
        singular = _SINGULAR[target]
        hint = self.suggest_key(target, ref.value) or f": add it under {target}: or fix the spelling"
        self.report(ref.node, f"unknown {singular} {_q(ref.value)}{hint}")
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
            self.suggestions[cache_key] = _suggest(value, self.keys[target], list_all=False)
        return self.suggestions[cache_key]

    def defined(self, collection: str, key: str) -> bool:
        """Whether `key` is defined in `collection`; rules about a reference apply only to defined ones
        (an undefined one is reported once, by `check_ref`)."""
        return key in self.keys[collection]

    def check_events(self) -> None:
        ids: dict[str, _Raw] = {}
        for raw in self.entries["events"]:
            event_id = raw.values.get("id")
            if isinstance(event_id, str):
                if event_id in ids:
                    first = raw_value_node(ids[event_id].node, "id").start_mark.line + 1
                    self.report(raw_value_node(raw.node, "id"), f"duplicate event id {_q(event_id)}: it is already "
                                                                f"used on line {first}; every event needs its own id")
                else:
                    ids[event_id] = raw
            self.check_event(raw)

    def check_event(self, raw: _Raw) -> None:
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
                self.report(ref.node, f"tiktok_status is given for {_q(ref.value)}, which is not in this event's "
                                      f"countries: add {_q(ref.value)} to countries, or remove it here")
        for quote in values.get("quotes", ()):  # type: ignore[attr-defined]
            for name, collection in (("by", "actors"), ("source", "sources")):
                ref = quote.values.get(name)
                if (isinstance(ref, _Ref) and self.defined(collection, ref.value) and collection in values
                        and ref.value not in listed[collection]):
                    self.report(ref.node, f"the quote's {name} {_q(ref.value)} is not in this event's {collection}: "
                                          f"add {_q(ref.value)} to {collection} as well")


def raw_value_node(node: MappingNode, name: str) -> Node:
    """The value node of the first `name:` in a mapping (the one pass 1 read)."""
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == name:
            return cast(Node, value_node)
    raise KeyError(name)  # pragma: no cover - only called for fields pass 1 read


# -- the light form of an entry ---------------------------------------------------------------
# What pass 1 read from one entry, in builtins only (str, int, float, None, tuples), with
# references as the keys written: cheap to marshal, so it can travel from a forked worker and be
# kept between builds (see `load`); `build` turns it into model objects. A record's light values
# are a tuple with one item per field, in the order of the model class's fields (so `build` can
# pass them on as they are); None for a field not written. Per field kind:
#   TEXT, MARKDOWN -> Text.values        DATE -> (year, month, day)      CHOICE -> the value
#   REF -> the key     REFS -> tuple of keys     RECORDS -> tuple of light values of each item
#   STATUS_MAP -> tuple of (country code, status value)      the rest -> the str, int or float
Values = tuple[object, ...]
"""Light values of one record."""
Entry = tuple[str | None, int, Values, str]
"""One entry ready to build: (key, or None for an event; line; light values; digest or "")."""

_MODELS: dict[str, type] = {"source": model.Source, "country": model.Country, "law": model.Law,
                            "actor": model.Actor, "event": model.Event, "figure": model.Figure,
                            "quote": model.Quote}


def _model_order() -> dict[str, tuple[Field, ...]]:
    """Record type -> its fields in the order of the model class's fields."""
    order = {}
    for name, cls in _MODELS.items():
        specs = {f.name: f for f in RECORDS[name].fields}
        names = [f.name for f in dataclasses.fields(cls)]
        # The model is [key] the record's fields [line, digest], so `build` passes light values
        # on by position.
        names = names[1:] if names[0] in ("slug", "code") else names
        names = names[:-2] if names[-2:] == ["line", "digest"] else names
        assert sorted(names) == sorted(specs), (name, names)
        order[name] = tuple(specs[field_name] for field_name in names)
    return order


_ORDER = _model_order()


def light_values(raw: _Raw) -> Values:
    values = raw.values
    return tuple(None if (value := values.get(spec.name)) is None else _lighten(spec, value)
                 for spec in _ORDER[raw.record.name])


def without_prose(record: str, light: Values) -> Values:
    """Light values with every Markdown field (summaries) left out: what decides which pages
    exist and what each lists (see `incremental.Fingerprints.structure`). Markdown prose is only
    ever shown, never sorted, grouped or counted by; tests/test_incremental.py checks that
    editing it leaves the site context's shape as it was."""
    return tuple(
        None if spec.kind is Kind.MARKDOWN
        else tuple(without_prose(spec.record, item) for item in cast(Values, value))  # type: ignore[arg-type]
        if spec.kind is Kind.RECORDS and value is not None
        else value
        for spec, value in zip(_ORDER[record], light, strict=True)
    )


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


def build(entries: dict[str, list[Entry]], structure: str = "",
          earlier: Mapping[str, Any] | None = None) -> model.Dataset:
    """Pass 3: the model objects, references resolved, events in date order (`structure`: see
    `Dataset.structure`; `earlier`: see `_Builder.build`).

    Raises Defect for a repeated key or event id, or a broken `dataset_rules` rule, and KeyError
    for a reference to an undefined key: none survives the whole-file way, so only the fast
    path, which skips pass 2, meets them.
    """
    dataset = _Builder(entries).build(structure, earlier or {})
    found = dataset_rules.breaches(dataset, today())
    if found:
        raise Defect(found[0].message)
    return dataset


class _Builder:
    """Frozen model objects from light values."""

    def __init__(self, entries: dict[str, list[Entry]]) -> None:
        self.entries = entries
        self.tables: dict[str, dict[str, object]] = {name: {} for name in _SINGULAR}
        # Each date is made once and shared (dates are immutable; many events share one), which
        # also works out each date's sort key once.
        self.dates: dict[tuple[int, int | None, int | None], PartialDate] = {}
        # Record type -> (converter or None, the model's default) per field, in model order.
        self.plans = {name: tuple((self.converter(spec), _default(_MODELS[name], spec.name)) for spec in order)
                      for name, order in _ORDER.items()}

    def converter(self, spec: Field) -> Callable[[Any], Any] | None:
        """A function from the light value of `spec` to the model's value (None: the same)."""
        kind = spec.kind
        if kind is Kind.TEXT or kind is Kind.MARKDOWN:
            return Text
        if kind is Kind.DATE:
            return self.date
        if kind is Kind.CHOICE and spec.vocab is not None:
            return _members(spec.vocab).__getitem__
        if kind is Kind.REF and spec.target is not None:
            return self.tables[spec.target].__getitem__
        if kind is Kind.REFS and spec.target is not None:
            get = self.tables[spec.target].__getitem__
            return lambda keys: tuple(map(get, keys))
        if kind is Kind.RECORDS and spec.record is not None:
            cls, name = _MODELS[spec.record], spec.record
            return lambda items: tuple(cls(*self.values(name, item)) for item in items)
        if kind is Kind.STATUS_MAP and spec.vocab is not None:
            countries, statuses = self.tables["countries"], _members(spec.vocab)
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

    def build(self, structure: str, earlier: Mapping[str, Any]) -> model.Dataset:
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
            cls = _MODELS[record]
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
                             sources=tables["sources"], events=built, structure=structure)  # type: ignore[arg-type]


_EVENT_ID = [spec.name for spec in _ORDER["event"]].index("id")
_EVENT_DATE = [spec.name for spec in _ORDER["event"]].index("date")


def _default(cls: type, name: str) -> object:
    """The default of a model field (what a field not written in the file becomes)."""
    for f in dataclasses.fields(cls):
        if f.name == name:
            if f.default_factory is not dataclasses.MISSING:
                return f.default_factory()
            return None if f.default is dataclasses.MISSING else f.default
    raise KeyError(name)  # pragma: no cover - _ORDER only holds model fields


# -- helpers -------------------------------------------------------------------------------
@functools.cache
def _members(vocab: type[Vocabulary]) -> dict[str, Vocabulary]:
    return {member.value: member for member in vocab}


def _is_null(node: Node) -> bool:
    """True for a value left empty (`key:`), or written as a plain `~` / `null`."""
    # libyaml reports a plain scalar's style as '', the pure-Python parser as None.
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG and not node.style


def _shape(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"the single value {_q(node.value)}" if len(node.value) <= 40 else "a single value"


def _suggest(word: str, choices: Iterable[str], *, list_all: bool) -> str | None:
    """'; did you mean 'x'?' for a near miss, else the allowed names (or None)."""
    choices = list(choices)
    lowered = {choice.lower(): choice for choice in choices}
    match = lowered.get(word.lower())
    if match is None:
        close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
        match = close[0] if close else None
    if match is not None:
        return f"; did you mean {_q(match)}?"
    if list_all:
        return f"; the fields here are: {', '.join(choices)}"
    return None


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "my-slug"


def _example_key(collection: Collection) -> str:
    return "KG" if collection.key == "code" else "my-slug"


def _too_long(slug: str) -> str:
    return (f"{_q(slug)} is {len(slug)} characters long; a slug or id may have at most {MAX_SLUG_LENGTH} "
            "(it becomes a file name and part of a web address): shorten it")


def _key_format_message(collection: Collection, key: str) -> str:
    if collection.key == "code":
        hint = f"; did you mean '{key.upper()}'?" if _CODE.fullmatch(key.upper()) else ""
        return (f"{_q(key)} is not a country code: use two capital letters (ISO 3166-1 alpha-2, "
                f"EU for the European Union){hint}")
    return (f"{_q(key)} is not a valid slug: use lower-case letters, digits and single hyphens, "
            f"e.g. {_q(_slugify(key))}")


def _url_problem(text: str) -> str | None:
    """Why `text` is not an acceptable http(s) address, or None when it is."""
    if not text.strip():
        return "'url' is empty: write the address, starting with https://"
    for index, char in enumerate(text):
        if char.isspace() or ord(char) < 0x20 or 0x7f <= ord(char) < 0xa0:
            return (f"the address contains a space or invisible character at position {index + 1}; "
                    "remove it (encode a real space as %20)")
    scheme = _URL_SCHEME.match(text)
    if scheme is None:
        return f"'{_clip(text)}' is not a full address: start it with https://"
    name = scheme.group(1).lower()
    if name not in ("http", "https"):
        return f"{_q(name + ':')} addresses are not allowed: an address must start with https:// or http://"
    if not text[len(name) + 1:].startswith("//"):
        return f"'{_clip(text)}' is malformed: write {name}:// followed by the host name"
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return f"'{_clip(text)}' is malformed: check the host name and port"
    if not host:
        return f"'{_clip(text)}' has no host name after {name}://"
    if "@" in parts.netloc:
        return f"'{_clip(text)}' contains a user name or password ('@' before the host); remove it"
    if not (_HOST.fullmatch(host) or _IPV4.fullmatch(host)):
        return f"'{_clip(text)}' has an invalid host name {_q(host)}"
    return None


def _clip(text: str, limit: int = 80) -> str:
    """Shorten a value quoted in a message, so a megabyte-long value gives a one-line message."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _q(text: str) -> str:
    """A value from the file, quoted (and clipped) for a message."""
    return f"'{_clip(text)}'"
