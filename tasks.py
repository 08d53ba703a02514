"""Project tasks for invoke: validate, build, preview, scaffold, check, publish.

`invoke --list` prints the menu. From a fresh clone use `python3 run.py <task>`, which creates the
virtual environment first. Every task runs tools with the interpreter that runs invoke
(`sys.executable`), so the pinned Pelican and pytest of `.venv/` are used without activating it.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from invoke.context import Context
from invoke.exceptions import Exit
from invoke.runners import Result
from invoke.tasks import task

ROOT = Path(__file__).resolve().parent
OUTPUT = ROOT / "output"
CACHE = ROOT / ".cache"
CATALOGS = ROOT / "themes" / "explainer" / "translations"
EDITIONS = ("ru", "kk", "ky")
"""Languages with an interface catalog besides English (explainer.data.text.LANGUAGES)."""
PYTHON = sys.executable
sys.path.insert(0, str(ROOT / "plugins"))  # so tasks can import explainer (new-event)

LOCAL_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"

WATCHED = ("events.yaml", "content", "themes", "plugins", LOCAL_SETTINGS, PUBLISH_SETTINGS)
"""What the live preview watches. Pelican's own watcher ignores events.yaml; ours does not."""
CODE = ("plugins", LOCAL_SETTINGS, PUBLISH_SETTINGS)
"""Of those, the code: the preview's build server is started again when it changes."""

PROBLEM_LINE = re.compile(r"^(?P<file>[^:\n]+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")
"""The validator's `events.yaml:LINE:COL: message` format."""


def _env(**extra: str) -> dict[str, str]:
    """Environment for our tools: plugins/ importable (for `python -m explainer`)."""
    paths = [str(ROOT / "plugins"), str(ROOT)]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    return {"PYTHONPATH": os.pathsep.join(paths), **extra}


def _run(
    c: Context, argv: Iterable[str | os.PathLike[str]], *, warn: bool = False, hide: bool = False,
    env: dict[str, str] | None = None,
) -> Result:
    """Run a command given as a list of arguments, from the repository root."""
    command = " ".join(shlex.quote(str(arg)) for arg in argv)
    with c.cd(str(ROOT)):
        return c.run(command, env=_env(**(env or {})), warn=warn, hide=hide, pty=False)


# --- validate -------------------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(line: str, root: Path = ROOT) -> str:
    """Turn one `file:line:col: message` line into a GitHub `::error` workflow command.

    GitHub then shows the message on that line of the file in the pull request. Lines in any
    other format (a summary, a crash) come back unchanged, so nothing is lost from the log.
    """
    match = PROBLEM_LINE.match(line.rstrip("\r\n"))
    if not match:
        return line
    path = Path(match["file"])
    if path.is_absolute():
        try:
            path = path.relative_to(root)
        except ValueError:
            pass
    properties = ",".join(
        [
            f"file={_escape_property(path.as_posix())}",
            f"line={match['line']}",
            f"col={match['column']}",
            f"title={_escape_property('events.yaml check')}",
        ]
    )
    return f"::error {properties}::{_escape_data(match['message'])}"


def step_summary(problems: Iterable[str]) -> str:
    """Markdown for the workflow run's summary page, which editors reach from a failed check."""
    lines = ["## events.yaml needs fixing", "", "| Line | Column | Problem |", "| ---: | ---: | --- |"]
    for problem in problems:
        match = PROBLEM_LINE.match(problem)
        if match:
            message = match["message"].replace("|", "\\|")
            lines.append(f"| {match['line']} | {match['column']} | {message} |")
    lines += ["", "Fix each line in `events.yaml` and commit; the check runs again by itself."]
    return "\n".join(lines) + "\n"


@task(
    help={
        "github": "print problems as GitHub ::error annotations (the pull-request workflow uses it)",
        "file": "the events file to check (default: events.yaml)",
    }
)
def validate(c: Context, github: bool = False, file: str = "events.yaml") -> None:
    """Check events.yaml and content/; list each problem as file:line:col.

    Prints every problem as `events.yaml:LINE:COL: message` (or `content/...md:LINE:COL: ...`)
    and exits 1 if there is any.
    """
    result = _run(c, [PYTHON, "-m", "explainer", "validate", file], warn=True, hide=github)
    if github:
        output = (result.stdout + result.stderr).splitlines()
        for line in output:
            print(github_annotation(line))
        problems = [line for line in output if PROBLEM_LINE.match(line)]
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary and problems:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(step_summary(problems))
    if result.exited != 0:
        raise Exit(code=1)


@task
def translations(c: Context, lang: str = "", strict: bool = False, file: str = "events.yaml") -> None:
    """List, per language, the entries of events.yaml whose texts are not translated yet.

    Each line is `events.yaml:LINE: [LANG] ENTRY: fields`; a count per language follows.
    `--lang ru` limits it to one language; `--strict` exits 1 when anything is missing.
    """
    argv: list[str | Path] = [PYTHON, "-m", "explainer", "translations", file]
    argv += ["--lang", lang] * bool(lang) + ["--strict"] * strict
    _run(c, argv)


@task
def catalogs(c: Context) -> None:
    """Extract the interface strings (templates, plugins/explainer/site) and update each catalog.

    Writes themes/explainer/translations/messages.pot, then adds new strings to every
    <lang>/LC_MESSAGES/messages.po (making it when missing) and drops strings no longer used.
    New strings have an empty translation: fill them in, then `python3 run.py test` checks that
    no catalog lacks one. The build compiles the catalogs itself.
    """
    pot = CATALOGS / "messages.pot"
    CATALOGS.mkdir(parents=True, exist_ok=True)
    pybabel = [PYTHON, "-m", "babel.messages.frontend"]
    _run(c, [*pybabel, "extract", "-F", ROOT / "babel.cfg", "-k", "N_", "-o", pot, "--no-location",
             "--sort-output", "--omit-header", ROOT])
    for lang in EDITIONS:
        po = CATALOGS / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            # No fuzzy guesses and no obsolete leftovers: a string is translated or it is empty.
            _run(c, [*pybabel, "update", "-i", pot, "-d", CATALOGS, "-l", lang, "--no-fuzzy-matching",
                     "--ignore-obsolete", "--omit-header"])
        else:
            _run(c, [*pybabel, "init", "-i", pot, "-d", CATALOGS, "-l", lang])


# --- build and publish ------------------------------------------------------------------------


def _pelican(c: Context, settings: str, *, warn: bool = False, env: dict[str, str] | None = None) -> Result:
    if not (ROOT / "content").is_dir():
        # Pelican would stop with a traceback ("You need to specify a path") before our plugin runs.
        raise Exit(f"{ROOT / 'content'} is missing or not a folder: restore it from git (git checkout -- content)",
                   code=1)
    return _run(c, [PYTHON, "-m", "pelican", "content", "-s", settings], warn=warn, env=env)


@task
def build(c: Context) -> None:
    """Validate events.yaml and content/, then build the site into output/.

    Uses the local settings (pelicanconf.py). A failed build leaves the last good output/.
    """
    validate(c)
    _pelican(c, LOCAL_SETTINGS)


@task(help={"siteurl": "the published address, e.g. https://org.github.io/repo (default: $SITEURL)"})
def publish(c: Context, siteurl: str = "") -> None:
    """Validate, then build for production (publishconf.py).

    The site's address comes from --siteurl or the SITEURL environment variable.
    """
    # configure-pages gives the address without a trailing slash; accept either form.
    siteurl = (siteurl or os.environ.get("SITEURL", "")).rstrip("/")
    if not siteurl:
        raise Exit("publish needs the site's address: set SITEURL or pass --siteurl", code=2)
    validate(c)
    print(f"Publishing for {siteurl}", flush=True)
    _pelican(c, PUBLISH_SETTINGS, env={"SITEURL": siteurl})


# --- preview --------------------------------------------------------------------------------


def _ignored(path: str) -> bool:
    """Files the preview must not react to: bytecode the build itself writes, editor swap files."""
    parts = Path(path).parts
    return "__pycache__" in parts or path.endswith((".pyc", ".swp", "~")) or Path(path).name.startswith(".#")


CSP_SCRIPT_SRC = re.compile(rb"script-src [^;\"]*")


def preview_html(html: bytes, port: int) -> bytes:
    """A page as the live preview serves it: with the reload client, and a CSP that admits it.

    The site's Content-Security-Policy forbids every script (`script-src 'none'`), and
    livereload's stock snippet is inline, so the browser would never reload. The preview (only
    the responses it serves, never the files in output/) loads the client from its own origin
    and allows same-origin script.
    """
    html = CSP_SCRIPT_SRC.sub(b"script-src 'self'", html, count=1)
    client = f'<script src="/livereload.js?port={port}"></script>'.encode()
    return html.replace(b"</head>", client + b"</head>", 1)


def _preview_server(port: int) -> Any:
    """livereload's Server, serving pages through `preview_html` instead of its inline snippet."""
    from livereload import Server
    from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
    from tornado import web

    class PreviewTransform(web.OutputTransform):
        def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes,
                                  finishing: bool) -> tuple[int, Any, bytes]:
            if "html" in headers.get("Content-Type", "") and b"</head>" in chunk:
                changed = preview_html(chunk, port)
                if "Content-Length" in headers:
                    headers["Content-Length"] = str(int(headers["Content-Length"]) + len(changed) - len(chunk))
                chunk = changed
            return status_code, headers, chunk

    class PreviewServer(Server):  # type: ignore[misc]  # livereload is untyped
        # Same routes as Server.application in livereload 2.7 (pinned), with our transform.
        def application(self, port: int, host: str, liveport: int | None = None, debug: bool | None = None,
                        live_css: bool = True) -> None:
            LiveReloadHandler.watcher = self.watcher
            LiveReloadHandler.live_css = live_css
            handlers = [
                (r"/livereload", LiveReloadHandler),
                (r"/forcereload", ForceReloadHandler),
                (r"/livereload.js", LiveReloadJSHandler),
                *self.get_web_handlers(b""),
            ]
            web.Application(handlers=handlers, transforms=[PreviewTransform]).listen(port, address=host)

    return PreviewServer()


@task(
    aliases=["serve"],
    help={"port": "port to serve on (default 8000)", "host": "address to bind (default 127.0.0.1)"},
)
def livereload(c: Context, port: int = 8000, host: str = "127.0.0.1") -> None:
    """Preview on :8000, rebuilding and reloading on changes.

    Watches events.yaml, content/, themes/, plugins/ and the settings; the browser reloads
    after each rebuild. `serve` is the same task.
    """
    from explainer.tools.build_server import Client

    # Builds are forked from a server that has imported Pelican and the plugin once (0.4 s a
    # build saved); each is a fresh `pelican` run, which prints the validator's problems and,
    # when it fails, leaves the last good site in output/.
    builds = Client(["content", "-s", LOCAL_SETTINGS], cwd=ROOT,
                    env={**os.environ, **_env(PYTHONDONTWRITEBYTECODE="1")})

    def rebuild() -> None:
        result = builds.build()
        if result.ok:
            print(f"Rebuilt in {result.wall:.2f} s.", flush=True)
        else:
            print("Build failed; the preview still shows the last good site.", flush=True)

    def restart_and_rebuild() -> None:
        builds.restart()  # plugins/ or the settings changed: a fork would run the old code
        rebuild()

    try:
        if not builds.build().ok:
            raise Exit("The first build failed: fix the problems above, then start the preview again.", code=1)
        server = _preview_server(port)
        for path in WATCHED:
            if (ROOT / path).exists():
                server.watch(str(ROOT / path), restart_and_rebuild if path in CODE else rebuild, ignore=_ignored)
        server.serve(host=host, port=port, root=str(OUTPUT), open_url_delay=None)
    finally:
        builds.close()


# --- new-event --------------------------------------------------------------------------------


@task(
    name="new-event",
    iterable=["country", "source"],
    help={
        "title": "headline of the event; also makes the id (default id: new-event-DATE)",
        "date": "YYYY, YYYY-MM or YYYY-MM-DD (default: today)",
        "kind": "one of the event kinds in CONTRIBUTING.md, e.g. statement",
        "country": "country code such as KZ; repeat for several",
        "source": "key of a source under sources:; repeat for several",
        "summary": "a few sentences in your own words (Markdown)",
        "file": "the events file (default: events.yaml)",
    },
)
def new_event(
    c: Context, title: str = "", date: str = "", kind: str = "", country: list[str] | None = None,
    source: list[str] | None = None, summary: str = "", title_ru: str = "", summary_ru: str = "",
    file: str = "events.yaml",
) -> None:
    """Add an event to events.yaml in date order.

    The event gets a fresh id and every required field; what the options do not give is left
    empty with a TODO, which fails validation until it is filled in.
    """
    from explainer.tools.scaffold import ScaffoldError, add_event_to_file

    try:
        added = add_event_to_file(
            ROOT / file, today=dt.date.today(), title=title or None, date=date or None,
            kind=kind or None, countries=tuple(country or ()), sources=tuple(source or ()),
            summary=summary or None, title_ru=title_ru or None, summary_ru=summary_ru or None,
        )
    except ScaffoldError as error:
        raise Exit(f"new-event: {error}", code=1) from None
    print(f"Added event '{added.event_id}' at {file}:{added.first_line}-{added.last_line}.")
    if added.placeholders:
        print(
            "Still to fill in: " + ", ".join(added.placeholders) + ".\n"
            "Until then `invoke validate` fails on those lines, so the event cannot be published."
        )
    else:
        print("Every field is filled in; run `invoke build` to see it on the timeline.")


# --- tests and quality gates ------------------------------------------------------------------


@dataclass(frozen=True)
class GateRow:
    """One line of the `check` table: a gate (a test module) and how its tests ended."""

    gate: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAIL"
        if self.passed:
            return "pass"
        return "skipped"


def gate_rows(junit_xml: Path) -> list[GateRow]:
    """Summarise a pytest JUnit report by test module: one row per gate."""
    counts: dict[str, list[int]] = {}
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        module = case.get("classname", "").split(".")
        # classname is "tests.test_html_valid" or "tests.test_html_valid.TestClass".
        name = next((part for part in module if part.startswith("test_")), ".".join(module))
        name = name.removeprefix("test_").replace("_", " ")
        tally = counts.setdefault(name, [0, 0, 0])
        if case.find("failure") is not None or case.find("error") is not None:
            tally[1] += 1
        elif case.find("skipped") is not None:
            tally[2] += 1
        else:
            tally[0] += 1
    return [GateRow(name, *tally) for name, tally in sorted(counts.items())]


def format_table(rows: list[GateRow]) -> str:
    """A plain-text table that reads well in a terminal and in a CI log."""
    header = ("gate", "result", "passed", "failed", "skipped")
    body = [(r.gate, r.verdict, str(r.passed), str(r.failed), str(r.skipped)) for r in rows]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    def line(row: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) if i < 2 else cell.rjust(width)
                         for i, (cell, width) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *map(line, body)])


def lighthouse_report(c: Context) -> None:
    """Lighthouse scores of the home, timeline, country and law pages, and of Russian and Kazakh
    pages (a report, not a gate)."""
    script = ROOT / "tools" / "gates" / "lighthouse_report.py"
    if script.exists():
        print(flush=True)
        _run(c, [PYTHON, script], warn=True)


CHECK_REPORTS: list[Callable[[Context], None]] = [lighthouse_report]
"""Reports that `check` prints after the gate table, on the same sources.

Append a function taking the invoke Context. A report informs: it prints, it does not decide
whether `check` passes.
"""


@task(help={"args": "extra pytest arguments, e.g. \"-k html\"",
            "reports": "print the reports (Lighthouse) after the table"})
def check(c: Context, args: str = "", reports: bool = True) -> None:
    """Build, run the quality gates, print a results table.

    The gates are the tests marked `gate` (pytest -m gate); they get the fresh build through
    the EXPLAINER_OUTPUT environment variable. Functions in CHECK_REPORTS print after the table.
    """
    build(c)
    CACHE.mkdir(exist_ok=True)
    junit = CACHE / "gates.xml"
    junit.unlink(missing_ok=True)
    result = _run(
        c,
        [PYTHON, "-m", "pytest", "-m", "gate", f"--junitxml={junit}", *shlex.split(args)],
        warn=True,
        env={"EXPLAINER_OUTPUT": str(OUTPUT)},
    )
    if result.exited == 5:
        raise Exit("check: no quality-gate tests were collected (pytest -m gate found none)", code=1)
    if junit.exists():
        print("\nQuality gates\n" + format_table(gate_rows(junit)), flush=True)
    for report in CHECK_REPORTS if reports else ():
        report(c)
    if result.exited != 0:
        raise Exit(code=result.exited)


@task(help={"args": "extra pytest arguments, e.g. \"-x -k scaffold\""})
def test(c: Context, args: str = "") -> None:
    """Run the whole test suite, quality gates included."""
    _run(c, [PYTHON, "-m", "pytest", *shlex.split(args)])


@task
def lint(c: Context) -> None:
    """Type-check (mypy, strict) and lint (ruff), as configured in pyproject.toml."""
    _run(c, [PYTHON, "-m", "mypy"])
    _run(c, [PYTHON, "-m", "ruff", "check"])


@task(help={
    "events": "events in the synthetic corpus (default 10000)",
    "repeat": "build each cold site this many times, interleaved; the fastest counts (default 1)",
    "skip_hugo": "do not build the Hugo comparison site",
    "skip_stock": "do not build the stock Pelican comparison site",
    "json": "print the figures as JSON instead of the table",
    "keep": "build under this folder and keep everything",
})
def bench(c: Context, events: int = 10_000, repeat: int = 1, skip_hugo: bool = False, skip_stock: bool = False,
          json: bool = False, keep: str = "", large: int = 50_000) -> None:
    """Time builds of a large generated dataset against stock Pelican and Hugo (benchmarks/scale.py)."""
    argv: list[str | Path] = [PYTHON, ROOT / "benchmarks" / "scale.py", "--events", str(events),
                              "--repeat", str(repeat), "--large", str(large)]
    argv += ["--skip-hugo"] * skip_hugo + ["--skip-stock"] * skip_stock + ["--json"] * json
    if keep:
        argv += ["--keep", keep]
    _run(c, argv)


@task
def clean(c: Context) -> None:
    """Delete output/ and caches (keeps .venv/)."""
    doomed = [OUTPUT, CACHE, ROOT / ".pytest_cache", ROOT / ".hypothesis", *ROOT.glob(".output-*")]
    doomed.append(ROOT / "__pycache__")
    for folder in ROOT.iterdir():
        if folder.is_dir() and folder.name not in (".venv", "node_modules", ".git"):
            doomed += folder.rglob("__pycache__")
    for path in doomed:
        if path.is_symlink():  # output/: a link to the build folder it shows
            path.unlink()
            print(f"removed {path.relative_to(ROOT)}")
        elif path.is_dir():
            shutil.rmtree(path)
            print(f"removed {path.relative_to(ROOT)}/")
