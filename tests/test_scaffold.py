"""`new-event`: a new event lands in date order, only lines are added, and the loader agrees.

The scaffold is checked against the real loader: a complete event validates, and a bare
scaffold fails on exactly its placeholder lines, so a half-written event cannot be published.
"""
from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from explainer.data.dates import PartialDate
from explainer.tools.scaffold import ScaffoldError, add_event, add_event_to_file, slugify

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 22)

SMALL = """\
# A comment at the top, kept as it is.
countries:
  KG:
    name: Kyrgyzstan   # trailing comment
  KZ: {name: Kazakhstan}
sources:
  occrp:
    title: "Kyrgyzstan blocks TikTok"
    publisher: OCCRP
    url: https://www.occrp.org/en/news/kyrgyzstan-blocks-tiktok
events:
  # ---- 2023 ----
  - id: kg-first
    date: "2023-08"
    title: First
    summary: |
      One paragraph.

      # A Markdown heading inside the summary, not a YAML comment
    kind: statement
    countries: [KG]
    sources: [occrp]

  # ---- 2024 ----
  - id: kg-second
    date: "2024-04-16"
    title: Second
    summary: Short.
    kind: order
    countries: [KG]
    sources: [occrp]
    # a comment inside the last event stays with it

# trailing comment of the file
"""

COMPLETE = dict(
    title="Ministry comments on the TikTok block",
    kind="statement",
    countries=("KG",),
    sources=("occrp",),
    summary="The ministry said the block stays.\n\nA second paragraph.",
)


def only_added(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails if any line was removed or changed."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(True), b=after.splitlines(True), autojunk=False)
    added: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        assert tag in ("equal", "insert"), (
            f"{tag}: {before.splitlines(True)[i1:i2]!r} -> {after.splitlines(True)[j1:j2]!r}"
        )
        if tag == "insert":
            added += after.splitlines(True)[j1:j2]
    return added


def event_ids(text: str) -> list[str]:
    return [event["id"] for event in yaml.safe_load(text)["events"]]


def real_events() -> str:
    return (ROOT / "events.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("date", [None, "2020", "2023", "2023-08", "2023-12-31", "2024-01", "2024-04-16", "2025-02-03"])
@pytest.mark.parametrize("source", ["small", "real"])
def test_only_lines_are_added_and_the_list_stays_in_date_order(source: str, date: str | None) -> None:
    before = SMALL if source == "small" else real_events()
    added = add_event(before, today=TODAY, date=date)
    inserted = only_added(before, added.text)
    assert any(line.strip() == f"- id: {added.event_id}" for line in inserted)
    events = yaml.safe_load(added.text)["events"]
    keys = [PartialDate.parse(str(event["date"])).sort_key for event in events]
    at = [event["id"] for event in events].index(added.event_id)
    # Oldest first around the new event (the loader sorts anyway; this keeps the file readable).
    assert all(key <= keys[at] for key in keys[at - 1 : at]) and all(key > keys[at] for key in keys[at + 1 : at + 2])
    lines = added.text.splitlines()
    assert lines[added.first_line - 1].strip() == f"- id: {added.event_id}"
    assert lines[added.last_line - 1].strip().startswith("sources:")


def test_todays_event_goes_at_the_end_with_a_year_heading() -> None:
    added = add_event(SMALL, today=TODAY)
    assert event_ids(added.text)[-1] == "new-event-2026-11-22"
    inserted = "".join(only_added(SMALL, added.text))
    assert "  # ---- 2026 ----\n" in inserted
    # The comment inside the last event stays attached to it, above the new one.
    text = added.text
    assert text.index("stays with it") < text.index("# ---- 2026") < text.index("# trailing comment of the file")


def test_an_event_of_a_known_year_goes_under_that_years_heading() -> None:
    added = add_event(SMALL, today=TODAY, date="2024-01")
    assert event_ids(added.text) == ["kg-first", "new-event-2024-01", "kg-second"]
    text = added.text
    assert text.index("# ---- 2024 ----") < text.index("new-event-2024-01") < text.index("kg-second")
    assert "# ----" not in "".join(only_added(SMALL, added.text))


def test_the_date_is_written_in_quotes_as_contributing_asks() -> None:
    added = add_event(SMALL, today=TODAY, date="2024-05")
    assert '    date: "2024-05"\n' in only_added(SMALL, added.text)


def test_a_bare_scaffold_fails_validation_on_each_placeholder_line_only(tmp_path: Path) -> None:
    from explainer.data.load import EventsFileError, load_dataset

    events = tmp_path / "events.yaml"
    events.write_text(real_events(), encoding="utf-8")
    added = add_event_to_file(events, today=TODAY)
    assert added.placeholders == ("title", "title.ru", "summary", "summary.ru", "kind", "countries", "sources")
    with pytest.raises(EventsFileError) as caught:
        load_dataset(events, "events.yaml")
    problems = caught.value.problems
    lines = added.text.splitlines()

    def field(line: int) -> str:
        """The field a problem's line belongs to: `title.ru` for the `ru:` line under `title:`."""
        name = lines[line - 1].split(":")[0].strip()
        if name in ("en", "ru"):
            parent = next(lines[n].split(":")[0].strip() for n in range(line - 2, 0, -1)
                          if lines[n].strip() and not lines[n].strip().startswith(("en:", "ru:")))
            return parent if name == "en" else f"{parent}.ru"
        return name

    assert {field(problem.line) for problem in problems} == set(added.placeholders)
    assert all(added.first_line <= problem.line <= added.last_line for problem in problems)


def test_a_complete_event_validates_and_keeps_its_fields(tmp_path: Path) -> None:
    from explainer.data.load import load_dataset

    events = tmp_path / "events.yaml"
    events.write_text(real_events(), encoding="utf-8")
    source = next(iter(yaml.safe_load(real_events())["sources"]))
    added = add_event_to_file(
        events, today=TODAY, date="2024-06-30", title="Новый закон: TikTok", kind="statement",
        countries=("KZ",), sources=(source,), summary="Said *this*.", title_ru="Новый закон о TikTok",
        summary_ru="Сказал *это*.",
    )
    assert added.placeholders == ()
    assert added.event_id == "kz-novyi-zakon-tiktok"
    dataset = load_dataset(events)
    event = next(event for event in dataset.events if event.id == added.event_id)
    assert event.title.en == "Новый закон: TikTok" and event.title.get("ru") == "Новый закон о TikTok"
    assert event.date.iso == "2024-06-30"
    assert [country.code for country in event.countries] == ["KZ"]
    assert [s.slug for s in event.sources] == [source]


def test_ids_are_unique() -> None:
    first = add_event(SMALL, today=TODAY)
    second = add_event(first.text, today=TODAY)
    third = add_event(second.text, today=TODAY, title="First", countries=("KG",))
    assert (first.event_id, second.event_id) == ("new-event-2026-11-22", "new-event-2026-11-22-2")
    assert third.event_id == "kg-first-2"
    assert len(set(event_ids(third.text))) == len(event_ids(third.text))


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Kazakh Senate: hearing on TikTok (2024)", "kazakh-senate-hearing-on-tiktok-2024"),
        ("Блокировка TikTok", "blokirovka-tiktok"),
        ("!!!", ""),
        ("word " * 30, ("word-" * 12)[:-1]),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_windows_line_endings_are_kept() -> None:
    before = SMALL.replace("\n", "\r\n")
    added = add_event(before, today=TODAY)
    assert "\n" not in added.text.replace("\r\n", "")
    only_added(before, added.text)


def test_a_file_without_a_final_newline() -> None:
    before = SMALL.rstrip("\n") + "\n    # last line without newline"
    added = add_event(before, today=TODAY)
    assert added.text.startswith(before)
    assert event_ids(added.text)[-1] == "new-event-2026-11-22"


def test_an_empty_events_key_gets_its_first_event() -> None:
    before = SMALL.split("events:")[0] + "events:\n\n# end\n"
    added = add_event(before, today=TODAY, **COMPLETE)
    only_added(before, added.text)
    assert event_ids(added.text) == ["kg-ministry-comments-on-the-tiktok-block"]


def test_a_file_without_events_gets_the_key_and_the_event() -> None:
    before = SMALL.split("events:")[0]
    added = add_event(before, today=TODAY, **COMPLETE)
    assert added.text.startswith(before)
    assert len(event_ids(added.text)) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "statment"}, "did you mean statement?"),
        ({"countries": ("kz",)}, "unknown country 'kz'; did you mean KZ?"),
        ({"sources": ("nope",)}, "unknown source 'nope'"),
        ({"date": "2024-02-30"}, "does not exist: February 2024 has 29 days"),
        ({"date": "yesterday"}, "is not a date"),
    ],
)
def test_bad_options_are_refused_with_a_reason(options: dict, message: str) -> None:
    with pytest.raises(ScaffoldError, match=message.replace("?", r"\?").replace("(", r"\(")):
        add_event(SMALL, today=TODAY, **options)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("events: [\n", "does not parse"),
        ("- a list\n", "must be a mapping"),
        ("events: []\n", "bracketed"),
        ("events: 3\n", "must be a list"),
    ],
)
def test_files_it_cannot_safely_edit_are_refused(text: str, message: str) -> None:
    with pytest.raises(ScaffoldError, match=message):
        add_event(text, today=TODAY)


def test_the_invoke_task_adds_an_event_that_then_builds_onto_the_timeline(tmp_path: Path) -> None:
    """`invoke new-event` followed by a build shows the event on the timeline."""
    from bs4 import BeautifulSoup

    from tests.conftest import build_in_process

    events = tmp_path / "events.yaml"
    shutil.copy(ROOT / "events.yaml", events)
    source = next(iter(yaml.safe_load(real_events())["sources"]))
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "new-event", "--file", str(events), "--title", "Scaffolded test event",
         "--date", "2024-05-01", "--kind", "statement", "--country", "KG", "--source", source,
         "--summary", "A test summary.", "--title-ru", "Проверочное событие", "--summary-ru", "Проверка."],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "kg-scaffolded-test-event" in result.stdout
    only_added(real_events(), events.read_text(encoding="utf-8"))

    site = build_in_process(tmp_path / "output", EXPLAINER_EVENTS=str(events))
    pages = [path for path in site.output.rglob("*.html") if "timeline" in path.relative_to(site.output).parts]
    assert pages, "the build wrote no timeline pages"
    soups = [BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib") for path in pages]
    assert any(soup.find(id="kg-scaffolded-test-event") for soup in soups)
    assert any("Scaffolded test event" in soup.get_text() for soup in soups)
