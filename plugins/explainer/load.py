"""Load events.yaml into the typed model: the one entry point the rest of the program uses.

    dataset = load_dataset(Path("events.yaml"))

Any defect raises `EventsFileError`, whose `.problems` lists every problem found, each as
`events.yaml:LINE:COL: message`. Nothing else escapes: not a YAML error, not a KeyError.
"""
from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from .model import Dataset
from .parallel import run_in_child
from .problems import EventsFileError, Problem
from .validate import validate
from .yamlsource import compose, decode, read_file

__all__ = ["EventsFileError", "Problem", "load_dataset", "load_dataset_from_bytes", "load_dataset_from_text"]


def load_dataset(path: Path, display_name: str | None = None) -> Dataset:
    """Read and validate the file at `path`; messages name it `display_name` (default: the path as given)."""
    name = str(path) if display_name is None else display_name
    return _from_text(read_file(Path(path), name), name)


def load_dataset_from_bytes(data: bytes, display_name: str = "events.yaml") -> Dataset:
    """As `load_dataset`, for the bytes of a file (checked to be UTF-8)."""
    return _from_text(decode(data, display_name), display_name)


def load_dataset_from_text(text: str, display_name: str = "events.yaml") -> Dataset:
    """As `load_dataset`, for text already in memory (tests, editors' previews)."""
    return _from_text(text, display_name)


ISOLATE_ABOVE = 1_000_000
"""Texts longer than this (characters; about 1,000 events) are loaded in a forked child."""


def _from_text(text: str, display_name: str) -> Dataset:
    """Load large files in a child process, small ones here.

    Composing leaves a heap of YAML nodes and marks about 14 times the size of the file
    (~140 MB at 10,000 events) that the allocator keeps, fragmented, for the rest of the
    build even after the nodes are freed; the Dataset itself is a tenth of that. A child
    composes and validates, sends the Dataset back pickled and takes its heap with it.
    """
    if len(text) <= ISOLATE_ABOVE or not hasattr(os, "fork"):
        return _load(text, display_name)

    def task() -> tuple[bool, Any]:
        try:
            return True, _load(text, display_name)
        except EventsFileError as error:  # problems travel as data, raised again here
            return False, error.problems

    ok, value = run_in_child(task)
    if not ok:
        raise EventsFileError(value)
    return value


def _load(text: str, display_name: str) -> Dataset:
    # Composing and validating allocate hundreds of thousands of small objects and free none of
    # them until the end; the cyclic garbage collector would rescan the growing heap again and
    # again (4x slower on 10,000 events). Nothing here creates garbage cycles, so pause it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return validate(compose(text, display_name), display_name)
    finally:
        if enabled:
            gc.enable()
