"""The golden output: a small site built byte for byte as committed.

`tests/fixtures/golden/project/` is a small, fixed events.yaml with its content/ (made once from
the benchmark corpus, then kept as files so that it changes only on purpose), and
`tests/fixtures/golden/site/` every file a build of it writes. A change of code, template or
data handling that changes any byte of any page, feed or data file fails this test; when the
change is meant, regenerate the golden site and review its diff in the commit:

    UPDATE_GOLDEN=1 python3 run.py test --args "tests/test_golden.py"
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_pelican

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: fixed, since statuses go stale with the build's day


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def golden_project(where: Path) -> Path:
    """A copy of the golden project in `where/project`, with this repository's settings, plugin
    and theme (so it builds with the code under test)."""
    project = where / "project"
    shutil.copytree(GOLDEN / "project", project)
    shutil.copy2(ROOT / "pelicanconf.py", project / "pelicanconf.py")
    for name in ("plugins", "themes", "schema"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    return project


def build_golden_project(where: Path) -> Path:
    """The golden project built into `where/output`."""
    result = run_pelican(golden_project(where), where / "output", env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert result.returncode == 0, result.stderr[-3000:]
    return where / "output"


def test_the_golden_project_builds_byte_for_byte_as_committed(tmp_path: Path) -> None:
    built = tree(build_golden_project(tmp_path))
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN / "site", ignore_errors=True)
        shutil.copytree(tmp_path / "output", GOLDEN / "site")
        pytest.skip("golden site written: review its diff before committing it")
    expected = tree(GOLDEN / "site")
    assert sorted(built) == sorted(expected), "files added or missing"
    changed = [name for name in expected if built[name] != expected[name]]
    assert changed == [], f"{len(changed)} files differ from the golden site, e.g. {changed[:5]}"
