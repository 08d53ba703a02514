"""What the build keeps between runs for the pages, in the cache folder, through `cachefile`.

- `OutputRecord`: the fingerprint of each published file, the digests of the model objects it
  met, and the site context's shape (see `fingerprints`);
- `MarkdownStore`: rendered Markdown by a hash of its source text, so a rebuild parses only
  the texts that changed;
- `LineStore`: each event's line of events.json and events.csv, by the event's digest.

Each is one marshal file (a 14 MB cache loads in 10 ms, against 140 ms as JSON) with a
header naming its kind, the format and the Python version; one that is missing, damaged
(`cachefile` checks its seal) or of another version is an empty cache.
"""
from __future__ import annotations

import hashlib
import io
import marshal
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..support import cachefile
from .fingerprints import FORMAT

PART_SIZE = 2_000
"""Entries of a mapping per part of its cache file: the file is written part by part, never
whole in memory (a 10,000-event site's data lines alone are 50 MB)."""


def decode(data: bytes) -> tuple[Any, Any, dict[Any, Any]]:
    """(header, extra, mapping) from what `_save_atomically` wrote: marshal objects one after
    the other, the (header, extra) pair first and then the mapping's parts, each a dict."""
    stream = io.BytesIO(data)
    header, extra = marshal.load(stream)
    mapping: dict[Any, Any] = {}
    while stream.tell() < len(data):
        mapping.update(marshal.load(stream))
    return header, extra, mapping


def _load(path: Path, header: tuple[Any, ...]) -> tuple[Any, dict[Any, Any]] | None:
    """(extra, mapping) as `_save_atomically(path, header, mapping, extra)` saved them, or None
    (missing, unreadable, or written by another version: the header differs)."""
    try:
        found, extra, mapping = cachefile.load(path, decode)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return (extra, mapping) if found == header else None


def _save_atomically(path: Path, header: tuple[Any, ...], mapping: dict[Any, Any], extra: Any = None) -> None:
    """marshal: the fastest format to read and write for dicts of strings (a 10,000-event
    site's Markdown cache loads in 10 ms, against 140 ms as JSON). Its format may change
    between Python versions, hence the version in every header."""
    items = list(mapping.items())

    def parts() -> Iterable[bytes]:
        yield marshal.dumps((header, extra))
        for start in range(0, len(items), PART_SIZE):
            yield marshal.dumps(dict(items[start:start + PART_SIZE]))

    cachefile.replace_parts(path, parts())


def _header(kind: str, *more: Any) -> tuple[Any, ...]:
    return (kind, FORMAT, sys.version, *more)


class OutputRecord:
    """The fingerprint of each file of the published site (`previous`), and of this build's
    (`current`). Forgotten just before the swap and saved after it, so a build that dies in
    between leaves no record, and the next one renders everything."""

    def __init__(self, cache_dir: Path | None, output_path: Path, global_hash: str | None,
                 still_there: Callable[[str], bool] | None = None) -> None:
        """`still_there(relative)`: whether a published file can be kept (default: a stat; the
        build passes `publish.still_there`)."""
        self._still_there = still_there or (lambda relative: os.path.exists(os.path.join(output_path, relative)))
        self.global_hash = global_hash
        # Not resolved: OUTPUT_PATH is a link to the build folder it shows, which changes at every publish.
        key = hashlib.blake2b(os.path.abspath(output_path).encode(), digest_size=8).hexdigest()
        self.path = cache_dir / f"outputs-{key}.marshal" if cache_dir is not None else None
        self.previous: dict[str, str] = {}
        self.current: dict[str, str] = {}
        self.forgotten = False
        if self.path is not None and global_hash is not None:
            found = _load(self.path, _header("outputs", global_hash))
            if found is not None:
                self.previous = found[1]

    @property
    def enabled(self) -> bool:
        return self.path is not None and self.global_hash is not None

    def unchanged(self, relative: str, fingerprint: str | None) -> bool:
        """True when the published file was made from the same inputs and is still there (a
        file deleted from the output by hand is made again)."""
        return fingerprint is not None and self.previous.get(relative) == fingerprint and self._still_there(relative)

    def note(self, relative: str, fingerprint: str) -> None:
        self.current[relative] = fingerprint

    def forget(self) -> None:
        """Called just before the swap: until `save`, no record says what OUTPUT_PATH holds."""
        self.forgotten = True
        if self.path is not None:
            try:
                self.path.unlink(missing_ok=True)
            except NotADirectoryError:
                pass  # the cache "folder" is a file: no record can be there
            # Any other failure (no permission) stops the build: a record that cannot be removed
            # would be trusted by the next build.

    def save(self) -> None:
        """Called after the swap: the record now describes the published files."""
        if self.enabled and self.path is not None and (self.forgotten or self.current != self.previous):
            _save_atomically(self.path, _header("outputs", self.global_hash), self.current)


SAVE_MINIMUM = 100
"""New entries that make a cache worth writing again (see MarkdownStore.save, LineStore.save)."""


class MarkdownStore:
    """Rendered Markdown by a hash of the source text, kept between builds in the cache folder.

    The file is read on first use (a rebuild that renders nothing never reads it) and written
    after publishing only when a text was added. Entries of texts no longer used stay until
    the additions since the last clean-up reach a tenth of the store: then only the texts this
    build used and those the caller names as live (`save(live)`) are kept.
    """

    def __init__(self, cache_dir: Path | None, version: str) -> None:
        self.path = cache_dir / "markdown.marshal" if cache_dir is not None else None
        self.header = _header("markdown", version)
        self._entries: dict[bytes, tuple[str, str]] | None = None
        self._added_before = 0
        self.added: dict[bytes, tuple[str, str]] = {}
        self.used: set[bytes] = set()

    def _stored(self) -> dict[bytes, tuple[str, str]]:
        if self._entries is None:
            self._entries = {}
            found = _load(self.path, self.header) if self.path is not None else None
            if found is not None and isinstance(found[0], int):
                self._added_before, self._entries = found
        return self._entries

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, text: str) -> tuple[str, str] | None:
        key = self.key(text)
        found = self._stored().get(key) or self.added.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, text: str, html: str, words: str) -> None:
        key = self.key(text)
        self.added[key] = (html, words)
        self.used.add(key)

    def save(self, live: Callable[[], Iterable[str]] = tuple) -> None:
        """Write the store if texts were added; `live()` names texts worth keeping though unused.

        A store on file is written again only once SAVE_MINIMUM texts are new: rewriting 14 MB
        after each one-summary edit costs more than parsing the few texts a later build finds
        missing (each build finds them again until then)."""
        if self.path is None or not self.added:
            return
        if len(self.added) < SAVE_MINIMUM and self._stored():
            return
        entries = {**self._stored(), **self.added}
        added = self._added_before + len(self.added)
        if added * 10 > len(entries):
            keep = self.used | {self.key(text) for text in live()}
            entries = {key: value for key, value in entries.items() if key in keep}
            added = 0
        _save_atomically(self.path, self.header, entries, added)


class LineStore:
    """Lines of the data files (one per event) by the digest of the event they show, kept
    between builds: after one edit, events.json and events.csv are joined from stored lines
    but one. Keyed under the global hash, so a change of code makes every line again."""

    def __init__(self, cache_dir: Path | None, global_hash: str | None) -> None:
        enabled = cache_dir is not None and global_hash is not None
        self.path = cache_dir / "lines.marshal" if enabled and cache_dir is not None else None
        self.header = _header("lines", global_hash)
        self._stored: dict[str, bytes] | None = None
        self.used: dict[str, bytes] = {}
        self.made = 0

    def cached(self, kind: str, make: Callable[[Any], bytes], key: Callable[[Any], str]) -> Callable[[Any], bytes]:
        """`make`, remembering its result under `kind` and `key(item)`."""
        if self.path is None:
            return make
        if self._stored is None:
            found = _load(self.path, self.header)
            self._stored = found[1] if found is not None else {}
        stored, used = self._stored, self.used

        def line(item: Any) -> bytes:
            name = f"{kind} {key(item)}"
            text = stored.get(name)
            if text is None:
                text = make(item)
                self.made += 1
            used[name] = text
            return text

        return line

    def save(self) -> None:
        """Keep the lines this build used, if it made any (at least SAVE_MINIMUM, when a store
        is on file: until then, each build makes the few missing lines again)."""
        if self.path is not None and self.made and (self.made >= SAVE_MINIMUM or not self._stored):
            _save_atomically(self.path, self.header, self.used)
