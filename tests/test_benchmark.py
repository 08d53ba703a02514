"""The scale benchmark still runs end to end (at 50 events, two languages) and prints every row
of its table; its corpus gives every text of events.yaml a Russian version.

Nothing here looks at a time: timings depend on the machine. The test only keeps the script
from rotting as the site changes.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from benchmarks import corpus as corpus_mod
from benchmarks import scale
from explainer.data.fields import COLLECTIONS, RECORDS, Kind

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "scale.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--events", "50", "--large", "200", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )


def test_benchmark_prints_every_row() -> None:
    result = _run()
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    labels = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    assert labels[0] == "figure"
    assert labels[1:] == list(scale.ROW_LABELS)
    assert "50 events" in table
    assert "en and ru" in table
    # Every row has a measured value; the comparison sites are built or say why not.
    for row in rows[1:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] and cells[1] != "-", row
    hugo_row = next(row for row in rows if row.startswith("| Hugo cold build"))
    if shutil.which("hugo"):
        assert "s wall" in hugo_row
    else:
        assert "skipped" in hugo_row
    stock_row = next(row for row in rows if row.startswith("| stock Pelican cold build"))
    assert "s wall" in stock_row


def test_benchmark_json_has_the_figures() -> None:
    result = _run("--json", "--skip-hugo", "--skip-stock")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["events"] == 50
    assert report["small_events"] == 5
    assert report["ours"]["returncode"] == 0
    assert report["ours_stats"]["pages"] > 2 * 50  # one page per event and edition, and more
    assert report["rebuild"]["changed"] >= 1
    # The preview's build server rebuilds after another edit, touching only what shows it, and
    # the event's page of both editions shows the edit.
    assert report["preview"]["run"]["returncode"] == 0
    assert report["preview"]["changed"] >= 1 and report["preview"]["rewritten_outside"] == 0
    assert report["preview"]["event_id"] != report["rebuild"]["event_id"]
    for kind in ("rebuild", "preview"):
        assert report[kind]["editions_missed"] == [], kind
        assert report[kind]["rewritten_by_edition"]["en"] >= 1 and report[kind]["rewritten_by_edition"]["ru"] >= 1
    assert report["hugo_skipped"] and report["stock_skipped"]


def _texts(record: str, entry: dict[str, Any]) -> list[tuple[str, Any]]:
    """(field name, value) of every translatable text of one entry and its sub-records."""
    found: list[tuple[str, Any]] = []
    for spec in RECORDS[record].fields:
        value = entry.get(spec.name)
        if value is None:
            continue
        if spec.kind in (Kind.TEXT, Kind.MARKDOWN):
            found.append((f"{record}.{spec.name}", value))
        elif spec.kind is Kind.RECORDS and spec.record is not None:
            for item in value:
                found += _texts(spec.record, item)
    return found


def test_corpus_translates_every_text() -> None:
    corpus = corpus_mod.generate(200, languages=("en", "ru"))
    data = yaml.safe_load(corpus.events_yaml)
    texts: list[tuple[str, Any]] = []
    for collection in COLLECTIONS:
        entries = data[collection.name]
        for entry in entries.values() if isinstance(entries, dict) else entries:
            texts += _texts(collection.record, entry)
    assert {name for name, _ in texts} >= {"event.title", "event.summary", "law.summary", "actor.role",
                                           "country.name", "figure.label", "quote.text", "source.title"}
    for name, value in texts:
        assert isinstance(value, dict) and set(value) == {"en", "ru"}, (name, value)
        assert any("\u0400" <= char <= "\u04ff" for char in value["ru"]), (name, value)
        assert 0.5 < len(value["ru"]) / len(value["en"]) < 2.5, (name, value)
    # The English texts are those of the English-only corpus; the edit reaches both languages.
    assert corpus_mod.generate(200).country_pages == corpus.country_pages
    assert set(corpus.translated_pages["ru"]) == set(corpus.country_pages)
    edited = yaml.safe_load(corpus_mod.edit_summary(corpus.events_yaml, corpus.event_ids[7]))["events"][7]["summary"]
    assert edited["en"].startswith(corpus_mod.EDIT_MARKERS["en"])
    assert edited["ru"].startswith(corpus_mod.EDIT_MARKERS["ru"])
