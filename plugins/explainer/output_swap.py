"""Atomic output: build into a staging folder, publish to OUTPUT_PATH only when the build succeeded.

Pelican writes wherever `Pelican.output_path` points. On `initialized` we wrap the
instance's `run` so that every run (also each run of `pelican --autoreload`) renders into a
fresh `.output-staging-XXXX` folder beside OUTPUT_PATH, on the same file system. After a run
that raised nothing, `publish` syncs staging into OUTPUT_PATH: unchanged files are left alone
(compared byte for byte, so their mtime and inode stay), new and changed files are moved in
with os.replace (atomic per file), files that the build did not produce are removed. A run
that raises leaves OUTPUT_PATH as it was and deletes its staging folder.

Writers that go through `write_if_changed` (our generator does) compare each file with the
published one first and do not stage it at all when it is identical: a rebuild after a small
edit then stages, moves and deletes only a handful of files, which matters because creating
and removing thousands of folders is slow on some file systems. A first build, when OUTPUT_PATH
does not exist yet, is published by renaming the staging folder itself.

Publishing happens after `run` returns rather than in a `finalized` receiver so that every
other plugin's `finalized` receiver has finished writing into staging first.
"""
from __future__ import annotations

import filecmp
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Iterable

logger = logging.getLogger(__name__)

STAGING_PREFIX = ".output-staging-"


@dataclass
class _Build:
    output_path: Path
    kept: set[str] = field(default_factory=set)
    """Paths (relative, POSIX) whose published file already has the right bytes."""
    after: list[Callable[[], None]] = field(default_factory=list)
    """Run once the build is published (e.g. saving caches that describe the published files)."""


_builds: dict[Path, _Build] = {}
"""Builds in progress, by staging folder."""


def published_path(staging: Path) -> Path | None:
    """The OUTPUT_PATH a staging folder will be published to; None outside an atomic build."""
    build = _builds.get(Path(staging))
    return build.output_path if build is not None else None


def mark_kept(staging: Path, relatives: Iterable[str]) -> None:
    """Record files left unstaged because the published copy is right (so publish keeps them)."""
    build = _builds.get(Path(staging))
    if build is not None:
        build.kept.update(relatives)


def after_publish(staging: Path, callback: Callable[[], None]) -> None:
    """Run `callback` after this build has been published, and never if it fails."""
    build = _builds.get(Path(staging))
    if build is not None:
        build.after.append(callback)


def write_if_changed(staging: Path, relative: str, data: bytes) -> bool:
    """Stage `data` at `relative` unless the published file already holds exactly these bytes.

    Returns True when the file was staged. Outside an atomic build (no staging registered
    for this folder) it simply writes.
    """
    build = _builds.get(Path(staging))
    if build is not None:
        published = build.output_path / relative
        try:
            if published.stat().st_size == len(data) and published.read_bytes() == data:
                build.kept.add(relative)
                return False
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass
    target = Path(staging) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def remove_stale_staging(output_path: Path) -> None:
    """Delete staging folders left by a build that was killed before it could clean up."""
    parent = output_path.parent
    if not parent.is_dir():
        return
    for stale in parent.glob(f"{STAGING_PREFIX}*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def new_staging(output_path: Path) -> Path:
    output_path.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_path.parent))


def _same_file(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and filecmp.cmp(a, b, shallow=False)


def _relative(folder: str, root: Path) -> str:
    """`folder` (from os.walk under `root`) relative to it, POSIX style; "" for root itself."""
    rel = os.path.relpath(folder, root)
    return "" if rel == "." else rel.replace(os.sep, "/")


def publish(
    staging: Path, output_path: Path, keep: frozenset[str] = frozenset(), kept: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """Make OUTPUT_PATH equal to staging plus the `kept` files; return (files written, removed).

    `keep` names top-level entries of OUTPUT_PATH to leave alone (Pelican's OUTPUT_RETENTION,
    e.g. a .git folder in a gh-pages checkout); `kept` lists files a writer left unstaged
    because the published copy was already right.
    """
    if not kept and not output_path.exists() and not output_path.is_symlink():
        # First build: one rename publishes everything. mkdtemp made staging private (0700).
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        os.rename(staging, output_path)
        return sum(len(files) for _, _, files in os.walk(output_path)), 0
    output_path.mkdir(parents=True, exist_ok=True)
    written = removed = 0
    # Relative POSIX paths as plain strings ("" is the root): a rebuild checks every published
    # file against this set, and hashing Path objects cost more than the rest of publishing.
    produced: set[str] = {""}
    for relative in kept:
        produced.add(relative)
        while "/" in relative:
            relative = relative.rsplit("/", 1)[0]
            produced.add(relative)
    for folder, dirs, files in os.walk(staging):
        dirs.sort()
        rel_folder = _relative(folder, staging)
        target_folder = output_path / rel_folder
        if target_folder.exists() and not target_folder.is_dir():
            target_folder.unlink()
        target_folder.mkdir(parents=True, exist_ok=True)
        produced.add(rel_folder)
        for name in sorted(files):
            rel = f"{rel_folder}/{name}" if rel_folder else name
            produced.add(rel)
            source, target = staging / rel, output_path / rel
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.is_file() and _same_file(source, target):
                continue
            # Same file system as OUTPUT_PATH, so this rename is atomic: a reader of the
            # old site sees either the old or the new file, never half of one.
            os.replace(source, target)
            written += 1
    # Remove what this build did not produce, deepest first so folders empty out.
    for folder, dirs, files in os.walk(output_path, topdown=False):
        rel_folder = _relative(folder, output_path)
        if rel_folder and rel_folder.split("/", 1)[0] in keep:
            continue
        for name in files:
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if rel not in produced and not (not rel_folder and name in keep):
                (output_path / rel).unlink()
                removed += 1
        for name in dirs:
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if rel not in produced and not (not rel_folder and name in keep):
                path = output_path / rel
                if path.is_symlink():
                    path.unlink()
                else:
                    shutil.rmtree(path)
    return written, removed


def install(pelican: Any) -> None:
    """`initialized` receiver: make this Pelican instance build atomically."""
    output_path = Path(pelican.output_path).resolve()
    keep = frozenset(pelican.settings.get("OUTPUT_RETENTION") or ())
    original_run: Callable[[], None] = pelican.run

    @wraps(original_run)
    def run_atomically() -> None:
        remove_stale_staging(output_path)
        staging = new_staging(output_path)
        build = _builds[staging] = _Build(output_path)
        pelican.output_path = str(staging)
        try:
            original_run()
            written, removed = publish(staging, output_path, keep, frozenset(build.kept))
            logger.info("Published to %s: %d files written, %d removed", output_path, written, removed)
            for callback in build.after:
                try:
                    callback()
                except OSError as error:
                    # The site is published; a cache that cannot be saved only costs speed.
                    logger.warning("After publishing %s: %s", output_path, error)
        finally:
            del _builds[staging]
            pelican.output_path = str(output_path)
            shutil.rmtree(staging, ignore_errors=True)

    pelican.run = run_atomically
