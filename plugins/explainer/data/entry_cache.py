"""What the loader keeps between builds: each entry of events.yaml as pass 1 read it.

One file in the cache folder, `entries-<version>.pickle`, maps an entry's digest (a hash of its
collection and its exact text, see `entries`) to the marshalled record pass 1 made of it when
it was valid: (key, line within the entry, light values, bracket profile); see `load`.
The version in the name is a hash of the code that reads entries and of the YAML library, so
a change to either starts a new cache instead of trusting records another reader made.

The file is written whole (to a temporary file, then renamed), only after a load succeeded
and only when enough changed since it was written (`EntryCache.write`); it holds the entries
of the load that wrote it. A file that cannot be read, or whose checksum does not match
(truncated, corrupted), counts as empty.
"""
from __future__ import annotations

import hashlib
import pickle
import sys
import zlib
from functools import cache
from pathlib import Path

import yaml

from ..support import cachefile

PREFIX = "entries-"
REWRITE_MINIMUM = 50
"""Entries read anew that make the records file worth writing again (see `EntryCache.write`)."""
_MAGIC = b"explainer-entries\n"


@cache
def version() -> str:
    """A hash of the code that makes the records (the whole data stage), the YAML library and Python."""
    hasher = hashlib.blake2b(digest_size=8)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        hasher.update(path.name.encode() + b"\x00" + path.read_bytes())
    hasher.update(f"{yaml.__version__} {getattr(yaml, '__with_libyaml__', False)} {sys.version}".encode())
    return hasher.hexdigest()


def decode(data: bytes) -> dict[str, bytes]:
    """The records in the bytes of a records file; {} for a file that is not one (a wrong
    header or checksum, a truncated or corrupted file)."""
    head = len(_MAGIC) + 4
    if data[:len(_MAGIC)] != _MAGIC or int.from_bytes(data[len(_MAGIC):head], "big") != zlib.crc32(data[head:]):
        return {}
    try:
        records = pickle.loads(data[head:])
    except Exception:  # a file we cannot read is no cache at all
        return {}
    return records if isinstance(records, dict) else {}


class EntryCache:
    """The records file in `folder` (no folder: nothing is kept)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = None if folder is None else Path(folder)
        self.records: dict[str, bytes] = {}
        """Digest -> pickled record, as read."""

    @property
    def path(self) -> Path | None:
        return None if self.folder is None else self.folder / f"{PREFIX}{version()}.pickle"

    def read(self) -> dict[str, bytes]:
        """The records kept by the last successful load ({} when there are none to trust)."""
        path = self.path
        self.records = {}
        if path is None:
            return self.records
        try:
            self.records = cachefile.load(path, decode)
        except OSError:
            pass
        return self.records

    def write(self, records: dict[str, bytes], read_now: int) -> None:
        """Keep exactly `records` (the entries this load used), `read_now` of them read anew.

        Skipped while the file on disk is nearly right: when fewer than REWRITE_MINIMUM entries
        were read anew and at most a tenth of the file's records went unused. Reading a few
        edited entries again (~1 ms each) costs less than rewriting 10 MB after every save.
        Best effort: a cache that cannot be written only makes the next load slower."""
        if self.folder is None:
            return
        if self.records and read_now < REWRITE_MINIMUM:
            unused = len(self.records) - (len(records) - read_now)
            if unused * 10 <= len(self.records):
                return
        path = self.path
        assert path is not None
        payload = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            cachefile.replace(path, _MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload)
            for old in self.folder.glob(f"{PREFIX}*.pickle"):  # records of other code versions
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            return
        self.records = records
