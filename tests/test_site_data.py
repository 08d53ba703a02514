"""The data files and feeds: events.json matches its published JSON Schema, the CSV has one
row per event, the Atom feeds parse and list events newest first."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import feedparser
import jsonschema

from explainer.data.text import Text
from tests.conftest import BuiltSite, build_in_process
from tests.site_sample import sample_dataset


def check_data_files(site: BuiltSite, event_ids: list[str]) -> None:
    data = json.loads((site.output / "data" / "events.json").read_text(encoding="utf-8"))
    schema = json.loads((site.output / "data" / "events.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert [event["id"] for event in data["events"]] == event_ids
    assert all(source["url"].startswith("http") for event in data["events"] for source in event["sources"])
    rows = list(csv.DictReader(io.StringIO((site.output / "data" / "events.csv").read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows] == event_ids


def test_sample_data_files(sample_site: BuiltSite) -> None:
    check_data_files(sample_site, [event.id for event in sample_dataset().events])


def test_schema_rejects_a_wrong_record(sample_site: BuiltSite) -> None:
    schema = json.loads((sample_site.output / "data" / "events.schema.json").read_text(encoding="utf-8"))
    data = json.loads((sample_site.output / "data" / "events.json").read_text(encoding="utf-8"))
    data["events"][0]["date"] = "18 April 2024"
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid(data)


def test_dates_are_kept_as_written(sample_site: BuiltSite) -> None:
    data = json.loads((sample_site.output / "data" / "events.json").read_text(encoding="utf-8"))
    assert {event["id"]: event["date"] for event in data["events"]}["kg-false-info-law"] == "2021"


def test_feeds_parse_and_run_newest_first(sample_site: BuiltSite) -> None:
    feed = feedparser.parse((sample_site.output / "feeds" / "events.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    links = [entry.link for entry in feed.entries]
    assert links[0].endswith("/events/us-divest-law.html") and links[-1].endswith("/events/kg-false-info-law.html")
    # Without SOURCE_DATE_EPOCH, <updated> is the newest event's date, never the clock.
    assert feed.feed.updated.startswith("2024-04-24")
    kyrgyz = feedparser.parse((sample_site.output / "feeds" / "kg.atom.xml").read_bytes())
    assert {entry.link.rpartition("/events/")[2] for entry in kyrgyz.entries} == {
        "kg-false-info-law.html", "kg-child-law-signed.html", "kg-gknb-order.html", "kg-block.html"}


def test_real_data_files(built_site: BuiltSite) -> None:
    from tests.test_site_pages import real_dataset

    check_data_files(built_site, [event.id for event in real_dataset().events])
    assert (built_site.output / "data" / "events.yaml").is_file()


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+1+1", "-2+3", "\tleading tab",
            "title with\ra carriage return", "\r=1+1", "＝1+1", 'a "quoted", title']


def test_the_data_files_keep_every_language(built_site: BuiltSite) -> None:
    """events.json gives each event's translations beside the English; events.csv a column per
    language and text. The real data has Russian for every text."""
    import csv
    import json

    from tests.test_site_pages import real_dataset

    events = json.loads((built_site.output / "data" / "events.json").read_text(encoding="utf-8"))["events"]
    by_id = {event.id: event for event in real_dataset().events}
    for record in events:
        event = by_id[record["id"]]
        assert record["title"] == event.title.en
        assert record["translations"]["ru"]["title"] == event.title.get("ru") != event.title.en
        assert record["translations"]["ru"]["summary"] == event.summary.get("ru")
    with open(built_site.output / "data" / "events.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {"title_ru", "summary_ru", "date_dispute_ru", "title_kk", "title_ky"} <= set(rows[0])
    assert all(row["title_ru"] and not row["title_kk"] for row in rows)


def test_csv_cells_cannot_run_as_formulas_and_rows_stay_whole(tmp_path: Path) -> None:
    """OWASP's CSV injection advice: no cell starts with = + - @ tab or CR (an apostrophe goes
    first), every cell is quoted, and a line break inside a cell does not start a new row."""
    data = sample_dataset()
    hostile = tuple(replace(event, title=Text.english(FORMULAS[index % len(FORMULAS)]),
                            summary=Text.english(f"- a list item {index}"))
                    for index, event in enumerate(data.events))
    site = build_in_process(tmp_path / "output", EXPLAINER_DATASET=replace(data, events=hostile))
    raw = (site.output / "data" / "events.csv").read_bytes().decode("utf-8")  # line ends as written
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(hostile) and all(len(row) == len(header) for row in body)
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝")), cell
    titles = [row[header.index("title")] for row in body]
    assert titles == [
        "'" + event.title.en if event.title.en[0] in "=+-@\t\r＝" else event.title.en for event in hostile
    ]
    json_titles = [event["title"] for event in json.loads((site.output / "data" / "events.json").read_text())["events"]]
    assert json_titles == [event.title.en for event in hostile]  # the JSON keeps the texts as written
