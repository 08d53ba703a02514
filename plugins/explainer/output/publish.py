"""Publishing: OUTPUT_PATH is always one whole build, the last one that succeeded.

OUTPUT_PATH is a symbolic link to one of two folders beside it, `.<name>-builds/a` and `b`.
The folder it points to is *live*; the other is the *spare*. On `initialized` we wrap the
Pelican instance's `run` (also each run of `pelican --autoreload`) so that a build:

1. brings the spare up to date with live (`_catch_up`). The spare is live as it was one
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
written in place, it is unlinked first (`write`, `_move_in`).

A record (`.<name>-builds/a.record`) lives beside the folder it describes and is sealed by
`cachefile`: a damaged one is a missing one. One build at a time per OUTPUT_PATH (a lock
file beside it): a second build waits for the first.
"""
from __future__ import annotations

import logging
import marshal
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

from ..data.problems import SiteError
from ..support import cachefile

logger = logging.getLogger(__name__)

STAGING_PREFIX = ".output-staging-"
FOLDERS = ("a", "b")
RECORD_FORMAT = 1


@dataclass(frozen=True)
class Record:
    """What one build folder holds: its files, its generation (one more at every publish), and
    the files the publish that made it wrote and removed (how the other folder catches up)."""

    generation: int
    files: frozenset[str]
    written: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()


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


def builds_folder(output_path: Path) -> Path:
    return output_path.parent / f".{output_path.name}-builds"


def _record_path(folder: Path) -> Path:
    return folder.parent / f"{folder.name}.record"


def read_record(folder: Path) -> Record | None:
    try:
        header, generation, files, written, removed = cachefile.load(_record_path(folder), marshal.loads)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if header != RECORD_FORMAT:
        return None
    return Record(generation, frozenset(files), frozenset(written), frozenset(removed))


def _write_record(folder: Path, record: Record) -> None:
    cachefile.replace(_record_path(folder), marshal.dumps(
        (RECORD_FORMAT, record.generation, sorted(record.files), sorted(record.written), sorted(record.removed))))


def _forget_record(folder: Path) -> None:
    _record_path(folder).unlink(missing_ok=True)


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
        _make_folder(build.spare, folder)
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
    _unlink(path)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except (FileNotFoundError, NotADirectoryError):
        _make_folder(root, relative.rsplit("/", 1)[0] if "/" in relative else "")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return True


def _unlink(path: str) -> None:
    """Remove what stands at `path`, if anything (a file, a link or a folder)."""
    try:
        os.unlink(path)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except (IsADirectoryError, PermissionError):  # Linux says EISDIR, others EPERM, for a folder
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            raise


def _make_folder(root: Path, relative: str) -> None:
    """Make `root/relative`, replacing files that stand where its folders go."""
    path = root
    for part in relative.split("/") if relative else ():
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()
    path.mkdir(parents=True, exist_ok=True)


# --- the build folders ----------------------------------------------------------------------

def _files_under(root: Path) -> set[str]:
    """Every file (or symbolic link) under `root`, as relative POSIX paths (os.scandir with
    string paths: several times faster than os.walk at 12,000 folders)."""
    found: set[str] = set()
    pending = [""]
    while pending:
        rel_folder = pending.pop()
        with os.scandir(f"{root}/{rel_folder}" if rel_folder else root) as entries:
            for entry in entries:
                rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(rel)
                else:
                    found.add(rel)
    return found


def _remove_files(root: Path, relatives: Iterable[str], keep_folders: Collection[str] = ()) -> None:
    """Remove files under `root`, then the folders they leave empty (not `keep_folders`)."""
    emptied: set[str] = set()
    for rel in relatives:
        _unlink(f"{root}/{rel}")
        while "/" in rel:
            rel = rel.rsplit("/", 1)[0]
            if rel in keep_folders or rel in emptied:
                break
            emptied.add(rel)
    for folder in sorted(emptied, key=len, reverse=True):  # deepest first
        try:
            os.rmdir(f"{root}/{folder}")
        except OSError:
            pass  # not empty, or gone


def _link_files(source: Path, target: Path, relatives: Iterable[str]) -> set[str]:
    """Hard-link each file of `source` into `target` (replacing what is there); the ones linked."""
    linked: set[str] = set()
    for rel in sorted(relatives):
        path = f"{target}/{rel}"
        _unlink(path)
        try:
            try:
                os.link(f"{source}/{rel}", path, follow_symlinks=False)
            except (FileNotFoundError, NotADirectoryError):
                if not os.path.lexists(f"{source}/{rel}"):
                    continue  # deleted from live by hand: the build makes it again
                _make_folder(target, rel.rsplit("/", 1)[0])
                os.link(f"{source}/{rel}", path, follow_symlinks=False)
        except IsADirectoryError:
            continue  # a folder made by hand in live: not one of our files
        linked.add(rel)
    return linked


@dataclass(frozen=True)
class _Folders:
    output_path: Path
    live: Path | None
    """The folder OUTPUT_PATH shows (None: no site yet). OUTPUT_PATH itself when it is a real
    folder, as an older version of this plugin left it."""
    spare: Path


def _folders(output_path: Path) -> _Folders:
    builds = builds_folder(output_path)
    if os.path.islink(output_path):
        target_name = os.readlink(output_path)
        live = (output_path.parent / target_name)
        if live.parent.resolve() != builds.resolve() or live.name not in FOLDERS:
            raise SiteError(f"{output_path} is a symbolic link to {target_name}, which no build made: remove the "
                            "link, or choose another output folder (-o)")
        spare = builds / FOLDERS[1 - FOLDERS.index(live.name)]
        return _Folders(output_path, live if live.is_dir() else None, spare)
    if output_path.exists() and not output_path.is_dir():
        raise SiteError(f"{output_path} is not a folder, so the site cannot be published there: move or delete that "
                        "file, or choose another output folder (-o)")
    return _Folders(output_path, output_path if output_path.is_dir() else None, builds / FOLDERS[0])


def _catch_up(folders: _Folders) -> Record:
    """Make the spare hold what live holds; return live's record (files, generation).

    Deletes the spare's record first: from here on, until the spare is published, it is not
    trusted."""
    spare, live = folders.spare, folders.live
    spare_record = read_record(spare) if spare.is_dir() else None
    _forget_record(spare)
    if live is None:
        shutil.rmtree(spare, ignore_errors=True)
        spare.mkdir(parents=True, exist_ok=True)
        return Record(0, frozenset())
    live_record = read_record(live) if live != folders.output_path else None
    if live_record is not None and spare_record is not None:
        if spare_record.generation == live_record.generation and spare_record.files == live_record.files:
            return live_record  # caught up already (between the preview's builds)
        if spare_record.generation == live_record.generation - 1:
            _remove_files(spare, live_record.removed)
            missing = live_record.written - _link_files(live, spare, live_record.written)
            return Record(live_record.generation, live_record.files - missing)
    started = time.perf_counter()
    shutil.rmtree(spare, ignore_errors=True)
    spare.mkdir(parents=True, exist_ok=True)
    files = _link_files(live, spare, live_record.files if live_record is not None else _files_under(live))
    logger.info("Copied the published site into %s as hard links (%d files, %.2f s)", spare, len(files),
                time.perf_counter() - started)
    return Record(live_record.generation if live_record is not None else 0, frozenset(files))


def prepare_spare(output_path: Path) -> None:
    """Between the preview's builds: catch the spare up now, so that the next build need not."""
    output_path = Path(os.path.abspath(output_path))
    with _one_build_at_a_time(output_path):
        _remove_leftovers(output_path)
        folders = _folders(output_path)
        if folders.live is not None and folders.live != output_path:
            live = _catch_up(folders)
            _write_record(folders.spare, live)


def _remove_leftovers(output_path: Path) -> None:
    """Delete staging folders and old sites left by a build that was killed before cleaning up."""
    for stale in output_path.parent.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    for old in builds_folder(output_path).glob("old-*"):
        shutil.rmtree(old, ignore_errors=True)


def _swap(folders: _Folders) -> None:
    """Point OUTPUT_PATH at the spare: one rename of a new symbolic link over it."""
    output_path, spare = folders.output_path, folders.spare
    link = output_path.parent / f".{output_path.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(spare, output_path.parent), link)
    if folders.live == output_path:
        # A real folder cannot be replaced by a link in one rename: it is moved aside first, so
        # for this one instant, once, OUTPUT_PATH is missing.
        old = Path(tempfile.mkdtemp(prefix="old-", dir=spare.parent))
        os.rename(output_path, old / "site")
        os.rename(link, output_path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(link, output_path)


def _move_in(staging: Path, build: _Build) -> None:
    """Move what Pelican's writers staged into the spare (unless the spare has the same bytes)."""
    if not staging.is_dir():
        return
    for rel in _files_under(staging):
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
        _unlink(path)
        try:
            os.rename(source, path)
        except (FileNotFoundError, NotADirectoryError):
            _make_folder(build.spare, rel.rsplit("/", 1)[0])
            os.rename(source, path)


@contextmanager
def _one_build_at_a_time(output_path: Path) -> Iterator[None]:
    """Hold the lock of OUTPUT_PATH (a file beside it) while this build runs: a second build,
    from another terminal or the preview, waits here, saying so. Without fcntl (Windows) there
    is no lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with open(output_path.parent / f".{output_path.name}.lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("Another build is publishing to %s: waiting for it to finish", output_path)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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
            with _one_build_at_a_time(output_path):
                _run(pelican, output_path, original_run)
        except OSError as error:
            where = error.filename or output_path
            raise SiteError(f"{where}: {error.strerror or error}; check that the folder exists, is writable and "
                            "that its disk has room, then build again") from error

    pelican.run = run_atomically


def _run(pelican: Any, output_path: Path, original_run: Callable[[], None]) -> None:
    _remove_leftovers(output_path)
    folders = _folders(output_path)
    live = _catch_up(folders)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_path.parent))
    build = _builds[staging] = _Build(output_path, folders.spare, set(live.files))
    pelican.output_path = str(staging)
    try:
        original_run()
        started = time.perf_counter()
        _move_in(staging, build)
        stale = build.files - build.produced
        _remove_files(folders.spare, stale, {rel.rsplit("/", 1)[0] for rel in build.produced if "/" in rel})
        _write_record(folders.spare, Record(live.generation + 1, frozenset(build.produced),
                                            frozenset(build.produced - build.kept), frozenset(stale)))
        for callback in build.before:
            callback()
        _swap(folders)
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
