"""tasks.py, run.py and .ci/run: the commands editors and CI type, run for real.

Building and testing a fresh clone end to end takes minutes (a virtual environment, pip);
that is what `.ci/run` does. These tests check each piece quickly: the menu, validation output
and its GitHub annotations, the gate table, the bootstrap's stamp, and the documentation.
"""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import run
import tasks

ROOT = Path(__file__).resolve().parent.parent
TASKS = ("bench", "build", "catalogs", "check", "clean", "lint", "livereload", "new-event", "publish", "test",
         "translations", "validate")
BROKEN = """\
countries:
  KG: {name: Kyrgyzstan}
sources:
  occrp:
    title: Kyrgyzstan blocks TikTok
    publisher: OCCRP
    url: https://www.occrp.org/en/news/kyrgyzstan-blocks-tiktok
events:
  - id: kg-block
    date: "2024-02-30"
    tittle: Kyrgyzstan blocks TikTok
    summary: Blocked.
    kind: block
    countries: [KG]
    sources: [occrp]
"""


def invoke(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_invoke_list_is_a_menu_with_help_for_every_task() -> None:
    result = invoke("--list")
    assert result.returncode == 0, result.stderr
    listed = {}
    for line in result.stdout.splitlines()[2:]:
        match = re.match(r"^  (\S+)(?: \((\S+)\))?\s+(\S.*)$", line)
        if match:
            listed[match[1]] = match[3]
    assert set(TASKS) <= set(listed), f"missing from the menu: {set(TASKS) - set(listed)}"
    assert all(help_text.strip() for help_text in listed.values())
    assert "livereload (serve)" in result.stdout


def test_validate_passes_on_the_real_file() -> None:
    result = invoke("validate")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def broken_events(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_validate_prints_file_line_col_and_exits_1(broken_events: Path) -> None:
    result = invoke("validate", "--file", str(broken_events))
    assert result.returncode == 1
    problems = [line for line in (result.stdout + result.stderr).splitlines() if tasks.PROBLEM_LINE.match(line)]
    lines = {int(tasks.PROBLEM_LINE.match(line)["line"]) for line in problems}
    assert {10, 11} <= lines, problems  # the impossible date and the misspelt field


def test_validate_github_prints_annotations_and_a_summary(broken_events: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = invoke("validate", "--github", "--file", str(broken_events), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert any(",line=11,col=" in line and "tittle" in line for line in annotations), result.stdout
    assert any(",line=10,col=" in line for line in annotations), result.stdout
    assert "| 11 |" in summary.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "annotation"),
    [
        (
            "events.yaml:12:10: unknown field 'tittle'; did you mean 'title'?",
            "::error file=events.yaml,line=12,col=10,title=events.yaml check::"
            "unknown field 'tittle'; did you mean 'title'?",
        ),
        (
            f"{tasks.ROOT}/events.yaml:3:1: 100% wrong, really\r\n",
            "::error file=events.yaml,line=3,col=1,title=events.yaml check::100%25 wrong, really",
        ),
        ("a,b.yaml:1:2: x: y", "::error file=a%2Cb.yaml,line=1,col=2,title=events.yaml check::x: y"),
        ("3 problems found", "3 problems found"),
    ],
)
def test_github_annotation(line: str, annotation: str) -> None:
    assert tasks.github_annotation(line) == annotation


def test_step_summary_is_a_markdown_table() -> None:
    summary = tasks.step_summary(["events.yaml:4:2: a | b", "not a problem line"])
    assert "| 4 | 2 | a \\| b |" in summary
    assert "not a problem line" not in summary


def test_gate_table_from_a_real_pytest_report(tmp_path: Path) -> None:
    (tmp_path / "test_html_valid.py").write_text(
        "import pytest\n"
        "def test_ok(): pass\n"
        "def test_also_ok(): pass\n"
        "def test_bad(): assert False\n"
        "@pytest.mark.skip(reason='no java')\n"
        "def test_skipped(): pass\n",
        encoding="utf-8",
    )
    (tmp_path / "test_links.py").write_text("def test_ok(): pass\n", encoding="utf-8")
    junit = tmp_path / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", str(tmp_path)],
        cwd=tmp_path, capture_output=True, timeout=120,
    )
    rows = tasks.gate_rows(junit)
    assert rows == [tasks.GateRow("html valid", 2, 1, 1), tasks.GateRow("links", 1, 0, 0)]
    table = tasks.format_table(rows).splitlines()
    assert table[0].split() == ["gate", "result", "passed", "failed", "skipped"]
    assert table[2].split() == ["html", "valid", "FAIL", "2", "1", "1"]
    assert table[3].split() == ["links", "pass", "1", "0", "0"]


def test_bench_help_names_its_script() -> None:
    result = invoke("bench", "--help")
    assert result.returncode == 0
    assert "benchmarks/scale.py" in result.stdout


def test_the_preview_watches_the_data_file_too() -> None:
    assert {"events.yaml", "content", "themes", "plugins", "pelicanconf.py", "publishconf.py"} <= set(tasks.WATCHED)
    assert tasks._ignored("/x/plugins/explainer/__pycache__/model.cpython-311.pyc")
    assert not tasks._ignored("/x/plugins/explainer/model.py")


def test_the_preview_admits_its_reload_client_through_the_sites_csp(built_site) -> None:
    """A built page forbids all script; the preview serves it with a same-origin reload client."""
    from bs4 import BeautifulSoup

    def csp(soup: BeautifulSoup) -> str:
        return soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]

    page = (built_site.output / "index.html").read_bytes()
    built, served = BeautifulSoup(page, "html5lib"), BeautifulSoup(tasks.preview_html(page, 8123), "html5lib")
    assert "script-src 'none'" in csp(built)
    assert "script-src 'self'" in csp(served) and "script-src 'none'" not in csp(served)
    added = [script for script in served.find_all("script") if script.get("type") != "application/ld+json"]
    assert [script.get("src") for script in added] == ["/livereload.js?port=8123"]
    assert not added[0].string, "the client is not inline"
    assert "livereload" not in page.decode(), "the built files themselves stay untouched"


# --- run.py: the bootstrap -----------------------------------------------------------------------


def test_run_py_needs_only_the_standard_library() -> None:
    tree = ast.parse((ROOT / "run.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0]
                for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0]
                 for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported - {"__future__"} <= sys.stdlib_module_names


def test_the_stamp_follows_requirements_txt_and_the_python_version(tmp_path: Path) -> None:
    requirements, stamp = tmp_path / "requirements.txt", tmp_path / "stamp"
    requirements.write_text("pelican==4.12.0\n", encoding="utf-8")
    assert run.needs_install(stamp, requirements, "3.11")  # no stamp yet
    stamp.write_text(run.requirements_digest(requirements, "3.11") + "\n", encoding="utf-8")
    assert not run.needs_install(stamp, requirements, "3.11")
    assert run.needs_install(stamp, requirements, "3.12")  # another Python needs its own wheels
    requirements.write_text("pelican==4.12.0\nPyYAML==6.0.3\n", encoding="utf-8")
    assert run.needs_install(stamp, requirements, "3.11")  # changed pins mean a reinstall


def test_run_py_hands_over_to_invoke_in_the_existing_environment() -> None:
    """With .venv up to date, `python3 run.py --list` is the invoke menu (no reinstall)."""
    version = run._venv_version(run.venv_python())
    if version is None or run.needs_install(python_version=version):
        pytest.skip("the .venv of this checkout is not set up by run.py yet (run `python3 run.py build`)")
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "--list"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "new-event" in result.stdout and "run.py:" not in result.stderr


# --- .ci/run -----------------------------------------------------------------------------------


def test_ci_script_is_strict_bash() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0


FAKE_TOOLS = {
    # Stand-ins for the system tools .ci/run drives, each appending its arguments to a log.
    "dpkg-query": ('echo "dpkg-query $*" >> "$LOG"; '
                   'for p in $FAKE_MISSING; do [[ "${@: -1}" == "$p" ]] && exit 1; done; printf installed'),
    "apt-get": 'echo "apt-get $*" >> "$LOG"',
    "npm": 'echo "npm $*" >> "$LOG"',
    "id": "echo 0",
    "python3": ('if [[ "$1" == run.py ]]; then echo "python3 $*" >> "$LOG"; '
                '[[ "$2" == test ]] && exit "${FAKE_TEST_EXIT:-0}"; fi; exit 0'),
}


def run_ci(tmp_path: Path, missing: str = "", test_exit: int = 0) -> tuple[int, list[str]]:
    """Run a copy of .ci/run with stand-in system tools; return its exit code and what it ran."""
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_bytes((ROOT / ".ci" / "run").read_bytes())
    (tmp_path / ".ci" / "run").chmod(0o755)
    (tmp_path / "package-lock.json").write_text("{}", encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in FAKE_TOOLS.items():
        (bin_dir / name).write_text(f"#!/usr/bin/env bash\n{body}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "log"
    log.touch()
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "LOG": str(log), "FAKE_MISSING": missing, "FAKE_TEST_EXIT": str(test_exit), "HOME": str(tmp_path),
    }
    result = subprocess.run([str(tmp_path / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60)
    return result.returncode, log.read_text(encoding="utf-8").splitlines()


def test_ci_skips_apt_when_everything_is_installed_then_runs_npm_ci_build_and_test(tmp_path: Path) -> None:
    code, ran = run_ci(tmp_path)
    assert code == 0
    assert not [line for line in ran if line.startswith("apt-get")]
    steps = [line for line in ran if not line.startswith("dpkg-query")]
    assert steps == ["npm ci --no-audit --no-fund", "python3 run.py build", "python3 run.py lint",
                     "python3 run.py test"]
    checked = {line.split()[-1] for line in ran if line.startswith("dpkg-query")}
    assert checked == {"default-jre-headless", "chromium", "chromium-driver", "strace"}


def test_ci_installs_exactly_the_missing_packages(tmp_path: Path) -> None:
    code, ran = run_ci(tmp_path, missing="chromium-driver default-jre-headless")
    assert code == 0
    apt = [line for line in ran if line.startswith("apt-get")]
    assert apt == [
        "apt-get update",
        "apt-get install -y --no-install-recommends default-jre-headless chromium-driver",
    ]


def test_ci_fails_when_the_tests_fail(tmp_path: Path) -> None:
    code, ran = run_ci(tmp_path, test_exit=1)
    assert code == 1
    assert ran[-1] == "python3 run.py test"


# --- documentation -----------------------------------------------------------------------------


def test_readme_gives_the_two_commands_and_documents_every_task() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 run.py build" in readme and "python3 run.py test" in readme
    for name in TASKS:
        assert re.search(rf"(invoke|run\.py) {re.escape(name)}\b", readme), f"README does not mention task {name}"


def test_readme_and_guide_links_resolve() -> None:
    for document in (ROOT / "README.md", ROOT / "docs" / "editing-in-the-browser.md"):
        text = document.read_text(encoding="utf-8")
        for target in re.findall(r"\]\((?!https?://|#|mailto:)([^)#\s]+)", text):
            assert (document.parent / target).exists(), f"{document.name} links to missing {target}"


def test_a_build_without_content_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pelican itself would stop with a traceback before the plugin could say anything."""
    from invoke import Context, Exit

    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    with pytest.raises(Exit) as caught:
        tasks._pelican(Context(), tasks.LOCAL_SETTINGS)
    assert caught.value.code == 1 and "content is missing or not a folder" in str(caught.value.message)
