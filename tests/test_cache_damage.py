"""A damaged or unusable cache costs time, never correctness.

Every file of the cache folder (the entry records, the Markdown and data-line caches, the
fingerprint record, Jinja's compiled templates) and the records of both build folders (what
each holds, see `publish`) is damaged in four ways:
cut short, zeroed, replaced by random bytes, one character changed (a cached text edited in
place, so the file still decodes). After each, a rebuild of
an edited project must publish exactly what a clean build of it publishes. So must a build
whose cache folder is a file or a dangling link.
"""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from tests.conftest import pelican_command, run_pelican
from tests.test_golden import SOURCE_DATE_EPOCH, golden_project, tree


def _edit_text(data: bytes) -> bytes:
    """A change that leaves the file readable: a cached paragraph or word altered in place."""
    for old, new in ((b"<p>", b"<i>"), (b"Content-Security-Policy", b"Content-Security-Polic_"), (b"the", b"tha")):
        if old in data:
            return data.replace(old, new, 1)
    return data[:-1] + bytes([data[-1] ^ 0x01])


DAMAGES = {
    "cut short": lambda data: data[:30],
    "zeroed": lambda data: bytes(len(data)),
    "random bytes": lambda data: random.Random(len(data)).randbytes(len(data)),
    "one character changed": _edit_text,
}


def make_project(where: Path) -> Path:
    return golden_project(where)


def build(project: Path) -> dict[str, bytes]:
    result = run_pelican(project, project / "output", env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert result.returncode == 0, result.stderr[-3000:]
    return tree(project / "output")


def edit(project: Path) -> None:
    events = project / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("    title: ", "    title: Edited ", 1),
                      encoding="utf-8")


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A project built once (its cache filled), and what a clean build of the edited project gives."""
    clean = make_project(tmp_path_factory.mktemp("clean"))
    edit(clean)
    expected = build(clean)
    project = make_project(tmp_path_factory.mktemp("warm"))
    build(project)
    build(project)  # both build folders and their records
    return project, expected


def cache_kinds(project: Path) -> list[str]:
    """Each cache file, Jinja's compiled templates as one kind, and the build folders' records,
    relative to the project."""
    return [*(f".cache/{path.name}" for path in sorted((project / ".cache").iterdir()) if path.is_file()),
            ".cache/jinja/*", ".output-builds/a.record", ".output-builds/b.record"]


def test_the_cache_holds_every_kind_of_file(warm: tuple[Path, dict[str, bytes]]) -> None:
    project, _expected = warm
    names = " ".join(cache_kinds(project))
    for kind in ("entries-", "markdown", "lines", "outputs-", "jinja/*"):
        assert kind in names, names
    assert all((project / kind).is_file() for kind in cache_kinds(project) if "*" not in kind)


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_cache_file_never_changes_what_is_published(
        warm: tuple[Path, dict[str, bytes]], tmp_path: Path, damage: str) -> None:
    source, expected = warm
    for kind in cache_kinds(source):
        project = tmp_path / kind.replace("/", "-").replace("*", "all")
        shutil.copytree(source, project, symlinks=True)
        targets = sorted((project / ".cache" / "jinja").iterdir()) if kind.endswith("/*") else [project / kind]
        for target in targets:
            target.write_bytes(DAMAGES[damage](target.read_bytes()))
        edit(project)
        assert build(project) == expected, f"{kind} {damage}: the rebuild differs from a clean build"
        assert build(project) == expected, f"{kind} {damage}: the build after it differs from a clean build"


@pytest.mark.parametrize("what", ["a file", "a dangling link"])
def test_an_unusable_cache_folder_builds_without_it(warm: tuple[Path, dict[str, bytes]], tmp_path: Path,
                                                    what: str) -> None:
    source, expected = warm
    project = tmp_path / "project"
    shutil.copytree(source, project, symlinks=True)
    shutil.rmtree(project / ".cache")
    if what == "a file":
        (project / ".cache").write_text("not a folder\n", encoding="utf-8")
    else:
        (project / ".cache").symlink_to(tmp_path / "nowhere" / "cache")
    edit(project)
    assert build(project) == expected


def test_builds_at_the_same_time_wait_for_each_other(warm: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    """A second build into the same output/ waits for the first (here: this test, holding the
    lock) and says so; it breaks nothing, and then publishes the edited site."""
    import fcntl
    import os
    import subprocess
    import time

    source, expected = warm
    project = tmp_path / "project"
    shutil.copytree(source, project, symlinks=True)
    edit(project)
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    command = pelican_command(project / "output")
    with open(project / ".output.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a first build is publishing
        waiting = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        time.sleep(3)
        assert waiting.poll() is None, "the second build did not wait"
        assert not list(project.glob(".output-staging-*"))  # it waits before staging anything
        fcntl.flock(lock, fcntl.LOCK_UN)
    said, _ = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, said
    assert "Another build is publishing to" in " ".join(said.split())
    assert tree(project / "output") == expected
    # Two real builds at once: both succeed, one after the other.
    builds = [subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for _ in range(2)]
    outcomes = [build.communicate(timeout=300) for build in builds]
    assert [build.returncode for build in builds] == [0, 0], outcomes
    assert tree(project / "output") == expected


STRACE = shutil.which("strace")


DISK_CHANGES = "rename,renameat,renameat2,unlink,unlinkat,link,linkat,symlink,symlinkat,mkdir,mkdirat,rmdir"
"""Every system call by which a build changes a folder: a build is killed at the Nth of them."""


def _count_disk_changes(project: Path, env: dict[str, str]) -> dict[str, int]:
    """How many times a build makes each system call of DISK_CHANGES."""
    import re
    import subprocess

    counted = subprocess.run([str(STRACE), "-f", "-c", "-e", f"trace={DISK_CHANGES}",
                              *pelican_command(project / "output")], cwd=project, env=env, capture_output=True,
                             text=True)
    assert counted.returncode == 0, counted.stderr[-3000:]
    rows = re.findall(r"^\s*[\d.]+\s+[\d.]+\s+\d*\s+(\d+)\s+(?:\d+\s+)?(\w+)$", counted.stderr, re.MULTILINE)
    counts = {name: int(calls) for calls, name in rows if name != "total"}
    assert counts, counted.stderr[-3000:]
    return counts


@pytest.mark.skipif(STRACE is None and not os.environ.get("CI"), reason="strace is not installed (CI installs it)")
def test_a_build_killed_at_any_change_to_the_disk_leaves_the_old_site_or_the_new(tmp_path: Path) -> None:
    """kill -9 at the first, a middle and the last call of each kind by which a rebuild changes
    the disk (strace injects the signal; it counts each kind apart): output/ is then exactly the
    old site or exactly the new one. The next build, of the edit or of a revert, publishes
    exactly what a clean build of it does."""
    import subprocess

    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONDONTWRITEBYTECODE": "1"}
    before, after = make_project(tmp_path / "before"), make_project(tmp_path / "after")
    edit(after)
    expected = {"before": build(before), "after": build(after)}
    project = make_project(tmp_path / "project")
    original = (project / "events.yaml").read_text(encoding="utf-8")
    build(project)
    build(project)
    edit(project)
    counts = _count_disk_changes(project, env)
    (project / "events.yaml").write_text(original, encoding="utf-8")
    assert build(project) == expected["before"]
    kills = [(call, when) for call, count in sorted(counts.items()) for when in sorted({1, (count + 1) // 2, count})]
    stopped = 0
    for number, (call, when) in enumerate(kills):
        edit(project)
        killed = subprocess.run([str(STRACE), "-f", "-qq", "-o", os.devnull, "-e",
                                 f"inject={call}:signal=KILL:when={when}", *pelican_command(project / "output")],
                                cwd=project, env=env, capture_output=True)
        stopped += killed.returncode != 0
        where = f"killed at {call} number {when}"
        assert tree(project / "output") in (expected["before"], expected["after"]), where
        if number % 2:
            assert build(project) == expected["after"], f"{where}, then built again"
        (project / "events.yaml").write_text(original, encoding="utf-8")
        assert build(project) == expected["before"], f"{where}, then reverted"
    assert stopped >= len(kills) * 3 // 4, f"only {stopped} of {len(kills)} builds were killed: {counts}"


def _mount_tmpfs(folder: Path, size: int) -> bool:
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    return mounted.returncode == 0


def test_a_full_cache_disk_costs_time_not_correctness(tmp_path: Path) -> None:
    """The cache folder on a disk that fills up while the caches are saved: the build still
    publishes the right site, and so do the builds after it, a revert included."""
    import subprocess

    before, after = make_project(tmp_path / "before"), make_project(tmp_path / "after")
    edit(after)
    expected = {"before": build(before), "after": build(after)}
    project = make_project(tmp_path / "project")
    original = (project / "events.yaml").read_text(encoding="utf-8")
    build(project)
    kept = tmp_path / "kept-cache"
    shutil.move(project / ".cache", kept)
    used = sum(path.stat().st_size for path in kept.rglob("*") if path.is_file())
    # Room for the caches as they are; a filler then takes the rest.
    if not _mount_tmpfs(project / ".cache", 2 * used + 1024 * 1024):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        shutil.copytree(kept, project / ".cache", dirs_exist_ok=True)
        filler = project / ".cache" / "filler"
        descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while True:  # until the disk is full
                os.write(descriptor, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(descriptor)
        edit(project)
        assert build(project) == expected["after"]
        (project / "events.yaml").write_text(original, encoding="utf-8")
        assert build(project) == expected["before"]
        filler.unlink()
        assert build(project) == expected["before"]
    finally:
        subprocess.run(["umount", str(project / ".cache")], capture_output=True)


def test_a_full_output_disk_leaves_the_old_site(tmp_path: Path) -> None:
    """output/ on a disk that is full when a rebuild writes its pages: the build fails with a
    message that says so, output/ is wholly the old site, and once there is room again the
    build publishes the edit, and a revert the old site."""
    import subprocess

    before, after = make_project(tmp_path / "before"), make_project(tmp_path / "after")
    edit(after)
    expected = {"before": build(before), "after": build(after)}
    project = make_project(tmp_path / "project")
    original = (project / "events.yaml").read_text(encoding="utf-8")
    disk = tmp_path / "disk"
    size = sum(len(data) for data in expected["before"].values())
    if not _mount_tmpfs(disk, 8 * size + 4 * 1024 * 1024):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    env = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    output = disk / "output"
    try:
        assert run_pelican(project, output, env=env).returncode == 0
        assert run_pelican(project, output, env=env).returncode == 0  # the spare folder exists too
        filler = disk / "filler"
        descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while True:  # until the disk is full
                os.write(descriptor, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(descriptor)
        edit(project)
        full = run_pelican(project, output, env=env)
        assert full.returncode != 0, "the build succeeded on a full disk"
        said = " ".join((full.stdout + full.stderr).split())
        assert "that its disk has room" in said, said[-2000:]
        assert tree(output) == expected["before"]
        filler.unlink()
        assert run_pelican(project, output, env=env).returncode == 0
        assert tree(output) == expected["after"]
        (project / "events.yaml").write_text(original, encoding="utf-8")
        assert run_pelican(project, output, env=env).returncode == 0
        assert tree(output) == expected["before"]
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
