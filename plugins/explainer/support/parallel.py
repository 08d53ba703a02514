"""Spread a build's work over every core: forked workers that inherit the built site context.

Rendering pages is pure CPU work on data that is already in memory, so the cheapest way to
use a second core is `os.fork`: each child starts with the loaded dataset, the compiled
templates and the warmed caches (copy-on-write, nothing pickled on the way in), does its
share, and sends back only a small picklable result through a pipe. The parent does the
first share itself, so two cores cost one fork.

Failure is all-or-nothing: if a child raises, the parent raises `WorkerFailed` with the
child's traceback, so a broken template still fails the build (and `publish` leaves the
last good site alone). Where fork does not exist, or with one
core, everything runs in this process.
"""
from __future__ import annotations

import functools
import gc
import os
import pickle
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")


class WorkerFailed(RuntimeError):
    """A forked worker raised; the message carries its traceback."""


MAX_DEFAULT_WORKERS = 4
"""Each worker adds its own rendering memory (~50 MB at 10,000 events); beyond four the
shared parts of the build (loading, data files) dominate anyway."""


def worker_count(setting: int | None = None) -> int:
    """How many processes to use: the setting if given (>= 1), else the usable cores (at most 4)."""
    if setting is not None:
        return max(1, int(setting))
    if not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_shares(
    shares: Sequence[T], task: Callable[[T], R], meanwhile: Callable[[], None] | None = None
) -> list[R]:
    """`[task(share) for share in shares]`, one share per process; results in share order.

    Share 0 runs in this process; every other share runs in a forked child. `task` must not
    rely on side effects in the parent's memory: only its return value comes back.
    `meanwhile()`, if given, runs in this process after share 0, while the children may
    still be working (so give share 0 less to do).
    """
    if len(shares) <= 1 or not hasattr(os, "fork"):
        results = [task(share) for share in shares]
        if meanwhile is not None:
            meanwhile()
        return results
    # Objects alive now are never freed during the build: moving them out of the collector's
    # generations keeps collections short and stops them touching (and so copying) the pages
    # children share with the parent.
    frozen_before = gc.get_freeze_count() > 0
    gc.collect()
    gc.freeze()
    children: list[tuple[int, int]] = []
    try:
        for share in shares[1:]:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # child: do the share, send the pickled outcome, never return
                os.close(read_fd)
                _child_main(write_fd, functools.partial(task, share))
            os.close(write_fd)
            children.append((pid, read_fd))
        results = [task(shares[0])]
        if meanwhile is not None:
            meanwhile()
        failures = []
        for pid, read_fd in children:
            data = _read_all(read_fd)
            os.close(read_fd)
            _, status = os.waitpid(pid, 0)
            if not data:
                failures.append(f"worker {pid} exited with status {status} and sent nothing")
                continue
            ok, value = pickle.loads(data)
            if ok:
                results.append(value)
            else:
                failures.append(value)
        children = []
        if failures:
            raise WorkerFailed("a build worker failed:\n" + "\n".join(failures))
        return results
    finally:
        for pid, read_fd in children:  # the parent's own share raised: reap the children
            try:
                os.close(read_fd)
                os.waitpid(pid, 0)
            except OSError:
                pass
        if not frozen_before:  # a caller that froze its long-lived objects keeps them frozen
            gc.unfreeze()


def _child_main(write_fd: int, work: Callable[[], object]) -> NoReturn:
    """In a forked child: run `work`, send (ok, result or traceback) pickled, and exit.

    Never returns, so the child cannot fall back into the parent's code (or its finally
    blocks) after the fork.
    """
    status = 0
    try:
        payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # everything must reach the parent
        payload = pickle.dumps((False, traceback.format_exc()))
        status = 1
    try:
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(status)


def run_in_child(task: Callable[[], R]) -> R:
    """`task()` run in a forked child; only its pickled result comes back.

    For work that leaves a large, fragmented heap behind (composing a big YAML file): the
    child's memory is returned to the system when it exits, whatever the allocator kept.
    Without fork, the task runs here.
    """
    if not hasattr(os, "fork"):
        return task()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child_main(write_fd, task)
    os.close(write_fd)
    try:
        data = _read_all(read_fd)
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    if not data:
        raise WorkerFailed(f"worker {pid} exited with status {status} and sent nothing")
    ok, value = pickle.loads(data)
    if not ok:
        raise WorkerFailed("a build worker failed:\n" + value)
    return cast(R, value)


def split(items: Sequence[T], weights: Sequence[int], parts: int) -> list[list[T]]:
    """Deal items into `parts` lists of about equal total weight, keeping their order within each."""
    loads = [0] * parts
    chosen: list[list[tuple[int, T]]] = [[] for _ in range(parts)]
    # Heaviest first onto the lightest part (greedy LPT), then restore the original order.
    order = sorted(range(len(items)), key=lambda i: -weights[i])
    for index in order:
        part = loads.index(min(loads))
        loads[part] += weights[index]
        chosen[part].append((index, items[index]))
    return [[item for _, item in sorted(part)] for part in chosen]
