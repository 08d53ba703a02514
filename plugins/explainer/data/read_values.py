"""Pass 1 over events.yaml: read every collection, record and field from the YAML node tree.

Each value is read from its *raw text* (never from what YAML 1.1 would turn it into), checked by
the rules of its field in `fields`, and kept; a problem is collected, not raised, so one run
reports everything. A reference is only noted here, as the key written and where (`Ref`): pass 2
(`validate`) checks it once every collection has been read and every key is known.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .dates import DateError, PartialDate
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
from .messages import (
    SINGULAR,
    clip,
    example_key,
    is_null,
    key_format_message,
    members,
    quoted,
    shape,
    slugify,
    suggest,
    too_long,
    url_problem,
    with_article,
)
from .problems import Problem
from .text import DEFAULT_LANGUAGE, LANGUAGES, Text

# Every pattern is used with `fullmatch` (see fields.SLUG_PATTERN).
_SLUG = re.compile(SLUG_PATTERN)
_CODE = re.compile(CODE_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)
_CONTROL = re.compile(TEXT_CONTROL_CHARACTERS)
_INVALID = object()
"""Returned by field readers after reporting a problem: the value is not stored."""


@dataclass(slots=True)
class Ref:
    """A key written in a reference field, with where it was written."""

    value: str
    node: Node


@dataclass(slots=True)
class Raw:
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


class ValueReader:
    """Pass 1 over one document; `problems` collects everything found."""

    def __init__(self, display_name: str) -> None:
        self.path = display_name
        self.problems: list[Problem] = []
        self.entries: dict[str, list[Raw]] = {c.name: [] for c in COLLECTIONS}
        self.keys: dict[str, dict[str, int]] = {c.name: {} for c in COLLECTIONS}
        """Keys defined in each keyed collection -> line; for reference checks."""

    # -- reporting -------------------------------------------------------------------------
    def report(self, node: Node, message: str) -> object:
        """Record a problem at the start of `node`; returns _INVALID so readers can `return self.report(...)`."""
        mark = node.start_mark
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, message))
        return _INVALID

    # -- pass 1: structure -----------------------------------------------------------------
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
                hint = suggest(key, allowed, list_all=True)
                self.report(key_node, f"unknown field {quoted(key)} in {where}{hint}")
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
        return (f"duplicate key {quoted(key)}: it is already on line {first_line}, and YAML would silently "
                "keep only the last one; remove or merge one of them")

    def read_keyed_collection(self, collection: Collection, node: Node) -> None:
        record = RECORDS[collection.record]
        if is_null(node):
            return  # `laws:` with nothing under it: an empty collection
        if not isinstance(node, MappingNode):
            self.report(node, f"'{collection.name}' should be a mapping of {collection.key} -> {record.name} "
                              f"(each entry on its own line as '{example_key(collection)}:'), not {shape(node)}")
            return
        pattern = _CODE if collection.key == "code" else _SLUG
        keys = self.keys[collection.name]
        not_plain = f"each key under {collection.name}: must be a plain {collection.key}"
        for key, key_node, value_node in self.unique_keys(node, not_plain, keys):
            if not pattern.fullmatch(key):
                self.report(key_node, key_format_message(collection, key))
            elif len(key) > MAX_SLUG_LENGTH:
                self.report(key_node, too_long(key))
            label = f"{record.name} {quoted(key)}"
            if not isinstance(value_node, MappingNode):
                if is_null(value_node):
                    required = ", ".join(f.name for f in record.fields if f.required)
                    self.report(key_node, f"{label} has no fields: it needs at least {required}")
                else:
                    self.report(value_node, f"{label} should be a mapping of fields ({record.fields[0].name}: ..., "
                                            f"...), not {shape(value_node)}")
                continue
            raw = self.read_record(record, value_node, label, key)
            raw.key_node = key_node
            self.entries[collection.name].append(raw)

    def read_list_collection(self, collection: Collection, node: Node) -> None:
        record = RECORDS[collection.record]
        if is_null(node):
            return
        if not isinstance(node, SequenceNode):
            self.report(node, f"'{collection.name}' should be a list of {record.name}s, each starting with "
                              f"'- {record.fields[0].name}: ...', not {shape(node)}")
            return
        for item in node.value:
            if not isinstance(item, MappingNode):
                self.report(item, f"each item of '{collection.name}' should be {with_article(record.name)} with fields "
                                  f"({record.fields[0].name}: ..., ...), not {shape(item)}")
                continue
            label = record.name
            for key_node, value_node in item.value:  # name the event by its id when it has a readable one
                if isinstance(key_node, ScalarNode) and key_node.value == "id" and isinstance(value_node, ScalarNode):
                    label = f"{record.name} {quoted(value_node.value)}"
                    break
            self.entries[collection.name].append(self.read_record(record, item, label))

    def read_record(self, record: Record, node: MappingNode, label: str, key: str | None = None) -> Raw:
        raw = Raw(record, node, label, key)
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
        if is_null(node):
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
            return self.report(node, f"'{spec.name}' takes a single value, not {shape(node)}")
        text = node.value
        if kind is Kind.STRING:
            return self.nonempty(spec, node, text)
        if kind is Kind.SLUG:
            if not _SLUG.fullmatch(text):
                return self.report(node, f"{quoted(text)} is not a valid {spec.name}: use lower-case letters, digits "
                                         f"and single hyphens, e.g. {quoted(slugify(text))}")
            if len(text) > MAX_SLUG_LENGTH:
                return self.report(node, too_long(text))
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
            return Ref(text, node)
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
            if not isinstance(value_node, ScalarNode) or is_null(value_node):
                what = ("has no value" if is_null(value_node)
                        else f"must be one piece of text, not {shape(value_node)}")
                self.report(value_node, f"the {quoted(lang)} text of '{spec.name}' {what}")
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
                hint = suggest(lang, LANGUAGES, list_all=False)
                self.report(key_node, f"unknown language {quoted(lang)} in '{spec.name}'{hint or ''}; "
                                      f"the languages are: {', '.join(LANGUAGES)}")
                bad = True
                continue
            found[lang] = value_node
        return found, not bad and len(self.problems) == reported

    def read_number(self, spec: Field, node: ScalarNode, text: str) -> object:
        if not _NUMBER.fullmatch(text) or (len(text) > 1 and text[0] == "0" and text[1] != "."):
            return self.report(node, f"{quoted(text)} is not a number written in digits: write it like 14000000 or "
                                     "20.1 (no spaces, commas, underscores, leading zeros or words)")
        return float(text) if "." in text else int(text)

    def read_choice(self, spec: Field, node: ScalarNode, text: str) -> object:
        assert spec.vocab is not None
        by_value = members(spec.vocab)
        if text in by_value:
            return by_value[text]
        values = tuple(by_value)
        if text.lower() in values:
            return self.report(node, f"{quoted(text)} is not a valid {spec.name}; did you mean '{text.lower()}'?")
        hint = suggest(text, values, list_all=False)
        if hint:
            return self.report(node, f"{quoted(text)} is not a valid {spec.name}{hint}")
        return self.report(node, f"{quoted(text)} is not a valid {spec.name}; the values are: {', '.join(values)}")

    def read_url(self, node: ScalarNode, text: str) -> object:
        message = url_problem(text)
        if message:
            return self.report(node, message)
        return text

    def sequence_of_scalars(self, spec: Field, node: Node) -> object:
        singular = SINGULAR.get(spec.target or "", "item")
        if isinstance(node, ScalarNode):
            return self.report(node, f"'{spec.name}' takes a list: write [{clip(node.value)}]")
        if isinstance(node, MappingNode):
            return self.report(node, f"'{spec.name}' takes a list of {singular} keys like [a, b], not a mapping")
        items: list[ScalarNode] = []
        for item in node.value:
            if not isinstance(item, ScalarNode) or is_null(item):
                self.report(item, f"each item of '{spec.name}' must be one {singular} key, not "
                                  f"{'an empty item' if is_null(item) else shape(item)}")
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
                self.report(item, f"{quoted(item.value)} is listed twice in '{spec.name}'")
                ok = False
                continue
            seen[item.value] = item.start_mark.line + 1
            refs.append(Ref(item.value, item))
        return refs if ok else _INVALID

    def read_records(self, spec: Field, node: Node, owner: str) -> object:
        assert spec.record is not None
        record = RECORDS[spec.record]
        if not isinstance(node, SequenceNode):
            return self.report(node, f"'{spec.name}' takes a list of {record.name}s, each starting with "
                                     f"'- {record.fields[0].name}: ...', not {shape(node)}")
        raws = []
        ok = True
        for number, item in enumerate(node.value, start=1):
            if not isinstance(item, MappingNode):
                self.report(item, f"each item of '{spec.name}' should be {with_article(record.name)} with fields "
                                  f"({record.fields[0].name}: ..., ...), not {shape(item)}")
                ok = False
                continue
            raws.append(self.read_record(record, item, f"{record.name} {number} of {owner}"))
        return raws if ok else _INVALID

    def read_status_map(self, spec: Field, node: Node) -> object:
        assert spec.vocab is not None
        if not isinstance(node, MappingNode):
            return self.report(node, f"'{spec.name}' takes a mapping of country code -> status, e.g. "
                                     f"'{spec.name}: {{KG: blocked}}', not {shape(node)}")
        entries: list[tuple[Ref, object]] = []
        reported = len(self.problems)
        ok = True
        status_field = Field("TikTok status", Kind.CHOICE, "", vocab=spec.vocab)
        not_plain = f"each key of '{spec.name}' must be a country code like KG"
        for code, key_node, value_node in self.unique_keys(node, not_plain):
            status = self.read_field(status_field, value_node)
            if status is _INVALID:
                ok = False
                continue
            entries.append((Ref(code, key_node), status))
        return entries if ok and len(self.problems) == reported else _INVALID
