"""Publishing: OUTPUT_PATH is always one whole build, the last one that succeeded.

OUTPUT_PATH is a symbolic link to one of two folders beside it, `.<name>-builds/a` and `b`.
The folder it points to is *live*; the other is the *spare*. On `initialized` we wrap the
Pelican instance's `run` (also each run of `pelican --autoreload`) so that a build:

1. brings the spare up to date with live (`build_folders.catch_up`). The spare is live as it was one
   publish ago, so the last publish's changes are applied to it: hard links to the files it
   wrote, removal of the files it removed. When the spare's record is missing or from another
   generation, it is emptied and every file of live is linked into it instead;
2. deletes the spare's record and writes into the spare: this plugin's writers directly
   (`write`), Pelican's own writers into a small staging folder, since they write files in
   place and would write through the hard links into live;
3. after a run that raised nothing, moves the staged files into the spare, removes the files
   this build did not produce, writes the spare's record (what it holds, and what changed),
4. and swaps: a new symbolic link is renamed over OUTPUT_PATH, one atomic rename.

So whatever stops a build (kill -9 at any instant, a full disk, an error), OUTPUT_PATH is the
old site or the new one, never a mixture; the spare it may leave half-written has no record and
is rebuilt by the next build. The rule that makes hard links safe: no file of the spare is ever
written in place, it is unlinked first (`write`, `_move_in`). The folders, their records and
the swap are in `build_folders`.

One build at a time per OUTPUT_PATH (a lock file beside it): a second build waits for the
first, saying so.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

from ..data.problems import SiteError
from . import build_folders
from .build_folders import Record

logger = logging.getLogger(__name__)

STAGING_PREFIX = ".output-staging-"


@dataclass
class _Build:
    output_path: Path
    spare: Path
    files: set[str]
    """The spare's files once caught up (live's files)."""
    produced: set[str] = field(default_factory=set)
    kept: set[str] = field(default_factory=set)
    """Produced files whose bytes were already in the spare."""
    folders: set[str] = field(default_factory=set)
    before: list[Callable[[], None]] = field(default_factory=list)
    after: list[Callable[[], None]] = field(default_factory=list)


_builds: dict[Path, _Build] = {}
"""Builds in progress, by staging folder (what Pelican and the generator know as the output path)."""


# --- what the writers call, with the staging folder they were given -------------------------

def target(staging: Path) -> Path | None:
    """The folder this build's own files go into (the spare); None outside an atomic build."""
    build = _builds.get(Path(staging))
    return build.spare if build is not None else None


def published_path(staging: Path) -> Path | None:
    """The OUTPUT_PATH this build publishes to; None outside an atomic build."""
    build = _builds.get(Path(staging))
    return build.output_path if build is not None else None


def still_there(staging: Path) -> Callable[[str], bool] | None:
    """Whether a file of the published site is in the spare too (and can be kept)."""
    build = _builds.get(Path(staging))
    return build.files.__contains__ if build is not None else None


def produced(staging: Path, relatives: Iterable[str], kept: bool = False) -> None:
    """Record files this build produces (`kept`: whose bytes the spare already holds); every
    other file of the spare is removed when the build is published."""
    build = _builds.get(Path(staging))
    if build is not None:
        build.produced.update(relatives)
        if kept:
            build.kept.update(relatives)


def before_publish(staging: Path, callback: Callable[[], None]) -> None:
    """Run `callback` just before the swap: what it forgets stays forgotten if the swap never comes."""
    build = _builds.get(Path(staging))
    if build is not None:
        build.before.append(callback)


def after_publish(staging: Path, callback: Callable[[], None]) -> None:
    """Run `callback` after the swap, and never if the build fails."""
    build = _builds.get(Path(staging))
    if build is not None:
        build.after.append(callback)


def prepare_folders(staging: Path, relatives: Iterable[str]) -> None:
    """Make the folders `relatives` need, in this process and sorted: forked writers then only
    write files, instead of contending for the same parent folders' locks (several times slower)."""
    build = _builds.get(Path(staging))
    if build is None:
        return
    for folder in sorted({rel.rsplit("/", 1)[0] for rel in relatives if "/" in rel} - build.folders):
        build_folders.make_folder(build.spare, folder)
        build.folders.add(folder)


def write(staging: Path, relative: str, data: bytes) -> bool:
    """Put `data` at `relative`; False when the spare already held exactly these bytes. Outside
    an atomic build it simply writes into `staging`."""
    build = _builds.get(Path(staging))
    root = build.spare if build is not None else Path(staging)
    path = f"{root}/{relative}"
    if build is not None and relative in build.files:
        try:
            if os.stat(path).st_size == len(data):
                with open(path, "rb") as published:
                    if published.read() == data:
                        return False
        except OSError:
            pass
    if build is None or relative in build.files:
        build_folders.unlink(path)  # never written in place: it may be a hard link to live's file
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        descriptor = os.open(path, flags, 0o666)
    except FileExistsError:  # not among the spare's files, yet there: replaced all the same
        build_folders.unlink(path)
        descriptor = os.open(path, flags, 0o666)
    except (FileNotFoundError, NotADirectoryError):
        build_folders.make_folder(root, relative.rsplit("/", 1)[0] if "/" in relative else "")
        descriptor = os.open(path, flags, 0o666)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return True


def prepare_spare(output_path: Path) -> None:
    """Between the preview's builds: catch the spare up now, so that the next build need not."""
    output_path = Path(os.path.abspath(output_path))
    with build_folders.one_build_at_a_time(output_path):
        _remove_leftovers(output_path)
        folders = build_folders.find_folders(output_path)
        if folders.live is not None and folders.live != output_path:
            live = build_folders.catch_up(folders)
            build_folders.write_record(folders.spare, live)


def _remove_leftovers(output_path: Path) -> None:
    """Delete staging folders and old sites left by a build that was killed before cleaning up."""
    for stale in output_path.parent.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    for old in build_folders.builds_folder(output_path).glob("old-*"):
        shutil.rmtree(old, ignore_errors=True)


def _move_in(staging: Path, build: _Build) -> None:
    """Move what Pelican's writers staged into the spare (unless the spare has the same bytes)."""
    if not staging.is_dir():
        return
    for rel in build_folders.files_under(staging):
        source, path = f"{staging}/{rel}", f"{build.spare}/{rel}"
        build.produced.add(rel)
        try:
            if rel in build.files and os.path.getsize(path) == os.path.getsize(source):
                with open(source, "rb") as a, open(path, "rb") as b:
                    if a.read() == b.read():
                        build.kept.add(rel)
                        continue
        except OSError:
            pass
        build_folders.unlink(path)
        try:
            os.rename(source, path)
        except (FileNotFoundError, NotADirectoryError):
            build_folders.make_folder(build.spare, rel.rsplit("/", 1)[0])
            os.rename(source, path)


def install(pelican: Any) -> None:
    """`initialized` receiver: make this Pelican instance build into the spare and swap."""
    output_path = Path(os.path.abspath(pelican.output_path))
    if pelican.settings.get("OUTPUT_RETENTION"):
        raise SiteError("OUTPUT_RETENTION is set, but each build replaces the output folder as a whole, so nothing "
                        "in it can be retained: remove the setting and keep those files elsewhere")
    original_run: Callable[[], None] = pelican.run

    @wraps(original_run)
    def run_atomically() -> None:
        try:
            with build_folders.one_build_at_a_time(output_path):
                _run(pelican, output_path, original_run)
        except OSError as error:
            where = error.filename or output_path
            raise SiteError(f"{where}: {error.strerror or error}; check that the folder exists, is writable and "
                            "that its disk has room, then build again") from error

    pelican.run = run_atomically


def _run(pelican: Any, output_path: Path, original_run: Callable[[], None]) -> None:
    _remove_leftovers(output_path)
    folders = build_folders.find_folders(output_path)
    live = build_folders.catch_up(folders)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_path.parent))
    build = _builds[staging] = _Build(output_path, folders.spare, set(live.files))
    pelican.output_path = str(staging)
    try:
        original_run()
        started = time.perf_counter()
        _move_in(staging, build)
        stale = build.files - build.produced
        in_use = {rel.rsplit("/", 1)[0] for rel in build.produced if "/" in rel}
        build_folders.remove_files(folders.spare, stale, in_use)
        build_folders.write_record(folders.spare, Record(live.generation + 1, frozenset(build.produced),
                                                         frozenset(build.produced - build.kept), frozenset(stale)))
        for callback in build.before:
            callback()
        build_folders.swap(folders)
        logger.info("Published to %s: %d files written, %d removed in %.2f s", output_path,
                    len(build.produced - build.kept), len(stale), time.perf_counter() - started)
        for callback in build.after:
            try:
                callback()
            except OSError as error:  # the site is published; a cache that cannot be saved costs only time
                logger.warning("After publishing %s: %s", output_path, error)
    finally:
        del _builds[staging]
        pelican.output_path = str(output_path)
        shutil.rmtree(staging, ignore_errors=True)
