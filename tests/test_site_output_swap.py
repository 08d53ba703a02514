"""publish(): OUTPUT_PATH ends up equal to staging plus kept files, whatever was there before."""
from __future__ import annotations

from pathlib import Path

from explainer.output_swap import TREE, Published, flat_name, publish, relative_of
from explainer.reader import split_metadata


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def contents(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()}


def test_publish_replaces_files_and_folders_of_the_other_kind(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, {"a/index.html": "old a", "b": "a file that becomes a folder", "c/d/e.html": "stale",
                   ".git/HEAD": "retained", "same.txt": "same"})
    write(staging, {"a": "a folder that becomes a file", "b/index.html": "new b", "new.html": "new"})
    written, removed = publish(staging, output, keep=frozenset({".git"}), kept=frozenset({"same.txt"}))
    assert contents(output) == {"a": "a folder that becomes a file", "b/index.html": "new b", "new.html": "new",
                                ".git/HEAD": "retained", "same.txt": "same"}
    assert not (output / "c").exists()
    assert written == 3 and removed >= 1


def test_first_publish_renames_staging(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(staging, {"index.html": "home", "x/index.html": "x"})
    publish(staging, output)
    assert contents(output) == {"index.html": "home", "x/index.html": "x"} and not staging.exists()


def test_metadata_header_is_split_from_the_body() -> None:
    assert split_metadata("Title: About\nSlug: about\n\n# Body\n\ntext\n") == (
        {"title": "About", "slug": "about"}, "# Body\n\ntext\n")
    assert split_metadata("Two words: are prose, not a key\nmore\n") == ({}, "Two words: are prose, not a key\nmore\n")
    assert split_metadata("# Heading first\n") == ({}, "# Heading first\n")


def test_publish_with_the_previous_list_removes_only_listed_stale_files(tmp_path: Path) -> None:
    """With what the last publish left, OUTPUT_PATH is not walked: stale files (listed, not
    produced now) go with their emptied folders; unchanged files keep their inode; a file
    added by hand is found by its folder's mtime."""
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, {"events/gone/index.html": "stale", "events/kept/index.html": "kept", "same.txt": "same",
                   "changed.txt": "old", "hand-made.txt": "not ours", ".git/HEAD": "retained"})
    write(staging, {"changed.txt": "new", "same.txt": "same", "events/new/index.html": "new"})
    same_inode = (output / "same.txt").stat().st_ino
    files = frozenset({"events/gone/index.html", "events/kept/index.html", "same.txt", "changed.txt"})
    folders = {folder: (output / folder).stat().st_mtime_ns for folder in ("", "events", "events/gone", "events/kept")}
    (output / "events" / "kept" / "added-by-hand.html").write_text("stale", encoding="utf-8")
    folders["events/kept"] -= 1  # as if the file came after the last publish, whatever the clock's resolution
    written, removed = publish(staging, output, keep=frozenset({".git"}),
                               kept=frozenset({"events/kept/index.html"}), previous=Published(files, folders))
    assert contents(output) == {"events/kept/index.html": "kept", "same.txt": "same", "changed.txt": "new",
                                "events/new/index.html": "new", "hand-made.txt": "not ours", ".git/HEAD": "retained"}
    assert not (output / "events" / "gone").exists()
    assert (output / "same.txt").stat().st_ino == same_inode
    assert (written, removed) == (2, 2)


def test_publish_moves_flat_staged_files_to_their_paths(tmp_path: Path) -> None:
    """Files staged flat (named by flat_name, escaped "%" and "/") land at their paths, beside
    the tree Pelican's writers staged; a published file they replace is replaced, not merged."""
    output, flat = tmp_path / "output", tmp_path / "flat"
    staging = flat / TREE
    write(output, {"events/a/index.html": "old a", "events/b/index.html": "b", "stale.html": "stale"})
    write(staging, {"theme/site.css": "css"})
    for relative, text in {"events/a/index.html": "new a", "odd%2F/100%.html": "odd", "top.html": "top"}.items():
        assert relative_of(flat_name(relative)) == relative and "/" not in flat_name(relative)
        (flat / flat_name(relative)).write_text(text, encoding="utf-8")
    written, removed = publish(staging, output, kept=frozenset({"events/b/index.html"}), flat=flat)
    assert contents(output) == {"events/a/index.html": "new a", "events/b/index.html": "b", "odd%2F/100%.html": "odd",
                                "top.html": "top", "theme/site.css": "css"}
    assert (written, removed) == (4, 1)
