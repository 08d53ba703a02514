"""Gate: the Atom feeds are valid Atom, and data/events.json matches its published schema.

(The real events.yaml against schema/events.schema.json is checked in tests/test_schema.py,
and two builds being byte-identical in tests/test_site_build.py; they are not repeated here.)
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from jsonschema.validators import validator_for

from tests.conftest import BuiltSite
from tools.gates.atom import atom_problems, is_atom

pytestmark = pytest.mark.gate


def _feeds(root: Path) -> list[Path]:
    feeds = [file for file in sorted(root.rglob("*.xml")) if is_atom(file)]
    assert feeds, "no Atom feed was built"
    return feeds


def test_feeds_are_valid_atom_in_the_published_build(subpath_site: BuiltSite) -> None:
    problems = [f"{feed.relative_to(subpath_site.output)}: {problem}"
                for feed in _feeds(subpath_site.output) for problem in atom_problems(feed, absolute_ids=True)]
    assert not problems, "\n".join(problems[:40])


def test_feeds_parse_in_the_local_build(site: Path) -> None:
    # SITEURL is empty here, so ids cannot be absolute; everything else must hold.
    problems = [f"{feed.relative_to(site)}: {problem}"
                for feed in _feeds(site) for problem in atom_problems(feed, absolute_ids=False)]
    assert not problems, "\n".join(problems[:40])


def test_site_feed_has_every_event(site: Path) -> None:
    import feedparser

    events = {p.name for p in (site / "events").glob("*.html")}
    entries = feedparser.parse(str(site / "feeds" / "events.atom.xml")).entries
    linked = {entry.link.rsplit("/", 1)[-1] for entry in entries}
    assert linked <= events and linked, sorted(linked - events)


def test_events_json_matches_its_schema(site: Path) -> None:
    schema = json.loads((site / "data" / "events.schema.json").read_text("utf-8"))
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    data = json.loads((site / "data" / "events.json").read_text("utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator_class(schema).iter_errors(data)]
    assert not errors, "\n".join(errors[:40])
    pages = {p.stem for p in (site / "events").glob("*.html")}
    assert {event["id"] for event in data["events"]} == pages


def test_events_csv_has_one_row_per_event(site: Path) -> None:
    with (site / "data" / "events.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    data = json.loads((site / "data" / "events.json").read_text("utf-8"))
    assert [row["id"] for row in rows] == [event["id"] for event in data["events"]]


def test_the_atom_check_finds_problems(tmp_path: Path) -> None:
    """The gate can fail: a feed with a relative id, no author and a bad date is reported."""
    feed = tmp_path / "bad.atom.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>t</title><id>/feed</id><updated>2024-04-18</updated>"
        '<entry><title>e</title><id>https://example.org/e</id><updated>2024-04-18T00:00:00Z</updated>'
        '<link href="https://example.org/e"/></entry></feed>', "utf-8")
    problems = "\n".join(atom_problems(feed, absolute_ids=True))
    assert "is not an absolute IRI" in problems
    assert "is not an RFC 3339 date" in problems
    assert "the feed has no <author>" in problems
