"""content/ is checked like events.yaml: one fixture per defect, each with its exact messages.

`tests/fixtures/content/<case>/` holds the files a case adds to (or replaces in) a small valid
content folder, `_base/`, and an `expect` file with one `path:LINE:COL: message` per problem (none
for a case that must pass). Adding a case needs no code. Cases a repository cannot hold, such as
symbolic links out of the checkout, are made by the tests below it.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explainer.data.content_rules import MAX_BYTES, check, parse_page
from explainer.data.load import load_dataset
from explainer.data.model import Dataset
from tests.conftest import ROOT, copy_project, run_pelican

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CASES = sorted(folder for folder in FIXTURES.iterdir() if folder.is_dir() and not folder.name.startswith("_"))


@pytest.fixture
def dataset() -> Dataset:
    return load_dataset(Path(__file__).parent / "fixtures" / "valid" / "minimal.yaml")  # KG only


def lay_out(where: Path, case: Path | None = None) -> Path:
    """The base content folder, with a case's files over it, in `where/content`."""
    content = where / "content"
    shutil.copytree(FIXTURES / "_base", content)
    if case is not None:
        shutil.copytree(case, content, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expect"))
    return content


def problems_in(where: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(where)  # paths are shown relative to the working directory, as editors see them
    content = Path("content")
    return [str(problem) for problem in
            check(content, content / "countries", [content / "pages"], dataset.countries, "events.yaml")]


def test_the_base_is_valid(tmp_path: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    lay_out(tmp_path)
    assert problems_in(tmp_path, dataset, monkeypatch) == []


@pytest.mark.parametrize("case", CASES, ids=lambda folder: folder.name)
def test_content_fixture_reports_exactly_the_expected_problems(
        case: Path, tmp_path: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    lay_out(tmp_path, case)
    expected = (case / "expect").read_text(encoding="utf-8").splitlines()
    assert problems_in(tmp_path, dataset, monkeypatch) == expected


def test_a_country_without_a_page_is_reported_at_its_line_in_events_yaml(
        tmp_path: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    (lay_out(tmp_path) / "countries" / "kg.md").unlink()
    assert problems_in(tmp_path, dataset, monkeypatch) == [
        "events.yaml:3:3: country 'KG' has no page: write content/countries/kg.md (lines 'Title: Kyrgyzstan', "
        "'Country: KG' and 'Summary: ...', a blank line, then the text; see CONTRIBUTING.md, Country pages)"]


LINK = "is a symbolic link (to {target!r}); links are refused, so that nothing outside the repository can be " \
       "published: replace it with the file itself"


@pytest.mark.parametrize(("name", "target"), [
    ("countries/kg.md", "/proc/self/environ"),      # the build's environment, with its tokens
    ("countries/kg.md", "../../../../etc/passwd"),  # a file outside the checkout
    ("pages/about.md", "../countries/kg.md"),       # even one inside it
    ("pages/shared", "/etc"),                       # a folder
    ("pages/gone.md", "does-not-exist.md"),         # a dangling link
])
def test_every_symbolic_link_is_refused(name: str, target: str, tmp_path: Path, dataset: Dataset,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = lay_out(tmp_path) / name
    if path.exists():
        path.unlink()
    path.symlink_to(target)
    assert problems_in(tmp_path, dataset, monkeypatch) == [f"content/{name}:1:1: {LINK.format(target=target)}"]


def test_a_linked_content_folder_is_refused(tmp_path: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    real = lay_out(tmp_path / "elsewhere")
    (tmp_path / "content").symlink_to(real)
    assert problems_in(tmp_path, dataset, monkeypatch)[0] == f"content:1:1: {LINK.format(target=str(real))}"


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path, dataset: Dataset,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    page = lay_out(tmp_path) / "pages" / "about.md"
    with page.open("r+b") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse
    assert problems_in(tmp_path, dataset, monkeypatch) == [
        f"content/pages/about.md:1:1: is {MAX_BYTES + 1:,} bytes, over the limit of {MAX_BYTES:,} for a page: "
        "is this the right file?"]


def test_metadata_lines_and_body_are_split_with_their_lines() -> None:
    page = parse_page("\ufeffTitle: About\nSlug:  about \n\n# Body\n\ntext\n")
    assert [(field.key, field.value, field.line, field.value_column) for field in page.fields] == [
        ("title", "About", 1, 8), ("slug", "about", 2, 8)]
    assert (page.body, page.body_line) == ("# Body\n\ntext\n", 4)
    assert parse_page("Two words: are prose, not a key\nmore\n").fields == ()


# -- the build itself ----------------------------------------------------------------------------------
def test_the_build_stops_before_writing_and_prints_one_line_per_problem(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "content" / "countries" / "kg.md").unlink()
    (project / "content" / "countries" / "kg.md").symlink_to("/proc/self/environ")
    (project / "content" / "pages" / "about.md").write_bytes(b"Title: About\n\ncaf\xe9\n")
    result = run_pelican(project, project / "output")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"content/countries/kg.md:1:1: {LINK.format(target='/proc/self/environ')}",
        "content/pages/about.md:3:4: is not UTF-8: the byte 0xE9 here cannot be read; save the file with the "
        "UTF-8 encoding"]
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    said = " ".join((result.stdout + result.stderr).split())  # Pelican's log handler wraps lines
    assert "the build stopped before writing anything: 2" in said and "problems, listed above" in said
    assert not (project / "output").exists()


def test_an_output_folder_that_is_a_file_gets_a_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "output").write_text("not a folder\n", encoding="utf-8")
    result = run_pelican(project, project / "output")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    said = " ".join((result.stdout + result.stderr).split())
    assert "is not a folder, so the site cannot be published there: move or delete that file" in said
    assert (project / "output").read_text(encoding="utf-8") == "not a folder\n"


def test_validate_checks_content_too(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "content" / "pages" / "notes.txt").write_text("x\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "explainer", "validate"], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/pages/notes.txt:1:1: is not a Markdown page: only .md files are read here; rename it to .md or "
        "remove it", "1 problem in events.yaml and content/"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_publishes_nothing_and_leaves_no_process(tmp_path: Path, signum: int) -> None:
    """`kill` (or Ctrl-C) of `python3 run.py build` stops the pelican it started as well."""
    from benchmarks import corpus as corpus_mod
    from benchmarks import scale

    project = scale.make_project(corpus_mod.generate(1500), tmp_path / "project")
    for name in ("run.py", "tasks.py", "requirements.txt"):
        shutil.copy2(ROOT / name, project / name)
    (project / ".venv").symlink_to(ROOT / ".venv")  # the installed environment, not a new one
    env = {**os.environ, "PYTHONPATH": ""}
    first = subprocess.run([sys.executable, "run.py", "build"], cwd=project, env=env, capture_output=True, timeout=600)
    assert first.returncode == 0, first.stderr
    before = _tree(project / "output")
    events = project / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("    title: ", "    title: Changed ", 1),
                      encoding="utf-8")
    build = subprocess.Popen([sys.executable, "run.py", "build"], cwd=project, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(project.glob(".output-staging-*")):  # pelican is building
        assert build.poll() is None and time.monotonic() < deadline, "the build ended before it could be stopped"
        time.sleep(0.01)
    build.send_signal(signum)
    assert build.wait(timeout=60) == 128 + signum
    assert _working_in(project) == []  # no pelican goes on to publish
    assert _tree(project / "output") == before


def _working_in(folder: Path) -> list[str]:
    """Command lines of the processes whose working directory is `folder` (or under it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cwd = Path(os.readlink(entry / "cwd"))
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        if cwd == folder or folder in cwd.parents:
            found.append(command)
    return found


def test_a_countries_folder_that_is_a_file_is_reported(tmp_path: Path, dataset: Dataset,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    content = lay_out(tmp_path)
    shutil.rmtree(content / "countries")
    (content / "countries").write_text("x\n", encoding="utf-8")
    found = problems_in(tmp_path, dataset, monkeypatch)
    assert found[0] == ("content/countries:1:1: should be a folder of Markdown pages, not a file: move the file "
                        "away and make the folder")
    assert found[1].startswith("events.yaml:3:3: country 'KG' has no page")


@pytest.mark.parametrize("linked", ["events.yaml", "schema/events.schema.json", "themes/explainer/static/css/site.css"])
def test_other_published_inputs_may_not_be_links_either(tmp_path: Path, linked: str) -> None:
    """events.yaml and its schema are published as data files, and the theme's static files are
    copied: a link there would publish a file from outside the repository too."""
    project = copy_project(tmp_path / "project")
    path = project / linked
    secret = tmp_path / "secret"
    shutil.copy2(path, secret)  # the same bytes, so only the link itself can be the problem
    path.unlink()
    path.symlink_to(secret)
    result = run_pelican(project, project / "output")
    assert result.returncode == 1
    assert f"{linked}:1:1: {LINK.format(target=str(secret))}" in result.stderr.splitlines()
    assert not (project / "output").exists()


def test_metadata_header_is_split_from_the_body() -> None:
    from explainer.glue.reader import split_metadata

    assert split_metadata("Title: About\nSlug: about\n\n# Body\n\ntext\n") == (
        {"title": "About", "slug": "about"}, "# Body\n\ntext\n")
    assert split_metadata("Two words: are prose, not a key\nmore\n") == ({}, "Two words: are prose, not a key\nmore\n")
    assert split_metadata("# Heading first\n") == ({}, "# Heading first\n")
