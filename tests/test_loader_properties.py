"""Property tests: whatever the bytes, the loader returns a Dataset or raises EventsFileError.

Mangled copies of the minimal file (byte edits, line edits, random values put into fields,
random documents built from real field names) must never make the loader crash with anything
else: not a YAML error, not a KeyError, not a UnicodeError, not a RecursionError.
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import corpus as corpus_mod
from explainer.data import load
from explainer.data.fields import COLLECTIONS, RECORDS
from explainer.data.load import load_dataset_from_bytes, load_dataset_from_text
from explainer.data.model import Dataset
from explainer.data.problems import EventsFileError
from explainer.data.yamlsource import decode
from tests.dataset_facts import facts

MINIMAL = (Path(__file__).parent / "fixtures" / "valid" / "minimal.yaml").read_bytes()
LINES = MINIMAL.decode().splitlines(keepends=True)
FIELD_LINES = [i for i, line in enumerate(LINES) if ": " in line and not line.lstrip().startswith("#")]
FIELD_NAMES = sorted({f.name for r in RECORDS.values() for f in r.fields} | {c.name for c in COLLECTIONS})

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(outcome: object) -> None:
    """What every property asserts once the loader has returned or raised."""
    assert isinstance(outcome, Dataset)


def load_bytes(data: bytes) -> None:
    try:
        check(load_dataset_from_bytes(data))
    except EventsFileError as error:
        assert_sane(error, data.count(b"\n") + 1)
    try:
        text = decode(data, "events.yaml")
    except EventsFileError:
        return
    check_fast_agrees(text)


def load_text(text: str) -> None:
    try:
        check(load_dataset_from_text(text))
    except EventsFileError as error:
        assert_sane(error, text.count("\n") + text.count("\r") + 1)
    check_fast_agrees(text)


def check_fast_agrees(text: str) -> None:
    """The fast load (entry by entry) returns a Dataset only when the whole-file load returns
    the same one; otherwise it hands over (None)."""
    quick = load._fast(text, None, 1)
    try:
        expected = load._whole(text, "events.yaml")
    except EventsFileError:
        assert quick is None
        return
    if quick is not None:
        assert facts(quick) == facts(expected)


def assert_sane(error: EventsFileError, lines: int) -> None:
    assert error.problems
    for problem in error.problems:
        assert 1 <= problem.line <= lines + 1 and problem.column >= 1, problem
        assert problem.message and "\n" not in problem.message
        assert str(problem).startswith("events.yaml:")
    assert error.problems == sorted(error.problems, key=lambda p: (p.line, p.column))


byte_edit = st.tuples(
    st.integers(min_value=0, max_value=len(MINIMAL)),
    st.sampled_from(["delete", "insert", "replace"]),
    st.binary(min_size=1, max_size=4),
)


@SETTINGS
@given(st.lists(byte_edit, min_size=1, max_size=6))
def test_random_byte_edits(edits: list[tuple[int, str, bytes]]) -> None:
    data = bytearray(MINIMAL)
    for position, operation, chunk in edits:
        position = min(position, len(data))
        if operation == "delete":
            del data[position:position + len(chunk)]
        elif operation == "insert":
            data[position:position] = chunk
        else:
            data[position:position + len(chunk)] = chunk
    load_bytes(bytes(data))


line_edit = st.tuples(
    st.integers(min_value=0, max_value=len(LINES) - 1),
    st.sampled_from(["delete", "duplicate", "indent", "dedent", "swap"]),
)


@SETTINGS
@given(st.lists(line_edit, min_size=1, max_size=5))
def test_random_line_edits(edits: list[tuple[int, str]]) -> None:
    lines = list(LINES)
    for index, operation in edits:
        index = min(index, len(lines) - 1)
        if not lines:
            break
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "indent":
            lines[index] = "  " + lines[index]
        elif operation == "dedent":
            lines[index] = lines[index][2:] if lines[index].startswith("  ") else lines[index]
        elif index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
    load_text("".join(lines))


@SETTINGS
@given(st.sampled_from(FIELD_LINES), st.text(max_size=30), st.booleans())
def test_random_values_in_fields(index: int, value: str, quoted: bool) -> None:
    lines = list(LINES)
    key = lines[index].split(": ", 1)[0]
    # Quoted, the value reaches the validator as that exact text; raw, it may also break the YAML.
    lines[index] = f"{key}: {json.dumps(value) if quoted else value}\n"
    load_text("".join(lines))


@SETTINGS
@given(st.text(max_size=200))
def test_random_unicode(text: str) -> None:
    load_text(text)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=12), st.sampled_from(["KG", "occrp-kg", "2024-04", "2024-02-30", "NO", "blocked", "https://x.org"]),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=8))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=30,
)


@SETTINGS
@given(st.dictionaries(st.sampled_from([c.name for c in COLLECTIONS]), documents, max_size=5))
def test_random_documents_from_field_names(document: dict) -> None:
    load_text(yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(
    st.integers(min_value=0, max_value=len(LINES)),
    st.sampled_from(["&a x", "*a", "!!binary AAAA", "[" * 30, "- " * 20, "\t", "\x00", "\ufeff", "{a: [b, {c: d}]}"]),
)
def test_hostile_fragments(index: int, fragment: str) -> None:
    lines = list(LINES)
    lines.insert(index, f"{fragment}\n")
    load_text("".join(lines))
    load_text("".join(LINES).replace(": ", f": {fragment} ", 1))


# Lines that look like entry boundaries, or open and close what a boundary cannot end.
TRICKY_LINES = [
    "  - id: x-tricky", "- id: x-col0", "  KG:", "  kg-tricky:", '    title: "open', '  close"', "    summary: |+",
    "    sources: [a,", "  ]", "", "  # comment", "# comment", "      more text", "    quotes:", "      - text: q",
    "---", "...", "laws:", "events:", "  ? KG", "  : x", "    title: 'it''s", "  '", "\t- id: tab",
]
SMALL_CORPUS = corpus_mod.generate(12).events_yaml.split("\n")


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(SMALL_CORPUS)),
                          st.sampled_from(["insert", "delete", "replace"]), st.sampled_from(TRICKY_LINES)),
                min_size=1, max_size=4))
def test_fast_load_agrees_on_edited_corpus(edits: list[tuple[int, str, str]]) -> None:
    lines = list(SMALL_CORPUS)
    for index, operation, line in edits:
        index = min(index, len(lines))
        if operation == "insert" or index == len(lines):
            lines.insert(index, line)
        elif operation == "delete":
            del lines[index]
        else:
            lines[index] = line
    check_fast_agrees("\n".join(lines))


# Valid changes that move text around entry boundaries: blank and comment lines anywhere, and
# titles rewritten in every scalar style (multi-line, kept trailing blank lines, folded, ...).
FILLERS = ["", "   ", "# c", "  # c", "      # c", " # c", "        "]
TITLE_STYLES = [
    '    title: "{t}\n      continued"',
    "    title: |+\n      {t}\n\n",
    "    title: |-\n      {t}\n\n  # after\n",
    "    title: >\n      {t}\n      folded\n",
    "    title:\n      {t} plain\n      continued\n",
    "    title: '{t}'  # comment",
    '    title: "{t} [not a list"',
]


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(SMALL_CORPUS)),
                          st.sampled_from(FILLERS + TITLE_STYLES)), min_size=1, max_size=6))
def test_fast_load_agrees_on_restyled_corpus(edits: list[tuple[int, str]]) -> None:
    lines = list(SMALL_CORPUS)
    for index, change in edits:
        index = min(index, len(lines) - 1)
        if change in FILLERS:
            lines.insert(index, change)
            continue
        titles = [i for i, line in enumerate(lines) if line.startswith('    title: "')]
        if titles:
            at = titles[index % len(titles)]
            lines[at] = change.format(t=lines[at].split('"')[1])
    text = "\n".join(lines)
    check_fast_agrees(text)
