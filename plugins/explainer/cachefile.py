"""Replace a file of the cache folder (or the publish record) with new bytes, in one piece.

    cachefile.replace(path, data)

The bytes go to a temporary file beside `path`, which is then renamed to it, so a reader
never sees half a file. The old file is unlinked first rather than renamed over: on ext4
(auto_da_alloc) a rename that replaces a file forces the new file's data to disk at once,
which took up to 0.7 s for a 20 MB cache on a busy machine. A reader that comes in between
finds no file, and every user of this module treats a missing file as an empty cache.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace(path: Path, data: bytes) -> None:
    """Put a file holding `data` at `path` (folders made as needed); OSError on failure, with
    no temporary file left behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A leading dot keeps the temporary file out of globs over the cache's own names.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.rename(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
