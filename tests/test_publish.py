"""Publishing swaps whole build folders: output/ is a link to the live one, the spare holds the
site one publish ago and is brought up to date, by hard links, before the next build writes
into it. These tests look at the folders and records of real builds."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from explainer.data.problems import SiteError
from explainer.output import build_folders
from tests.conftest import build_in_process
from tests.site_sample import sample_dataset
from tests.test_site_build import tree


def folders(output: Path) -> tuple[Path, Path]:
    """(live, spare) of `output`."""
    live = output.parent / os.readlink(output)
    spare = live.parent / ("b" if live.name == "a" else "a")
    return live, spare


def test_output_is_a_link_to_the_live_folder_and_its_record_lists_its_files(tmp_path: Path) -> None:
    output = tmp_path / "output"
    build_in_process(output, EXPLAINER_DATASET=sample_dataset())
    live, spare = folders(output)
    assert output.is_symlink() and live.parent == tmp_path / ".output-builds" and not spare.exists()
    record = build_folders.read_record(live)
    assert record is not None and record.generation == 1
    assert record.files == frozenset(tree(output)) == record.written
    build_in_process(output, EXPLAINER_DATASET=sample_dataset())
    assert folders(output) == (spare, live)  # swapped
    record = build_folders.read_record(spare)
    assert record is not None and record.generation == 2
    assert record.files == frozenset(tree(output)) and record.written == record.removed == frozenset()


def test_the_old_site_is_never_written_through_a_shared_file(tmp_path: Path) -> None:
    """Unchanged files are hard links shared by both folders; a changed page is a new file in
    the new site, and the old site (now the spare) still holds the old page, byte for byte."""
    output = tmp_path / "output"
    build_in_process(output, EXPLAINER_DATASET=sample_dataset())
    old = tree(output)
    build_in_process(output, EXPLAINER_DATASET=sample_dataset(hostile_title="A changed title"))
    live, spare = folders(output)
    assert tree(spare) == old != tree(live)
    page = "events/kg-gknb-order.html"
    assert (live / page).stat().st_ino != (spare / page).stat().st_ino
    css = "theme/css/site.css"
    assert (live / css).stat().st_ino == (spare / css).stat().st_ino
    record = build_folders.read_record(live)
    assert record is not None and page in record.written and css not in record.written
    # The next build catches the spare up with that one change, and publishes the same site.
    build_in_process(output, EXPLAINER_DATASET=sample_dataset(hostile_title="A changed title"))
    assert tree(folders(output)[0]) == tree(folders(output)[1])


def test_a_spare_without_a_trusted_record_is_rebuilt(tmp_path: Path) -> None:
    """A spare whose record is gone (a build was killed while writing into it) is emptied and
    linked anew: a file left in it by that build never reaches the site."""
    output = tmp_path / "output"
    build_in_process(output, EXPLAINER_DATASET=sample_dataset())
    build_in_process(output, EXPLAINER_DATASET=sample_dataset())
    expected = tree(output)
    _live, spare = folders(output)
    (spare / "half-written.html").write_text("from a killed build", encoding="utf-8")
    (spare / "index.html").write_text("a half-written page", encoding="utf-8")
    (spare.parent / f"{spare.name}.record").unlink()
    build_in_process(output, EXPLAINER_DATASET=sample_dataset())
    assert tree(output) == expected


def test_a_real_output_folder_becomes_a_link(tmp_path: Path) -> None:
    """output/ as an older build (or a person) left it, a real folder: it is replaced by the
    link to a build folder, and what it held that the build does not make is gone."""
    output = tmp_path / "output"
    (output / "old").mkdir(parents=True)
    (output / "old" / "index.html").write_text("old", encoding="utf-8")
    (output / "index.html").write_text("old home", encoding="utf-8")
    build_in_process(output, EXPLAINER_DATASET=sample_dataset())
    assert output.is_symlink() and not (output / "old").exists()
    assert b"old home" not in (output / "index.html").read_bytes()
    assert sorted(path.name for path in (tmp_path / ".output-builds").iterdir()) == ["a", "a.record"]


def test_a_link_that_no_build_made_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "www"
    elsewhere.mkdir()
    (tmp_path / "output").symlink_to(elsewhere)
    with pytest.raises(SiteError, match=r"output is a symbolic link to .*www, which no build made: remove the link"):
        build_in_process(tmp_path / "output", EXPLAINER_DATASET=sample_dataset())
    assert list(elsewhere.iterdir()) == []


def test_output_retention_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="OUTPUT_RETENTION is set"):
        build_in_process(tmp_path / "output", OUTPUT_RETENTION=[".git"], EXPLAINER_DATASET=sample_dataset())
