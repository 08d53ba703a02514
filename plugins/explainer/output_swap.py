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
edit then stages, moves and deletes only a handful of files. Those are staged *flat*: each
file directly in the staging folder, named by its escaped relative path (`flat_name`), while
Pelican's own writers get a subfolder (`TREE`). On ext4 mounted with `discard` each folder
made and removed costs up to 0.05 s of wall time on a busy machine, so a rebuild makes and
removes the staging folder and only the folders Pelican's writers need. A published file is
unlinked right before the staged one is renamed to its place: renaming over an existing file
makes ext4 (auto_da_alloc) write the new file's data out at once (0.05-0.3 s per file). A
reader of the site may find no file for that instant, as it may find a half-published site
during any publish of several files.

A first build, when OUTPUT_PATH does not exist yet, stages a tree instead (the folders are
made anyway) and is published by renaming that tree.

To find stale files without walking OUTPUT_PATH (12,000 folders at 10,000 events), each
publish leaves a *manifest* in EXPLAINER_CACHE_DIR: the files it produced and the mtime of
every folder holding them (see `install` and `Published`).

Publishing happens after `run` returns rather than in a `finalized` receiver so that every
other plugin's `finalized` receiver has finished writing into staging first.
"""
from __future__ import annotations

import filecmp
import hashlib
import logging
import marshal
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

from . import cachefile
from .problems import SiteError

logger = logging.getLogger(__name__)

STAGING_PREFIX = ".output-staging-"


TREE = "%tree"
"""Pelican's output folder inside staging: no flat name is this (every "%" there is "%25" or "%2F")."""


def flat_name(relative: str) -> str:
    """The name of a staged file in the flat staging folder: its path with "%" and "/" escaped."""
    return relative.replace("%", "%25").replace("/", "%2F")


_FLAT_ESCAPE = re.compile("%(25|2F)")


def relative_of(name: str) -> str:
    """The relative path a flat name stands for (`flat_name` undone)."""
    return _FLAT_ESCAPE.sub(lambda match: "%" if match.group(1) == "25" else "/", name)


FLAT_NAME_LIMIT = 250
"""Longer escaped names (file systems allow 255 bytes) are staged in the tree instead."""


@dataclass
class _Build:
    output_path: Path
    flat: Path | None = None
    """The folder files are staged flat into (None: stage a tree, for a first build)."""
    folders: set[str] = field(default_factory=set)
    """Folders of the tree known to exist (made by `prepare_folders` or a write)."""
    kept: set[str] = field(default_factory=set)
    """Paths (relative, POSIX) whose published file already has the right bytes."""
    after: list[Callable[[], None]] = field(default_factory=list)
    """Run once the build is published (e.g. saving caches that describe the published files)."""
    before: list[Callable[[], None]] = field(default_factory=list)
    """Run just before publishing starts (e.g. forgetting records the publish will make untrue)."""
    previous: Published | None = None
    """What the last publish left in OUTPUT_PATH, as its record says (None: no record)."""


_builds: dict[Path, _Build] = {}
"""Builds in progress, by staging folder."""


def published_path(staging: Path) -> Path | None:
    """The OUTPUT_PATH a staging folder will be published to; None outside an atomic build."""
    build = _builds.get(Path(staging))
    return build.output_path if build is not None else None


def still_there(staging: Path) -> StillThere | None:
    """For a build in progress: which files of the published site are still in OUTPUT_PATH."""
    build = _builds.get(Path(staging))
    return StillThere(build.output_path, build.previous) if build is not None else None


def mark_kept(staging: Path, relatives: Iterable[str]) -> None:
    """Record files left unstaged because the published copy is right (so publish keeps them)."""
    build = _builds.get(Path(staging))
    if build is not None:
        build.kept.update(relatives)


def before_publish(staging: Path, callback: Callable[[], None]) -> None:
    """Run `callback` just before this build's files go into OUTPUT_PATH: what it forgets stays
    forgotten when the publish dies half-way (kill -9, a full disk)."""
    build = _builds.get(Path(staging))
    if build is not None:
        build.before.append(callback)


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
        if build.flat is not None:
            name = flat_name(relative)
            if len(name.encode("utf-8", "surrogateescape")) <= FLAT_NAME_LIMIT:
                _write_file(os.path.join(build.flat, name), data)
                return True
    folder = relative.rsplit("/", 1)[0] if "/" in relative else ""
    if build is None or folder not in build.folders:
        os.makedirs(os.path.join(staging, folder), exist_ok=True)
        if build is not None:
            build.folders.add(folder)
    _write_file(os.path.join(staging, relative), data)
    return True


def _write_file(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def prepare_folders(staging: Path, relatives: Iterable[str]) -> None:
    """Make the folders that staging `relatives` in a tree will need, in this process and in
    sorted order: forked writers then only write files, instead of contending for the same
    parent folders' locks while making them (several times slower)."""
    build = _builds.get(Path(staging))
    if build is None or build.flat is not None:
        return
    for folder in sorted({relative.rsplit("/", 1)[0] for relative in relatives if "/" in relative} - build.folders):
        os.makedirs(os.path.join(staging, folder), exist_ok=True)
        build.folders.add(folder)


LEAVE_STAGING = False
"""When True, a build leaves its (emptied) staging folder for whoever runs next to remove
(`remove_stale_staging`): the preview's build server sets it in the process its builds fork
from and removes the folder between builds, while the editor reads the page, since removing
folders on a file system mounted with `discard` took ~70 ms of each rebuild."""


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


def _same_file(a: str, b: str) -> bool:
    return os.stat(a).st_size == os.stat(b).st_size and filecmp.cmp(a, b, shallow=False)


def _files_under(root: Path) -> list[str]:
    """Every file (or symlink) under `root`, as relative POSIX paths, sorted.

    os.scandir with string paths: at 12,000 pages (a folder each) this is several times
    faster than os.walk with os.path.relpath.
    """
    found: list[str] = []
    pending = [""]
    while pending:
        rel_folder = pending.pop()
        with os.scandir(os.path.join(root, rel_folder) if rel_folder else root) as entries:
            for entry in entries:
                rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(rel)
                else:
                    found.append(rel)
    found.sort()
    return found


def _folders_of(files: Iterable[str]) -> set[str]:
    """Every folder that holds one of `files` ("" for the root)."""
    folders = {""}
    for relative in files:
        while "/" in relative:
            relative = relative.rsplit("/", 1)[0]
            if relative in folders:
                break
            folders.add(relative)
    return folders


@dataclass(frozen=True)
class Published:
    """What a publish left in OUTPUT_PATH: its files, and the mtime of every folder holding
    them (a file added or removed by hand changes its folder's mtime)."""

    files: frozenset[str]
    folders: dict[str, int]


def _folder_mtimes(root: Path, folders: Iterable[str], known: dict[str, int] | None = None) -> dict[str, int]:
    """The mtime of each folder (taken from `known` when given there)."""
    base = str(root)
    mtimes = {}
    for folder in folders:
        mtime = known.get(folder) if known is not None else None
        if mtime is None:
            try:
                mtime = os.stat(f"{base}/{folder}" if folder else base).st_mtime_ns
            except OSError:
                continue
        mtimes[folder] = mtime
    return mtimes


def publish(
    staging: Path, output_path: Path, keep: frozenset[str] = frozenset(), kept: frozenset[str] = frozenset(),
    previous: Published | None = None, flat: Path | None = None,
) -> tuple[int, int]:
    """Make OUTPUT_PATH equal to staging plus the `kept` files; return (files written, removed).

    `staging` is a tree of files; `flat`, when given, a folder of files staged flat (named by
    `flat_name`; a subfolder named TREE there is skipped). `keep` names top-level entries of
    OUTPUT_PATH to leave alone (Pelican's OUTPUT_RETENTION, e.g. a .git folder in a gh-pages
    checkout); `kept` lists files a writer left unstaged because the published copy was
    already right. `previous`, when known, is what the last publish left: then stale files are
    found by comparing lists, and only folders whose mtime changed since (something was added
    by hand) are read, instead of walking OUTPUT_PATH.
    """
    written, removed, _ = _publish(staging, output_path, keep, kept, previous, flat)
    return written, removed


def _staged_files(staging: Path, flat: Path | None) -> dict[str, str]:
    """Every staged file: relative path -> where it is staged (flat files win over the tree's,
    as they were written by this plugin after Pelican's writers)."""
    found = {rel: os.path.join(staging, rel) for rel in _files_under(staging)} if os.path.isdir(staging) else {}
    if flat is not None:
        with os.scandir(flat) as entries:
            for entry in entries:
                if entry.name != TREE:
                    found[relative_of(entry.name)] = entry.path
    return dict(sorted(found.items()))


def _publish(
    staging: Path, output_path: Path, keep: frozenset[str], kept: frozenset[str], previous: Published | None,
    flat: Path | None = None,
) -> tuple[int, int, Published]:
    """`publish`, also returning what OUTPUT_PATH now holds from this build."""
    staged = _staged_files(staging, flat)
    produced = set(kept)
    produced.update(staged)
    folders = _folders_of(produced)
    if not kept and not output_path.exists() and not output_path.is_symlink() and all(
        source.startswith(str(staging) + os.sep) for source in staged.values()
    ):
        # First build: one rename publishes everything. mkdtemp made staging private (0700).
        umask = os.umask(0)
        os.umask(umask)
        os.makedirs(staging, exist_ok=True)
        os.chmod(staging, 0o777 & ~umask)
        os.rename(staging, output_path)
        return len(staged), 0, Published(frozenset(produced), _folder_mtimes(output_path, folders))
    output_path.mkdir(parents=True, exist_ok=True)
    # Folders changed since the last publish, looked at before this one changes them.
    changed = set() if previous is None else {
        folder for folder, mtime in _folder_mtimes(output_path, previous.folders).items()
        if previous.folders[folder] != mtime
    }
    touched: set[str] = set()  # folders this publish changes: their mtime is read again after
    written = removed = 0
    ready: set[str] = {""}  # folders known to exist in OUTPUT_PATH as folders
    base = str(output_path)
    for rel, source in staged.items():
        rel_folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if rel_folder not in ready:
            _make_folder(output_path, rel_folder)
            ready.update(_folders_of((rel,)))
            touched.update(_folders_of((rel,)))
        target = f"{base}/{rel}"
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None:
            if stat.S_ISDIR(mode):
                shutil.rmtree(target)
            elif stat.S_ISREG(mode) and _same_file(source, target):
                continue
            else:
                # Not a rename over it: that makes ext4 write the staged data out at once.
                os.unlink(target)
        # Same file system as OUTPUT_PATH: the file appears whole, never half written.
        os.rename(source, target)
        touched.add(rel_folder)
        written += 1
    if previous is None:
        removed = _remove_unlisted(output_path, produced, folders, keep)
        mtimes = _folder_mtimes(output_path, folders)
    else:
        stale = previous.files - produced
        touched.update(_folders_of(stale))
        removed = _remove_listed(output_path, stale, folders, keep)
        for folder in sorted(changed):
            if os.path.isdir(output_path / folder) and not os.path.islink(output_path / folder):
                removed += _clean_folder(output_path, folder, produced, folders, keep)
        touched.update(changed)
        mtimes = _folder_mtimes(output_path, folders, {
            folder: mtime for folder, mtime in previous.folders.items() if folder not in touched
        })
    return written, removed, Published(frozenset(produced), mtimes)


def _make_folder(root: Path, rel_folder: str) -> None:
    """Create `rel_folder` under `root`, replacing files that stand where its folders go."""
    path = root
    for part in rel_folder.split("/"):
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()
    (root / rel_folder).mkdir(parents=True, exist_ok=True)


def _remove_listed(root: Path, stale: Iterable[str], folders: set[str], keep: frozenset[str]) -> int:
    """Remove the `stale` files, then their folders once empty (but not `folders`, still in use)."""
    removed = 0
    emptied: set[str] = set()
    for rel in stale:
        if rel.split("/", 1)[0] in keep:
            continue
        try:
            os.unlink(root / rel)
            removed += 1
        except FileNotFoundError:
            pass  # deleted by hand since
        except IsADirectoryError:
            shutil.rmtree(root / rel)  # a folder now stands there, made by hand: not ours to keep
            removed += 1
        except NotADirectoryError:
            pass  # a folder on its path became a file of this build
        while "/" in rel:
            rel = rel.rsplit("/", 1)[0]
            if rel in folders or rel in emptied:
                break
            emptied.add(rel)
    for rel_folder in sorted(emptied, key=len, reverse=True):  # deepest first
        try:
            os.rmdir(root / rel_folder)
        except OSError:
            pass  # not empty (files added by hand, removed at the next full walk) or gone
    return removed


def _remove_unlisted(root: Path, produced: set[str], folders: set[str], keep: frozenset[str]) -> int:
    """Remove everything under `root` that this build did not produce (nor keep), walking it all."""
    removed = 0
    for folder, _dirs, _files in os.walk(root, topdown=False):
        rel_folder = folder[len(str(root)) + 1:].replace(os.sep, "/") if folder != str(root) else ""
        removed += _clean_folder(root, rel_folder, produced, folders, keep)
    return removed


def _clean_folder(root: Path, rel_folder: str, produced: set[str], folders: set[str], keep: frozenset[str]) -> int:
    """Remove the entries of one folder that this build did not produce (nor keep)."""
    if rel_folder and rel_folder.split("/", 1)[0] in keep:
        return 0
    removed = 0
    with os.scandir(root / rel_folder if rel_folder else root) as entries:
        for entry in list(entries):
            rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
            if rel in produced or rel in folders or (not rel_folder and entry.name in keep):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
                removed += 1
    return removed


MANIFEST_FORMAT = 2


class StillThere:
    """Whether a file of the published site is still in OUTPUT_PATH, at one stat per folder:
    where a folder's mtime is the one recorded at the last publish, nothing was added to it or
    removed from it since, so its files are those the record lists; any other folder is listed.
    (A file deleted by hand is then made again by the next build.)"""

    def __init__(self, output_path: Path, published: Published | None) -> None:
        self._root = str(output_path)
        self._published = published
        self._names: dict[str, frozenset[str] | None] = {}
        """Per folder: its names when listed, None when the record holds."""

    def __call__(self, relative: str) -> bool:
        folder, _, name = relative.rpartition("/")
        if folder not in self._names:
            self._names[folder] = self._look(folder)
        names = self._names[folder]
        if names is None:
            assert self._published is not None
            return relative in self._published.files
        return name in names

    def _look(self, folder: str) -> frozenset[str] | None:
        path = f"{self._root}/{folder}" if folder else self._root
        published = self._published
        try:
            if published is not None and published.folders.get(folder) == os.stat(path).st_mtime_ns:
                return None
            return frozenset(os.listdir(path))
        except OSError:
            return frozenset()


def _manifest_path(cache_dir: Path, output_path: Path) -> Path:
    key = hashlib.blake2b(str(output_path).encode(), digest_size=8).hexdigest()
    return cache_dir / f"published-{key}.marshal"


@contextmanager
def _one_build_at_a_time(output_path: Path) -> Iterator[None]:
    """Hold the lock of OUTPUT_PATH (a file beside it) while this build stages and publishes.

    A second build into the same folder, from another terminal or the preview, would otherwise
    delete this build's staging folder as stale, or publish over it half-way. It waits here
    instead, saying so, and goes on when the first build is done. Without fcntl (Windows) there
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


def _read_manifest(path: Path | None) -> Published | None:
    if path is None:
        return None
    try:
        header, files, folders = cachefile.load(path, marshal.loads)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if header != (MANIFEST_FORMAT, sys.version) or not isinstance(folders, dict):
        return None
    return Published(frozenset(files), folders)


def _write_manifest(path: Path, published: Published) -> None:
    cachefile.replace(path, marshal.dumps(((MANIFEST_FORMAT, sys.version), sorted(published.files), published.folders)))


def install(pelican: Any) -> None:
    """`initialized` receiver: make this Pelican instance build atomically.

    With EXPLAINER_CACHE_DIR set, the list of files each publish produced is kept there (the
    *manifest*), so the next publish removes stale files by comparing two lists instead of
    walking OUTPUT_PATH (12,000 folders at 10,000 events). The manifest is deleted before
    publishing starts and written after it ends, so a publish that dies half-way is followed
    by a full walk. Files put into OUTPUT_PATH by hand are removed by the next build without
    a manifest (e.g. after `run.py clean`).
    """
    output_path = Path(pelican.output_path).resolve()
    keep = frozenset(pelican.settings.get("OUTPUT_RETENTION") or ())
    cache_dir = pelican.settings.get("EXPLAINER_CACHE_DIR")
    manifest = _manifest_path(Path(cache_dir), output_path) if cache_dir else None
    original_run: Callable[[], None] = pelican.run

    @wraps(original_run)
    def run_atomically() -> None:
        if (output_path.exists() or output_path.is_symlink()) and not output_path.is_dir():
            raise SiteError(f"{output_path} is not a folder, so the site cannot be published there: move or "
                            "delete that file, or choose another output folder (-o)")
        try:
            with _one_build_at_a_time(output_path):
                publish_atomically()
        except OSError as error:
            where = error.filename or output_path
            raise SiteError(f"{where}: {error.strerror or error}; check that the folder exists, is writable and "
                            "that its disk has room, then build again") from error

    def publish_atomically() -> None:
        record = manifest
        remove_stale_staging(output_path)
        root = new_staging(output_path)
        # Pelican's writers get the TREE subfolder (made when they first write); this plugin's
        # files are staged flat in `root` when a published site exists, else in the tree.
        staging = root / TREE
        flat = root if output_path.is_dir() else None
        previous = _read_manifest(record) if output_path.is_dir() else None
        build = _builds[staging] = _Build(output_path, flat, previous=previous)
        pelican.output_path = str(staging)
        try:
            original_run()
            if record is not None:
                try:
                    record.unlink(missing_ok=True)
                except OSError:  # the cache folder is unusable (a file, no permission): no record
                    record = None
            for prepare in build.before:
                prepare()
            started = time.perf_counter()
            written, removed, published = _publish(staging, output_path, keep, frozenset(build.kept), previous, flat)
            logger.info("Published to %s: %d files written, %d removed in %.2f s", output_path, written, removed,
                        time.perf_counter() - started)
            callbacks = build.after
            if record is not None:
                callbacks = [lambda: _write_manifest(record, published), *callbacks]
            for callback in callbacks:
                try:
                    callback()
                except OSError as error:
                    # The site is published; a cache that cannot be saved only costs speed.
                    logger.warning("After publishing %s: %s", output_path, error)
            logger.debug("Published and saved caches in %.2f s", time.perf_counter() - started)
        finally:
            del _builds[staging]
            pelican.output_path = str(output_path)
            if not LEAVE_STAGING:
                shutil.rmtree(root, ignore_errors=True)

    pelican.run = run_atomically
