"""An incremental rebuild writes exactly what a clean build of the same input writes.

Builds run as editors run them: `pelican` in a child process, into an output folder that
already holds the previous site (and with whatever caches the previous build left). The
result is compared, file by file and byte by byte, with a clean build of the edited input
in a fresh copy of the project (no output, no caches).
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from benchmarks import corpus as corpus_mod
from benchmarks import scale

N_EVENTS = 60


def _build(project: Path, output: Path) -> None:
    result = subprocess.run(
        scale.our_build_command(project, output), cwd=project, env=scale.build_env(),
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _tree(output: Path) -> dict[str, bytes]:
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def corpus() -> corpus_mod.Corpus:
    return corpus_mod.generate(N_EVENTS)


def _edits(corpus: corpus_mod.Corpus) -> list[tuple[str, str]]:
    """(description, edited events.yaml) pairs: a summary edit, a title edit, a removal."""
    middle = corpus.event_ids[N_EVENTS // 2]
    last = corpus.event_ids[-1]
    retitled = corpus.events_yaml.replace(
        f"  - id: {last}\n", f"  - id: {last}\n", 1
    )
    lines = retitled.split("\n")
    start = lines.index(f"  - id: {last}")
    for index in range(start, len(lines)):
        if lines[index].startswith("    title: "):
            lines[index] = '    title: "A new title for the last event"'
            break
    removed = corpus.events_yaml.split("\n")
    first = removed.index(f"  - id: {corpus.event_ids[1]}")
    end = removed.index(f"  - id: {corpus.event_ids[2]}")
    del removed[first:end]
    return [
        ("summary of one event", corpus_mod.edit_summary(corpus.events_yaml, middle)),
        ("title of the last event", "\n".join(lines)),
        ("one event removed", "\n".join(removed)),
    ]


@pytest.mark.parametrize("edit_index", [0, 1, 2], ids=["summary", "title", "removal"])
def test_incremental_rebuild_equals_clean_build(tmp_path: Path, corpus: corpus_mod.Corpus, edit_index: int) -> None:
    description, edited = _edits(corpus)[edit_index]
    assert edited != corpus.events_yaml, description

    incremental = scale.make_project(corpus, tmp_path / "incremental")
    out = tmp_path / "incremental-output"
    _build(incremental, out)
    before = _tree(out)
    (incremental / "events.yaml").write_text(edited, encoding="utf-8")
    _build(incremental, out)
    after = _tree(out)

    clean = scale.make_project(corpus, tmp_path / "clean")
    (clean / "events.yaml").write_text(edited, encoding="utf-8")
    clean_out = tmp_path / "clean-output"
    _build(clean, clean_out)
    expected = _tree(clean_out)

    assert sorted(after) == sorted(expected), description
    different = [rel for rel in expected if after[rel] != expected[rel]]
    assert different == [], f"{description}: rebuilt files differ from a clean build: {different[:10]}"
    # The edit is visible: the rebuild did not simply keep the old site.
    assert after != before


def test_rebuild_without_changes_rewrites_nothing(tmp_path: Path, corpus: corpus_mod.Corpus) -> None:
    project = scale.make_project(corpus, tmp_path / "project")
    out = tmp_path / "output"
    _build(project, out)
    stamps = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in out.rglob("*") if path.is_file()}
    _build(project, out)
    restamped = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in out.rglob("*") if path.is_file()}
    assert restamped == stamps
