"""Write a file of the cache folder (or the publish record) in one piece; read one, possibly
from what a long-lived process decoded ahead of time.

    cachefile.replace(path, data)
    cachefile.load(path, marshal.loads)      # decode(bytes), or what `preload` kept

Every file is sealed with a hash of its bytes (`seal`), checked on every read: a file cut
short, zeroed, overwritten or changed by one character raises `DamagedCache`, an OSError, which
every reader already treats as a missing cache. A cache can cost time, never change a page.

The bytes go to a temporary file beside `path`, which is then renamed to it, so a reader
never sees half a file. The old file is unlinked first rather than renamed over: on ext4
(auto_da_alloc) a rename that replaces a file forces the new file's data to disk at once,
which took up to 0.7 s for a 20 MB cache on a busy machine. A reader that comes in between
finds no file, and every user of this module treats a missing file as an empty cache.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar, cast

T = TypeVar("T")

_SEAL = b"explainer-cache 1\n"
_DIGEST_SIZE = 16


class DamagedCache(OSError):
    """A cache file whose bytes are not the ones written (see `seal`)."""


def seal(data: bytes) -> bytes:
    """`data` behind a marker and its hash, as `replace` writes it."""
    return _SEAL + hashlib.blake2b(data, digest_size=_DIGEST_SIZE).digest() + data


def unseal(blob: bytes, name: str = "cache file") -> bytes:
    """The data `seal` sealed; DamagedCache when the marker or the hash does not match."""
    start = len(_SEAL) + _DIGEST_SIZE
    data = blob[start:]
    if not blob.startswith(_SEAL) or hashlib.blake2b(data, digest_size=_DIGEST_SIZE).digest() != blob[len(_SEAL):start]:
        raise DamagedCache(f"{name} is damaged or was written by another version: ignored")
    return data

_preloaded: dict[str, tuple[tuple[int, int, int], Callable[[bytes], Any], Any]] = {}
"""Path -> (the file's inode, size and mtime when read, the decoder, what it returned)."""


def replace(path: Path, data: bytes) -> None:
    """Put a file holding `data` at `path` (folders made as needed); OSError on failure, with
    no temporary file left behind."""
    replace_parts(path, (data,))


def replace_parts(path: Path, parts: Iterable[bytes]) -> None:
    """`replace` with the data given in parts, each made when the previous one is written: a
    large cache need never be whole in memory (its seal is the same as the joined data's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A leading dot keeps the temporary file out of globs over the cache's own names.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            digest = hashlib.blake2b(digest_size=_DIGEST_SIZE)
            handle.write(_SEAL + bytes(_DIGEST_SIZE))  # the hash, once known, goes here
            for part in parts:
                digest.update(part)
                handle.write(part)
            handle.seek(len(_SEAL))
            handle.write(digest.digest())
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.rename(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _identity(path: str) -> tuple[int, int, int]:
    status = os.stat(path)
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def load(path: Path, decode: Callable[[bytes], T]) -> T:
    """`decode(the file's bytes)`; OSError when it cannot be read. When `preload` decoded the
    same file with the same function and the file has not been replaced since (`replace`
    makes a new inode), that result is returned as it is: callers must not change it, or
    change only their own forked copy (the preview's builds, see `build_server`)."""
    key = str(path)
    kept = _preloaded.get(key)
    if kept is not None:
        try:
            if kept[0] == _identity(key) and kept[1] is decode:
                return cast(T, kept[2])
        except OSError:
            pass
        del _preloaded[key]
    return decode(unseal(Path(key).read_bytes(), key))


def preload(path: Path, decode: Callable[[bytes], Any]) -> None:
    """Decode the file now, for `load` to return later (best effort: a file that cannot be read
    or decoded is left to `load`)."""
    key = str(path)
    try:
        identity = _identity(key)
        _preloaded[key] = (identity, decode, decode(unseal(Path(key).read_bytes(), key)))
    except Exception:  # the build reads it again and handles what goes wrong
        _preloaded.pop(key, None)


def forget() -> None:
    _preloaded.clear()
