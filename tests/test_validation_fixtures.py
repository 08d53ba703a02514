"""Every defect the validator must catch, one fixture file each, with the exact messages expected.

Each `tests/fixtures/invalid/<name>.yaml` starts with a description line and one
`# expect: LINE:COL: message` line per problem, in file order. Files that are not valid UTF-8
keep their expectations in a sidecar `<name>.expect` (one `LINE:COL: message` per line).
Adding a fixture needs no code: drop the file in the folder.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from explainer.data.dates import PartialDate
from explainer.data.load import load_dataset, load_dataset_from_text
from explainer.data.problems import EventsFileError, Problem
from explainer.data.text import Text
from explainer.data.vocab import EventKind, TikTokStatus
from explainer.data.yamlsource import MAX_BYTES

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
VALID = sorted((FIXTURES / "valid").glob("*.yaml"))
ROOT = Path(__file__).resolve().parent.parent
EXPECT = "# expect: "


def expectations(fixture: Path) -> list[str]:
    sidecar = fixture.with_suffix(".expect")
    if sidecar.exists():
        return sidecar.read_text(encoding="utf-8").splitlines()
    lines = fixture.read_text(encoding="utf-8").splitlines()
    return [line[len(EXPECT):] for line in lines if line.startswith(EXPECT)]


def problems_for(path: Path) -> list[Problem]:
    with pytest.raises(EventsFileError) as caught:
        load_dataset(path, display_name=path.name)
    return caught.value.problems


def test_there_is_a_fixture_for_each_defect() -> None:
    assert len(INVALID) >= 35
    for fixture in INVALID:
        assert expectations(fixture), f"{fixture.name} declares no '# expect:' lines"


@pytest.mark.parametrize("fixture", INVALID, ids=lambda path: path.stem)
def test_invalid_fixture_reports_exactly_the_expected_problems(fixture: Path) -> None:
    problems = problems_for(fixture)
    assert [problem.position for problem in problems] == expectations(fixture)
    assert all(str(problem).startswith(f"{fixture.name}:{problem.line}:{problem.column}: ") for problem in problems)


@pytest.mark.parametrize("fixture", VALID, ids=lambda path: path.stem)
def test_valid_fixture_loads(fixture: Path) -> None:
    dataset = load_dataset(fixture)
    assert dataset.events
    for event in dataset.events:
        assert event.sources and event.countries


def test_minimal_fixture_is_resolved_into_the_model() -> None:
    dataset = load_dataset(FIXTURES / "valid" / "minimal.yaml")
    (event,) = dataset.events
    law = dataset.laws["kg-child-protection"]
    kg = dataset.countries["KG"]
    assert event.laws == (law,) and law.country is kg and event.countries == (kg,)
    assert event.date == PartialDate(2024, 4, 16) and law.signed == PartialDate(2023, 8, 14)
    assert event.kind is EventKind.ORDER
    assert event.quotes[0].by is dataset.actors["gknb"] and event.quotes[0].source is dataset.sources["occrp-kg"]
    assert [(change.country, change.status) for change in event.tiktok_status] == [(kg, TikTokStatus.BLOCKED)]
    assert kg.figures[0].value == 48 and kg.figures[0].sources == (dataset.sources["occrp-kg"],)
    assert event.line == 34 and law.line == 19 and kg.checked == PartialDate(2024, 12, 31)


def test_yaml_1_1_surprises_keep_what_the_editor_wrote() -> None:
    dataset = load_dataset(FIXTURES / "valid" / "yaml11-surprises.yaml")
    assert list(dataset.countries) == ["NO", "ON"]
    norway = dataset.countries["NO"]
    figure = norway.figures[0]
    assert figure.label == Text.english("012")
    assert figure.value == 1.1 and isinstance(figure.value, float)
    assert figure.date == PartialDate(2024) and figure.unit == Text.english("on")
    assert dataset.countries["ON"].name == Text.english("yes")
    source = dataset.sources["src"]
    assert (source.title.en, source.publisher.en, source.author) == ("No", "off", "0x1F")
    assert source.published == PartialDate(2024, 1, 5)
    (event,) = dataset.events
    assert event.id == "2024" and event.title.en == "true" and event.summary.en == "null-and-void"
    assert event.tiktok_status[0].country is norway


def test_translations_are_kept_in_language_order() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("    name: Kyrgyzstan", "    name: {ru: Кыргызстан, en: Kyrgyzstan}")
    country = load_dataset_from_text(text).countries["KG"]
    assert country.name.values == (("en", "Kyrgyzstan"), ("ru", "Кыргызстан"))
    assert country.name.get("ru") == "Кыргызстан"


def test_events_are_sorted_oldest_first_then_by_id() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    extra = ""
    for event_id, date in (("b-same-day", "2024-04-16"), ("a-same-day", "2024-04-16"),
                           ("month-only", "2024-04"), ("year-only", "2023"), ("later", "2024-05-01")):
        extra += (f"  - id: {event_id}\n    date: \"{date}\"\n    title: T\n    summary: S\n"
                  "    kind: report\n    countries: [KG]\n    sources: [occrp-kg]\n")
    dataset = load_dataset_from_text(text + extra)
    assert [event.id for event in dataset.events] == [
        "year-only", "month-only", "a-same-day", "b-same-day", "kg-gknb-order", "later",
    ]


def test_huge_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "events.yaml"
    with huge.open("wb") as handle:  # sparse: the disk holds almost nothing
        handle.truncate(MAX_BYTES + 1)
    started = time.process_time()
    problems = problems_for(huge)
    assert time.process_time() - started < 1  # a sanity bound, far above the real cost
    assert [p.position for p in problems] == [
        "1:1: the file is 67,108,865 bytes, over the limit of 64 MiB, so it was not read: is this the right file?"
    ]


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems = problems_for(tmp_path / "nowhere.yaml")
    assert [p.position for p in problems] == ["1:1: cannot read the file: No such file or directory"]


def test_every_problem_is_reported_in_one_run() -> None:
    problems = problems_for(FIXTURES / "invalid" / "many-problems.yaml")
    assert len(problems) >= 6


# -- the command line ---------------------------------------------------------------------------
def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "explainer", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_exits_0_with_a_summary_on_a_valid_file() -> None:
    result = run_cli("validate", str(FIXTURES / "valid" / "minimal.yaml"))
    assert result.returncode == 0, result.stderr
    assert "1 countries, 1 laws, 1 actors, 1 sources, 1 events" in result.stdout
    assert result.stderr == ""


def test_cli_prints_each_problem_and_exits_1(tmp_path: Path) -> None:
    fixture = FIXTURES / "invalid" / "many-problems.yaml"
    (tmp_path / "events.yaml").write_bytes(fixture.read_bytes())
    result = run_cli("validate", cwd=tmp_path)  # the default path is ./events.yaml
    assert result.returncode == 1
    expected = [f"events.yaml:{position}" for position in expectations(fixture)]
    lines = result.stderr.splitlines()
    assert lines == expected + [f"{len(expected)} problems in events.yaml"]
    assert result.stdout == ""


def test_cli_github_flag_adds_escaped_annotations(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text("countries:\n  KG:\n    name: 100%\n    nmae: x\n", encoding="utf-8")
    result = run_cli("validate", "--github", "events.yaml", cwd=tmp_path)
    assert result.returncode == 1
    annotations = result.stdout.splitlines()
    assert "::error file=events.yaml,line=4,col=5::unknown field 'nmae' in country; did you mean 'name'?" in annotations
    assert all(line.startswith("::error file=events.yaml,") for line in annotations)
    assert len(annotations) == len(result.stderr.splitlines()) - 1  # one per problem; stderr adds the count


def test_github_annotation_escapes_percent_and_separators() -> None:
    from explainer.tools.cli import _escape_data, github_annotation

    problem = Problem("dir,x/events:1.yaml", 3, 4, "100% wrong: 'a,b'")
    assert github_annotation(problem) == "::error file=dir%2Cx/events%3A1.yaml,line=3,col=4::100%25 wrong: 'a,b'"
    assert _escape_data("a\r\nb%") == "a%0D%0Ab%25"


def test_a_problem_is_always_one_line() -> None:
    """A value quoted from the file cannot add lines to the output (or forge CI annotations)."""
    problem = Problem("events.yaml", 1, 2, "'x\n::error file=a::forged\r\u2028\x1b[31m' is wrong")
    assert str(problem) == "events.yaml:1:2: 'x\\n::error file=a::forged\\r\\u2028\\u001b[31m' is wrong"
    assert len(str(problem).splitlines()) == 1


def test_cli_usage_error_exits_2() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2
