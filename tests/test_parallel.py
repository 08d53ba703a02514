"""Forked workers: results come back in order, and a failure anywhere fails the whole call."""
from __future__ import annotations

import os

import pytest

from explainer.support import parallel


def test_results_in_share_order_from_other_processes() -> None:
    results = parallel.run_shares([1, 2, 3], lambda n: (n * 10, os.getpid()))
    assert [value for value, _ in results] == [10, 20, 30]
    pids = {pid for _, pid in results}
    assert os.getpid() in pids and len(pids) == 3


def test_a_failing_child_fails_the_call_with_its_traceback() -> None:
    def task(n: int) -> int:
        if n == 2:
            raise ValueError("broken template in worker")
        return n

    with pytest.raises(parallel.WorkerFailed, match="broken template in worker"):
        parallel.run_shares([1, 2], task)


def test_a_failing_parent_share_raises_and_reaps_the_children() -> None:
    def task(n: int) -> int:
        if n == 1:
            raise KeyError("parent share")
        return n

    with pytest.raises(KeyError):
        parallel.run_shares([1, 2, 3], task)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # nothing left to reap


def test_split_balances_weight_and_keeps_order() -> None:
    items = list("abcdefgh")
    weights = [8, 1, 1, 1, 1, 1, 1, 1]
    parts = parallel.split(items, weights, 2)
    assert sorted(item for part in parts for item in part) == items
    assert all(part == sorted(part) for part in parts)
    loads = [sum(weights[items.index(item)] for item in part) for part in parts]
    assert max(loads) - min(loads) <= 1


def test_worker_count() -> None:
    assert parallel.worker_count(3) == 3
    assert parallel.worker_count(0) == 1
    assert parallel.worker_count() >= 1


def test_run_in_child_returns_the_result_from_another_process() -> None:
    value, pid = parallel.run_in_child(lambda: ({"a": (1, 2)}, os.getpid()))
    assert value == {"a": (1, 2)} and pid != os.getpid()


def test_run_in_child_failure_carries_the_traceback() -> None:
    def task() -> None:
        raise LookupError("nothing here")

    with pytest.raises(parallel.WorkerFailed, match="LookupError: nothing here"):
        parallel.run_in_child(task)



def test_meanwhile_runs_in_this_process_after_its_share() -> None:
    seen: list[tuple[str, int]] = []

    def task(n: int) -> int:
        seen.append(("share", n))  # only share 0's append is visible here
        return n

    results = parallel.run_shares([1, 2], task, meanwhile=lambda: seen.append(("meanwhile", os.getpid())))
    assert results == [1, 2]
    assert seen == [("share", 1), ("meanwhile", os.getpid())]
