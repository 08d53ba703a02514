"""The scale benchmark still runs end to end (at 50 events) and prints every row of its table.

Nothing here looks at a time: timings depend on the machine. The test only keeps the script
from rotting as the site changes.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks import scale

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
    assert report["ours_stats"]["pages"] > 50  # one page per event and more
    assert report["rebuild"]["changed"] >= 1
    # The preview's build server rebuilds after another edit, touching only what shows it.
    assert report["preview"]["run"]["returncode"] == 0
    assert report["preview"]["changed"] >= 1 and report["preview"]["rewritten_outside"] == 0
    assert report["preview"]["event_id"] != report["rebuild"]["event_id"]
    assert report["hugo_skipped"] and report["stock_skipped"]
