"""Load events.yaml into the typed model: the one entry point the rest of the program uses.

    dataset = load_dataset(Path("events.yaml"), cache_dir=Path(".cache"))

Any defect raises `EventsFileError`, whose `.problems` lists every problem found, each as
`events.yaml:LINE:COL: message`. Nothing else escapes: not a YAML error, not a KeyError.

Two ways to the same Dataset:
- the fast way, for a file laid out plainly (see `entries`): each entry is composed and read
  on its own, in forked workers when there are many, and kept in the cache folder between
  builds, so a rebuild after editing one event reads that one event and assembles the rest
  from the cache. It stops at the first doubt: any problem, any unexpected shape;
- the whole way: the whole file composed and validated at once. It alone reports problems,
  so an editor always gets the same messages, cache or not. `load_dataset` without a cache
  folder goes this way directly: there the fast way has nothing to gain.
"""
from __future__ import annotations

import gc
import marshal
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from ..support.parallel import run_in_child, run_shares, worker_count
from . import entries as entries_mod
from .build import build
from .entry_cache import EntryCache
from .fields import COLLECTIONS
from .light import Entry
from .model import Dataset
from .problems import EventsFileError, Problem
from .validate import EntryReader, validate
from .yamlsource import bracket_profile, bracket_step, compose, decode, read_file, text_is_clean

__all__ = ["EventsFileError", "Problem", "load_dataset", "load_dataset_from_bytes", "load_dataset_from_text"]


def load_dataset(path: Path, display_name: str | None = None, *, cache_dir: Path | None = None,
                 jobs: int | None = None) -> Dataset:
    """Read and validate the file at `path`; messages name it `display_name` (default: the path as given).

    With `cache_dir`, what the load learnt is kept there for the next one (files `entries-*`);
    `jobs` is how many processes may read entries (default: the usable cores).
    """
    name = str(path) if display_name is None else display_name
    text = read_file(Path(path), name)
    if cache_dir is None:
        # With no cache to take entries from or keep them in, reading entry by entry only costs:
        # 4.6 s against 3.8 s for the whole file at 10,000 events on the 2-core machine.
        return _whole(text, name)
    return _from_text(text, name, cache_dir, jobs)


def load_dataset_from_bytes(data: bytes, display_name: str = "events.yaml") -> Dataset:
    """As `load_dataset`, for the bytes of a file (checked to be UTF-8)."""
    return _from_text(decode(data, display_name), display_name)


def load_dataset_from_text(text: str, display_name: str = "events.yaml") -> Dataset:
    """As `load_dataset`, for text already in memory (tests, editors' previews)."""
    return _from_text(text, display_name)


def _from_text(text: str, display_name: str, cache_dir: Path | None = None, jobs: int | None = None) -> Dataset:
    dataset = _paused_gc(_fast, text, cache_dir, jobs)
    return dataset if dataset is not None else _whole(text, display_name)


def _paused_gc(function: Any, *args: Any) -> Any:
    # Composing and validating allocate hundreds of thousands of small objects and free none of
    # them until the end; the cyclic garbage collector would rescan the growing heap again and
    # again (4x slower on 10,000 events). Nothing here creates garbage cycles, so pause it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return function(*args)
    finally:
        if enabled:
            gc.enable()


_earlier: dict[str, Any] = {}
"""Model objects of a load the next one may take as they are, by their entries' digests (`prepare`)."""


def prepare(dataset: Dataset | None) -> None:
    """Let the next loads in this process (or its forks) take `dataset`'s objects for the
    entries that did not change (see `build.Builder.build`); None forgets them. The
    preview's build server prepares the last build's data while the editor reads the page."""
    _earlier.clear()
    if dataset is not None:
        _earlier.update((item.digest, item) for item in dataset.entries() if item.digest)


# -- the fast way -------------------------------------------------------------------------------
PARALLEL_ABOVE = 200_000
"""Entries to read totalling more characters than this (about 200 events) go to forked workers."""

Record = tuple[str | None, int, tuple[object, ...], tuple[int, int, int, int]]
"""What the cache keeps per entry, marshalled (builtins only; faster to read than pickle):
(key, line of the entry in its own text, 0-based, light values, `yamlsource.bracket_profile`
of its text)."""


def _fast(text: str, cache_dir: Path | None, jobs: int | None) -> Dataset | None:
    """The Dataset, or None when the whole way must decide (a problem, or a layout not understood).

    Whatever goes wrong here only sends the load the whole way, which runs the same validation
    and building code: a bug here shows there, and a problem is always reported by it."""
    pieces = entries_mod.split(text)
    if pieces is None:
        return None
    cache = EntryCache(cache_dir)
    known = cache.read()
    for _attempt in range(2):
        missing = [piece for piece in pieces if piece.collection is not None and piece.digest not in known]
        read = _read_missing(text, missing, jobs)
        if read is None:
            return None
        used: dict[str, bytes] = {}
        try:
            dataset = _assemble(text, pieces, read, known, used)
        except _DamagedRecord:  # the file's checksum held, yet a record cannot be read: trust none
            known = {}
            continue
        except Exception:  # Defect (a repeated key or id), KeyError (a reference
            return None    # to an undefined key), or anything unforeseen: the whole way decides
        if dataset is not None:
            cache.write(used, read_now=len(read))
        return dataset
    return None


class _DamagedRecord(Exception):
    pass


def _assemble(text: str, pieces: list[entries_mod.Piece], read: dict[str, bytes], known: dict[str, bytes],
              used: dict[str, bytes]) -> Dataset | None:
    """The Dataset from every entry's record (those `read` now, else those `known` from the
    cache), after the checks that span entries; `used` gets the record of each entry."""
    collected: dict[str, list[Entry]] = {c.name: [] for c in COLLECTIONS}
    depth: int | None = 0
    for piece in pieces:
        collection, digest = piece.collection, piece.digest
        if collection is None:  # top-level lines and comments: checked as compose would
            between = text[piece.start:piece.end]
            if not text_is_clean(between):
                return None
            profile = bracket_profile(between)
        else:
            blob = used[digest] = read.get(digest) or known[digest]
            try:
                key, line, values, profile = marshal.loads(blob)
            except Exception:
                raise _DamagedRecord from None
            collected[collection].append((key, piece.line + line, values, digest))
        depth = bracket_step(depth, profile)  # type: ignore[arg-type]
        if depth is None:
            return None
    return build(collected, _earlier)


def _read_missing(text: str, missing: list[entries_mod.Piece], jobs: int | None) -> dict[str, bytes] | None:
    """Digest -> record of each entry in `missing`; None as soon as one is not clean.

    More than PARALLEL_ABOVE characters of entries are read in forked workers, one per core,
    while this process waits: it never holds their YAML nodes, and its heap stays as small as
    when it loaded the whole file in a child (see `_whole`); only the records come back.
    """
    size = sum(piece.end - piece.start for piece in missing)
    if size <= PARALLEL_ABOVE or not hasattr(os, "fork"):
        return _read_entries(text, missing)
    parts = worker_count(jobs)
    shares: list[list[entries_mod.Piece]] = [[] for _ in range(parts)]  # contiguous, of about equal text
    done = 0
    for piece in missing:
        shares[min(parts - 1, done * parts // size)].append(piece)
        done += piece.end - piece.start
    # run_shares does the first share here: give it none.
    results = run_shares([[], *shares], lambda share: _read_entries(text, share))
    read: dict[str, bytes] = {}
    for result in results:
        if result is None:
            return None
        read.update(result)
    return read


def _read_entries(text: str, pieces: Sequence[entries_mod.Piece]) -> dict[str, bytes] | None:
    """Compose and read each entry on its own (see `entries` for why that equals reading it in
    the whole file). Each entry's nodes are dropped as soon as it is read, so the YAML heap
    never holds more than one entry's."""
    reader = EntryReader()
    read = {}
    for piece in pieces:
        collection = piece.collection
        if collection is None:
            continue  # text between entries: nothing to read
        body = text[piece.start:piece.end]
        try:
            # Line numbers are those of this small document (the entry starts on line 2); the
            # record keeps the entry's line relative to its text, which the assembly moves to
            # where the entry sits now. Messages never come from here, so they need no lines.
            key, line, values = reader.read(compose(f"{collection}:\n{body}", ""), collection)
        except Exception:  # a problem (EventsFileError, Defect), or anything else:
            return None    # the whole way decides, and reports it
        record: Record = (key, line - 2, values, bracket_profile(body))
        read[piece.digest] = marshal.dumps(record)  # type: ignore[arg-type]  # builtins only (see Record)
    return read


# -- the whole way ------------------------------------------------------------------------------
ISOLATE_ABOVE = 1_000_000
"""Texts longer than this (characters; about 1,000 events) are loaded in a forked child."""


def _whole(text: str, display_name: str) -> Dataset:
    """Load large files in a child process, small ones here.

    Composing the whole file leaves a heap of YAML nodes and marks about 14 times the size of
    the file (~140 MB at 10,000 events) that the allocator keeps, fragmented, for the rest of
    the build even after the nodes are freed; the Dataset itself is a tenth of that. A child
    composes and validates, sends the Dataset back pickled and takes its heap with it.
    """
    if len(text) <= ISOLATE_ABOVE or not hasattr(os, "fork"):
        return cast(Dataset, _paused_gc(_load, text, display_name))

    def task() -> tuple[bool, Any]:
        try:
            return True, _paused_gc(_load, text, display_name)
        except EventsFileError as error:  # problems travel as data, raised again here
            return False, error.problems

    ok, value = run_in_child(task)
    if not ok:
        raise EventsFileError(value)
    return cast(Dataset, value)


def _load(text: str, display_name: str) -> Dataset:
    return validate(compose(text, display_name), display_name)
