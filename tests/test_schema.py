"""The JSON Schema editors' editors use: committed, current, valid, and in step with the validator."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from explainer.data.fields import COLLECTIONS, RECORDS, Kind
from explainer.data.schema import SCHEMA_PATH, build_schema, render_schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")


def as_editor_sees_it(node: Node) -> Any:
    """Roughly the YAML 1.2 core schema the VS Code YAML extension applies: no dates, no yes/no."""
    if isinstance(node, MappingNode):
        return {key.value: as_editor_sees_it(value) for key, value in node.value}
    if isinstance(node, SequenceNode):
        return [as_editor_sees_it(item) for item in node.value]
    assert isinstance(node, ScalarNode)
    if node.style:
        return node.value
    if node.value in ("", "~", "null"):
        return None
    if node.value in ("true", "false"):
        return node.value == "true"
    if _INT.match(node.value):
        return int(node.value)
    if _FLOAT.match(node.value):
        return float(node.value)
    return node.value


def load_as_editor(path: Path) -> Any:
    return as_editor_sees_it(yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = build_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH == ROOT / "schema" / "events.schema.json"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "schema/events.schema.json is out of date: run `PYTHONPATH=plugins python -m explainer schema`"
    )
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == build_schema()


def test_every_field_is_in_the_schema_with_its_description() -> None:
    schema = build_schema()
    for record in RECORDS.values():
        definition = schema["$defs"][record.name]
        assert list(definition["properties"]) == list(record.names)
        assert definition["required"] == [f.name for f in record.fields if f.required]
        assert definition["additionalProperties"] is False
        for field in record.fields:
            assert definition["properties"][field.name]["description"] == field.description
            if field.kind is Kind.CHOICE:
                assert definition["properties"][field.name]["enum"] == [m.value for m in field.vocab]
    assert list(schema["properties"]) == [c.name for c in COLLECTIONS]


@pytest.mark.parametrize("path", [FIXTURES / "valid" / "minimal.yaml", ROOT / "events.yaml"],
                         ids=["minimal", "events.yaml"])
def test_valid_files_pass_the_schema(validator: Draft202012Validator, path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} is not written yet")
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(load_as_editor(path))]
    assert errors == []


def test_real_file_points_at_the_schema() -> None:
    events = ROOT / "events.yaml"
    if not events.exists():
        pytest.skip("events.yaml is not written yet")
    first = events.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./schema/events.schema.json"


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("    title: GKNB orders", "    tittle: GKNB orders", ["events", 0]),
        ("kind: order", "kind: ban", ["events", 0, "kind"]),
        ("url: https://www.occrp.org", "url: javascript://www.occrp.org", ["sources", "occrp-kg", "url"]),
        ("countries: [KG]", "countries: []", ["events", 0, "countries"]),
        ("  - id: kg-gknb-order", "  - id: KG_Order", ["events", 0, "id"]),
        ("  gknb:", "  GKNB:", ["actors"]),
        ("value: 48", "value: forty-eight", ["countries", "KG", "figures", 0, "value"]),
        ('date: "2024"', 'date: "24 April"', ["countries", "KG", "figures", 0, "date"]),
        ("      KG: blocked", "      KG: banned", ["events", 0, "tiktok_status", "KG"]),
        ("    name: Kyrgyzstan", "    name: {fr: Kirghizistan}", ["countries", "KG", "name"]),
    ],
)
def test_schema_flags_what_editors_get_wrong(validator: Draft202012Validator, old: str, new: str, where: list) -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    assert old in text
    document = as_editor_sees_it(yaml.compose(text.replace(old, new, 1), Loader=yaml.SafeLoader))
    paths = [list(error.absolute_path) for error in validator.iter_errors(document)]
    assert where in paths, paths


def test_every_field_and_value_is_documented_for_editors() -> None:
    """CONTRIBUTING.md explains every field `fields.py` allows and every vocabulary value."""
    guide = ROOT / "CONTRIBUTING.md"
    if not guide.exists():
        pytest.skip("CONTRIBUTING.md is not written yet")
    text = guide.read_text(encoding="utf-8")
    missing = [f"{record.name}.{field.name}" for record in RECORDS.values() for field in record.fields
               if f"`{field.name}`" not in text]
    missing += [f"{c.name}:" for c in COLLECTIONS if f"`{c.name}`" not in text]
    vocabularies = {field.vocab for record in RECORDS.values() for field in record.fields if field.vocab}
    missing += [f"{vocab.__name__}.{member.value}" for vocab in vocabularies for member in vocab
                if f"`{member.value}`" not in text]
    assert missing == []
