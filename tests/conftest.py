"""Shared fixtures: real Pelican builds of the site, made once per test session.

`built_site` is the real site (events.yaml + content/) built with pelicanconf.py into a
temporary folder; quality-gate tests reuse it instead of building again. `subpath_site` is
the same built with publishconf.py and SITEURL=https://example.org/sub. `sample_site` is
built from the hand-made Dataset in tests/site_sample.py (for cases the real data lacks).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUBPATH_SITEURL = "https://example.org/sub"


@dataclass(frozen=True)
class BuiltSite:
    """A site built into `output`, with the SITEURL it was built for."""

    output: Path
    siteurl: str

    def page(self, path: str) -> Path:
        """The file for a site path: 'timeline/' -> output/timeline/index.html."""
        file = self.output / path
        return file / "index.html" if path == "" or path.endswith("/") else file

    def html_files(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))


def build_in_process(output: Path, settings_file: Path = ROOT / "pelicanconf.py",
                     extra_pages: dict[str, str] | None = None, _replace: dict[str, bytes] | None = None,
                     **override: Any) -> BuiltSite:
    """Run Pelican in this process (as `pelican -s settings_file` would) into `output`.

    With a hand-made EXPLAINER_DATASET, content/ must match it (a page for each of its
    countries and no other: content_rules), so the build reads a copy of the real content/
    with the country pages of that dataset's countries beside `output` (and `extra_pages`, file
    name -> text, in its pages folder; `_replace`, path in content/ -> bytes, overwrites files)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    dataset = override.get("EXPLAINER_DATASET")
    if dataset is not None and "PATH" not in override:
        content = output.parent / f"{output.name}-content"
        shutil.rmtree(content, ignore_errors=True)
        shutil.copytree(ROOT / "content" / "pages", content / "pages")
        (content / "countries").mkdir()
        for code, country in dataset.countries.items():
            real = ROOT / "content" / "countries" / f"{code.lower()}.md"
            text = (real.read_text(encoding="utf-8") if real.is_file() else
                    f"Title: {country.name.en}\nCountry: {code}\nSummary: A test country.\n\nA test page.\n")
            (content / "countries" / f"{code.lower()}.md").write_text(text, encoding="utf-8")
        for name, text in (extra_pages or {}).items():
            (content / "pages" / name).write_text(text, encoding="utf-8")
        for relative, data in (_replace or {}).items():
            (content / relative).write_bytes(data)
        override = {"PATH": str(content), "EXPLAINER_COUNTRIES_DIR": str(content / "countries"), **override}
    settings = read_settings(str(settings_file), override={"OUTPUT_PATH": str(output), **override})
    Pelican(settings).run()
    return BuiltSite(output, settings["SITEURL"])


def pelican_command(output: Path, settings: str = "pelicanconf.py") -> list[str]:
    """The `pelican` command line editors and CI run, from the project folder."""
    return [sys.executable, "-m", "pelican", "content", "-s", settings, "-o", str(output)]


def run_pelican(project: Path, output: Path, settings: str = "pelicanconf.py",
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `pelican` command the way editors and CI do, in a child process."""
    return subprocess.run(pelican_command(output, settings), cwd=project, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


PROJECT_PARTS = ("pelicanconf.py", "publishconf.py", "events.yaml", "plugins", "themes", "content", "schema")


def copy_project(target: Path) -> Path:
    """Copy what a build reads (settings, data, plugin, theme, content) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The real site, built once per session with pelicanconf.py."""
    return build_in_process(tmp_path_factory.mktemp("site") / "output")


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The real site built with publishconf.py for https://example.org/sub."""
    return build_in_process(tmp_path_factory.mktemp("subpath") / "output", ROOT / "publishconf.py",
                            SITEURL=SUBPATH_SITEURL)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """A site built from the hand-made sample Dataset (no events.yaml involved)."""
    from tests.site_sample import sample_dataset

    return build_in_process(tmp_path_factory.mktemp("sample") / "output", EXPLAINER_DATASET=sample_dataset())
