"""Scale benchmark: our site against stock Pelican and Hugo on a synthetic events.yaml.

One run (`python benchmarks/scale.py`, or `invoke bench`):

1. generates a valid events.yaml with N events (default 10,000; see `corpus.py`), every text
   in English and Russian (`LANGUAGES`), and a page per country (with its Russian translation,
   `kg.ru.md`, when the measured site's own content has such translations), in a temporary
   copy of the project (pelicanconf.py, plugins/, themes/, content/pages);
2. builds our site cold in a child process, both editions (EXPLAINER_EDITIONS=["en", "ru"]:
   English at the root, Russian under ru/): wall time, CPU time (user + system of the child
   and everything it waited for), peak memory, files and bytes written, largest page;
3. edits one event's summary, in both languages, and rebuilds into the same output: wall
   time, files rewritten (per edition), files whose bytes changed, whether anything outside
   the pages that show that event was rewritten, and whether the event's page of every
   edition shows the edit; three times (another event each time) as a new `pelican` process,
   then three times in the preview's build server (`explainer.tools.build_server`, what
   `invoke serve` runs);
4. builds the same corpus as a stock Pelican 4.12 site, in English only as before (one
   Markdown article per event, the default Python-Markdown reader, the built-in `simple`
   theme, a category per country, a tag per law) and as a multilingual Hugo site in both
   languages (one content file per event and language, `<id>.md` and `<id>.ru.md`,
   taxonomies for countries and laws, minimal layouts written by this script); missing Hugo
   is reported and skipped;
5. repeats our cold build at N/10, and once at a larger size (`--large`, default 50,000
   events), both in two languages, to see how the cost and the memory grow past N;

and prints one table with the ratios against the targets of the scale issue. Timings are
figures from one machine and one run: the table names both.

Peak memory is the larger of the child's own high-water mark (VmHWM, sampled every 20 ms
while it runs) and the largest sum of proportional set sizes (PSS)
sampled over the child's process tree every 20 ms, so a build that forks workers is
charged for all of them.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__:
    from . import corpus as corpus_mod
else:  # run as a script: `python benchmarks/scale.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus as corpus_mod

ROOT = Path(os.environ.get("EXPLAINER_BENCH_ROOT") or Path(__file__).resolve().parent.parent)
"""The checkout whose site is measured (EXPLAINER_BENCH_ROOT compares another one)."""
# 2025-02-01, after the corpus's checked dates: fixed so rebuilds and clean builds compare
SOURCE_DATE_EPOCH = "1738368000"

LANGUAGES = ("en", "ru")
"""The corpus's languages, our editions and the Hugo site's languages (stock Pelican: English)."""
OUR_SETTINGS: dict[str, object] = {"EXPLAINER_EDITIONS": list(LANGUAGES)}
"""Passed to every build of our site (`our_build_command`)."""

# The scale issue's targets at N = 10,000 events in two languages, on a 2-core machine.
TARGETS = {
    "ours_vs_hugo": 0.5,
    "ours_vs_stock": 0.25,
    "peak_mb": 400.0,
    "rebuild_s": 1.0,
    "growth": 11.0,
    "largest_page_kb": 200.0,
    "large_growth": 5.5,
    "large_peak_mb": 600.0,
}


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """Resource use of one child process (and the processes it waited for)."""

    label: str
    command: list[str]
    returncode: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mb: float = 0.0
    """max(the child's VmHWM, sampled PSS sum of its process tree)."""
    maxrss_mb: float = 0.0
    tree_pss_mb: float = 0.0
    processes: int = 1
    """Most processes seen at once in the tree."""
    log_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _status_kb(pid: int, field: bytes) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int | str) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


class _TreeSampler(threading.Thread):
    """Samples a child's memory until stopped: its own high-water mark, and the summed PSS
    of it and its descendants (for builds that fork workers).

    `ru_maxrss` from wait4 is no use here: a child forked from this (large) script inherits
    the script's resident size as its high-water mark before it execs, so a small build
    would report this script's memory. VmHWM after exec belongs to the new program alone;
    it only grows, so the last sample (at most 20 ms before the exit) is the peak.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.hwm_kb = 0
        self.tree_kb = 0
        self.most_processes = 1
        self._stop_event = threading.Event()
        self._own_cmdline = _cmdline("self")

    def run(self) -> None:
        interval = 0.002
        while True:
            stopping = self._stop_event.wait(interval)
            interval = 0.02
            if _cmdline(self.pid) not in (self._own_cmdline, b""):  # exec'd: the build itself
                self.hwm_kb = max(self.hwm_kb, _status_kb(self.pid, b"VmHWM:"))
                tree = [self.pid]
                children = _children_map()
                index = 0
                while index < len(tree):
                    tree.extend(children.get(tree[index], ()))
                    index += 1
                self.most_processes = max(self.most_processes, len(tree))
                if len(tree) > 1:
                    self.tree_kb = max(self.tree_kb, sum(_pss_kb(pid) for pid in tree))
            if stopping:
                return

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure(label: str, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `command` to completion and return its wall time, CPU time and peak memory."""
    run = Run(label=label, command=command)
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        # wait4 gives the CPU time of this child alone (and of what it reaped).
        _, status, usage = os.wait4(proc.pid, 0)
        run.wall_s = time.perf_counter() - start
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        run.returncode = proc.returncode
        run.cpu_s = usage.ru_utime + usage.ru_stime
        run.maxrss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux; see _TreeSampler
        run.tree_pss_mb = sampler.tree_kb / 1024
        # A process too short-lived to be sampled falls back to ru_maxrss (an over-estimate).
        own = sampler.hwm_kb / 1024 if sampler.hwm_kb else run.maxrss_mb
        run.peak_mb = max(own, run.tree_pss_mb)
        run.processes = sampler.most_processes
        log.seek(0)
        run.log_tail = log.read().decode("utf-8", "replace")[-4000:]
    return run


@dataclass
class OutputStats:
    files: int = 0
    pages: int = 0
    """HTML files."""
    bytes: int = 0
    largest_page: str = ""
    largest_page_bytes: int = 0
    largest_file: str = ""
    largest_file_bytes: int = 0


def output_stats(output: Path) -> OutputStats:
    stats = OutputStats()
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        size = path.stat().st_size
        rel = path.relative_to(output).as_posix()
        stats.files += 1
        stats.bytes += size
        if size > stats.largest_file_bytes:
            stats.largest_file, stats.largest_file_bytes = rel, size
        if path.suffix == ".html":
            stats.pages += 1
            if size > stats.largest_page_bytes:
                stats.largest_page, stats.largest_page_bytes = rel, size
    return stats


def snapshot(output: Path) -> dict[str, tuple[int, int, bytes]]:
    """relative path -> (inode, mtime_ns, bytes) of every file under `output`."""
    files = {}
    for path in output.rglob("*"):
        if path.is_file():
            st = path.stat()
            files[path.relative_to(output).as_posix()] = (st.st_ino, st.st_mtime_ns, path.read_bytes())
    return files


# --------------------------------------------------------------------------- our site


def make_project(corpus: corpus_mod.Corpus, project: Path) -> Path:
    """A copy of this repository's site sources with the synthetic corpus as its data."""
    project.mkdir(parents=True)
    for name in ("pelicanconf.py", "publishconf.py"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("plugins", "themes", "schema"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name, ignore=ignore)
    corpus.write(project, pages_from=ROOT / "content" / "pages", translated_pages=reads_translated_pages())
    return project


def reads_translated_pages() -> bool:
    """Whether the measured site reads translations of its country pages (`kg.ru.md`): its own
    content has some. Then the corpus's country pages go with theirs, as every other text does."""
    return any((ROOT / "content" / "countries").glob("*.*.md"))


def our_build_command(project: Path, output: Path, settings: dict[str, object] | None = None) -> list[str]:
    """`pelican` on the project; `settings` are passed as `-e KEY=JSON` overrides."""
    extra = [f"{key}={json.dumps(value)}" for key, value in (settings or {}).items()]
    return [sys.executable, "-m", "pelican", str(project / "content"), "-s", str(project / "pelicanconf.py"),
            "-o", str(output), *(["-e", *extra] if extra else [])]


def build_env() -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env.pop("PYTHONPATH", None)
    return env


@dataclass
class RebuildResult:
    run: Run
    event_id: str = ""
    rewritten: int = 0
    """Files added, removed, or written again (new inode or mtime)."""
    changed: int = 0
    """Files added, removed, or with different bytes."""
    showing_event: int = 0
    """Files that mention the edited event's id, before or after."""
    rewritten_outside: int = 0
    """Rewritten files that do not show the edited event (the most in any round)."""
    outside_examples: list[str] = field(default_factory=list)
    rewritten_by_edition: dict[str, int] = field(default_factory=dict)
    """Files rewritten under each edition's folder (the default edition's: the rest)."""
    editions_missed: list[str] = field(default_factory=list)
    """Editions whose page of the event does not show the edit (any round)."""
    rounds: int = 1
    median_s: float = 0.0
    """Median wall time over the rounds."""


REBUILD_ROUNDS = 3
"""Edits (of different events) per kind of rebuild; the table shows the fastest and the median."""


def rebuild_after_edit(project: Path, output: Path, corpus: corpus_mod.Corpus, *, preview: bool = False,
                       rounds: int = REBUILD_ROUNDS) -> RebuildResult:
    """Edit one event's summary and build again into `output`, `rounds` times (another event
    each time): as a new `pelican` process, or (`preview`) forked from a running build server,
    as `invoke serve` rebuilds after a save. The fastest round is reported, with the median."""
    results: list[RebuildResult] = []
    if preview:
        with tempfile.TemporaryFile("w+") as log, build_server_client(project, output, log) as builds:
            builds.start()  # the server's imports happen before the editor saves
            for round_ in range(rounds):
                results.append(_one_rebuild(project, output, corpus, round_, preview, builds))
    else:
        for round_ in range(rounds):
            results.append(_one_rebuild(project, output, corpus, round_, preview, None))
    fastest = min(results, key=lambda result: result.run.wall_s if result.run.ok else float("inf"))
    fastest.rounds = len(results)
    fastest.median_s = statistics.median(result.run.wall_s for result in results)
    fastest.rewritten_outside = max(result.rewritten_outside for result in results)
    fastest.outside_examples = sorted({rel for result in results for rel in result.outside_examples})[:10]
    fastest.editions_missed = sorted({lang for result in results for lang in result.editions_missed})
    failed = next((result for result in results if not result.run.ok), None)
    return failed or fastest


def _one_rebuild(project: Path, output: Path, corpus: corpus_mod.Corpus, round_: int, preview: bool,
                 builds: Any) -> RebuildResult:
    # Each kind of rebuild edits its own events, so each round finds exactly one change.
    event_id = corpus.event_ids[len(corpus.event_ids) // (3 if preview else 2) + round_]
    events = project / "events.yaml"
    edited = corpus_mod.edit_summary(events.read_text(encoding="utf-8"), event_id)  # in every language
    before = snapshot(output)
    events.write_text(edited, encoding="utf-8")
    if builds is not None:
        started = time.perf_counter()
        done = builds.build()
        run = Run(label="ours, rebuild after one edit, preview server", command=builds.command,
                  returncode=done.code, wall_s=time.perf_counter() - started, cpu_s=done.user + done.system,
                  peak_mb=done.max_rss_kb / 1024, maxrss_mb=done.max_rss_kb / 1024)
    else:
        run = measure("ours, rebuild after one edit", our_build_command(project, output, OUR_SETTINGS), project,
                      build_env())
    after = snapshot(output)
    needle = event_id.encode()
    result = RebuildResult(run=run, event_id=event_id, rewritten_by_edition=dict.fromkeys(LANGUAGES, 0))
    outside = []
    # A page shows the event when it names its id: its own page in each edition
    # (events/<id>.html, ru/events/<id>.html), and every listing, feed, sitemap and data file
    # of either edition that carries its card or its link.
    for rel in sorted(before.keys() | after.keys()):
        old, new = before.get(rel), after.get(rel)
        rewritten = old is None or new is None or old[:2] != new[:2]
        changed = old is None or new is None or old[2] != new[2]
        shows = (old is not None and needle in old[2]) or (new is not None and needle in new[2])
        result.rewritten += rewritten
        result.changed += changed
        result.showing_event += shows
        if rewritten:
            result.rewritten_by_edition[edition_of(rel)] += 1
        if (rewritten or changed) and not shows:
            outside.append(rel)
    result.rewritten_outside = len(outside)
    result.outside_examples = outside[:10]
    for lang in LANGUAGES:
        page = after.get(event_page(lang, event_id))
        marker = corpus_mod.EDIT_MARKERS.get(lang, corpus_mod.EDIT_MARKER).encode()
        if page is None or marker not in page[2]:
            result.editions_missed.append(lang)
    return result


def edition_of(rel: str) -> str:
    """The edition an output file belongs to: the language folder it is under, else the default."""
    first = rel.split("/", 1)[0]
    return first if first in LANGUAGES[1:] else LANGUAGES[0]


def event_page(lang: str, event_id: str) -> str:
    """Where our site writes an event's page in the edition of `lang` (`urls.event`, `urls.edition`)."""
    path = f"events/{event_id}.html"
    return path if lang == LANGUAGES[0] else f"{lang}/{path}"


def build_server_client(project: Path, output: Path, log: Any) -> Any:
    """The preview's build server (`explainer.tools.build_server`) for the project's own plugin."""
    sys.path.insert(0, str(project / "plugins"))
    try:
        from explainer.tools.build_server import Client
    finally:
        sys.path.remove(str(project / "plugins"))
    env = {**build_env(), "PYTHONPATH": str(project / "plugins")}
    arguments = our_build_command(project, output, OUR_SETTINGS)[3:]  # without `python -m pelican`
    return Client(arguments, cwd=project, env=env, stderr=log)


# --------------------------------------------------------------------------- stock Pelican

STOCK_CONF = """\
AUTHOR = "Benchmark"
SITENAME = "Stock Pelican"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "simple"
DEFAULT_PAGINATION = 20
RELATIVE_URLS = True
"""


def text_in(value: Any, lang: str) -> str:
    """A text of events.yaml in `lang`: a plain string is English; {en: ..., ru: ...} otherwise."""
    if isinstance(value, str):
        return value
    return str(value.get(lang) or value["en"])


def write_stock_site(data: dict[str, Any], site: Path) -> None:
    """One Markdown article per event, read by Pelican's default Markdown reader (English only)."""
    content = site / "content"
    content.mkdir(parents=True)
    (site / "pelicanconf.py").write_text(STOCK_CONF, encoding="utf-8")
    countries = {code: text_in(entry["name"], "en") for code, entry in data["countries"].items()}
    sources = data["sources"]
    for event in data["events"]:
        date = _full_date(event["date"])
        lines = [
            f"Title: {text_in(event['title'], 'en')}",
            f"Date: {date}",
            f"Slug: {event['id']}",
            f"Category: {countries[event['countries'][0]]}",
        ]
        if event.get("laws"):
            # Tags by law slug: short names end in digits, and Pelican's paginated tag pages
            # ("tag/law-39" page 3 -> "tag/law-393.html") would collide with another tag's.
            lines.append("Tags: " + ", ".join(event["laws"]))
        lines += ["", text_in(event["summary"], "en").rstrip(), "", "Sources:", ""]
        lines += [f"- [{text_in(sources[s]['title'], 'en')}]({sources[s]['url']})" for s in event["sources"]]
        (content / f"{event['id']}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _full_date(partial: str) -> str:
    parts = partial.split("-") + ["01", "01"]
    return "-".join(parts[:3])


# --------------------------------------------------------------------------- Hugo

HUGO_CONFIG = """\
baseURL = "http://localhost/"
title = "Hugo"
paginate = 20
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = false
[taxonomies]
  country = "countries"
  law = "laws"
[languages]
  [languages.en]
    languageCode = "en"
    languageName = "English"
    weight = 1
  [languages.ru]
    languageCode = "ru"
    languageName = "Русский"
    title = "Хьюго"
    weight = 2
"""
"""Multilingual, like our two editions: English at the root, Russian under ru/ (`<id>.ru.md`)."""

HUGO_LAYOUTS = {
    "_default/baseof.html": (
        "<!doctype html><html lang=\"{{ .Site.Language.Lang }}\"><head><meta charset=\"utf-8\">"
        "<title>{{ .Title }} | {{ .Site.Title }}</title>"
        "{{ range .AllTranslations }}<link rel=\"alternate\" hreflang=\"{{ .Lang }}\" href=\"{{ .Permalink }}\">"
        "{{ end }}</head><body><header><a href=\"{{ \"/\" | relLangURL }}\">{{ .Site.Title }}</a>"
        "{{ range .Translations }} <a hreflang=\"{{ .Lang }}\" href=\"{{ .RelPermalink }}\">"
        "{{ .Language.LanguageName }}</a>{{ end }}</header>"
        "<main>{{ block \"main\" . }}{{ end }}</main></body></html>\n"
    ),
    "_default/single.html": (
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><time datetime=\"{{ .Date.Format \"2006-01-02\" }}\">"
        "{{ .Date.Format \"2 January 2006\" }}</time>{{ .Content }}"
        "<p>Countries: {{ range .GetTerms \"countries\" }}"
        "<a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a> {{ end }}</p>"
        "<p>Laws: {{ range .GetTerms \"laws\" }}<a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a> {{ end }}</p>"
        "</article>{{ end }}\n"
    ),
    "_default/list.html": (
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ $pager := .Paginate .Pages }}"
        "{{ range $pager.Pages }}<article><h2><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></h2>"
        "<time>{{ .Date.Format \"2 January 2006\" }}</time>{{ .Summary }}</article>{{ end }}"
        "{{ if $pager.HasPrev }}<a href=\"{{ $pager.Prev.URL }}\">Newer</a>{{ end }}"
        "{{ if $pager.HasNext }}<a href=\"{{ $pager.Next.URL }}\">Older</a>{{ end }}{{ end }}\n"
    ),
    "_default/terms.html": (
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}"
        "<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}\n"
    ),
    "index.html": (
        "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1>"
        "{{ $pager := .Paginate (where .Site.RegularPages \"Section\" \"events\") }}"
        "{{ range $pager.Pages }}<article><h2><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></h2>"
        "{{ .Summary }}</article>{{ end }}"
        "{{ if $pager.HasNext }}<a href=\"{{ $pager.Next.URL }}\">Older</a>{{ end }}{{ end }}\n"
    ),
}


def write_hugo_site(data: dict[str, Any], site: Path) -> None:
    """One content file per event and language (`<id>.md`, `<id>.ru.md`: Hugo pairs them as
    translations); countries (by name in the page's language) and laws as taxonomies (a list
    page each, per language)."""
    content = site / "content" / "events"
    content.mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    sources = data["sources"]
    for lang in LANGUAGES:
        countries = {code: text_in(entry["name"], lang) for code, entry in data["countries"].items()}
        suffix = "" if lang == LANGUAGES[0] else f".{lang}"
        for event in data["events"]:
            front = {
                "title": text_in(event["title"], lang),
                "date": _full_date(event["date"]),
                "countries": [countries[c] for c in event["countries"]],
                "laws": list(event.get("laws", [])),
            }
            lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()]
            lines += ["---", "", text_in(event["summary"], lang).rstrip(), "", "Sources:", ""]
            lines += [f"- [{text_in(sources[s]['title'], lang)}]({sources[s]['url']})" for s in event["sources"]]
            (content / f"{event['id']}{suffix}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def hugo_version(hugo: str) -> str:
    out = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()
    return out[1].split("+")[0] if len(out) > 1 else "?"


# --------------------------------------------------------------------------- the run


@dataclass
class Report:
    events: int
    machine: str
    date: str
    versions: dict[str, str]
    languages: str = ""
    """Which language each site is built in."""
    load: str = ""
    """Load average and CPU pressure around the run: other work on the machine slows wall times."""
    repeat: int = 1
    """Cold builds ran this many times each; the table shows the fastest."""
    ours: Run | None = None
    ours_stats: OutputStats | None = None
    rebuild: RebuildResult | None = None
    preview: RebuildResult | None = None
    """The same, forked from the preview's build server."""
    stock: Run | None = None
    stock_stats: OutputStats | None = None
    hugo: Run | None = None
    hugo_stats: OutputStats | None = None
    hugo_skipped: str = ""
    stock_skipped: str = ""
    small: Run | None = None
    small_events: int = 0
    large: Run | None = None
    large_events: int = 0
    ratios: dict[str, float | None] = field(default_factory=dict)
    met: dict[str, bool | None] = field(default_factory=dict)


def machine_name() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node() or 'host'}: {os.cpu_count()} cores{', ' + model if model else ''}, {mem_gb:.0f} GB, "
        f"{platform.system()} {platform.release()}"
    )


def machine_load() -> str:
    """The 1-minute load average and, where the kernel reports it, the share of time runnable
    tasks waited for a CPU over the last minute (PSI `some avg60`)."""
    parts = []
    with contextlib.suppress(OSError):
        parts.append("load average " + Path("/proc/loadavg").read_text().split()[0])
    try:
        for line in Path("/proc/pressure/cpu").read_text().splitlines():
            if line.startswith("some"):
                avg60 = dict(item.split("=") for item in line.split()[1:])["avg60"]
                parts.append(f"CPU pressure {avg60}%")
    except (OSError, KeyError, ValueError):
        pass
    return ", ".join(parts) or "unknown"


def _best(runs: list[Run]) -> Run:
    """The fastest successful run (wall time), else the first failure."""
    ok = [run for run in runs if run.ok]
    return min(ok, key=lambda run: run.wall_s) if ok else runs[0]


def run_benchmark(n: int, *, skip_hugo: bool, skip_stock: bool, keep: Path | None, progress: Callable[[str], None],
                  repeat: int = 1, large: int = 0) -> Report:
    """Everything in the module docstring; with `repeat` > 1 each cold build runs that many
    times (interleaved, so a busy spell on the machine hits every tool) and the fastest counts."""
    import pelican
    import yaml

    report = Report(
        events=n,
        machine=machine_name(),
        date=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        versions={"python": platform.python_version(), "pelican": pelican.__version__},
        languages=(f"ours and Hugo: {' and '.join(LANGUAGES)} (one edition each, every text translated); "
                   f"stock Pelican: {LANGUAGES[0]}"),
    )
    load_before = machine_load()
    base = Path(tempfile.mkdtemp(prefix="explainer-bench-", dir=keep))
    try:
        progress(f"generating {n} events")
        corpus = corpus_mod.generate(n, languages=LANGUAGES)
        project = make_project(corpus, base / "ours")
        small_n = max(1, n // 10)
        small_project = make_project(corpus_mod.generate(small_n, languages=LANGUAGES), base / "small")
        report.small_events = small_n

        data = yaml.load(corpus.events_yaml, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        stock = base / "stock"
        if skip_stock:
            report.stock_skipped = "skipped (--skip-stock)"
        else:
            write_stock_site(data, stock)
        hugo = shutil.which("hugo")
        site = base / "hugo"
        if skip_hugo:
            report.hugo_skipped = "skipped (--skip-hugo)"
        elif hugo is None:
            report.hugo_skipped = "skipped: no `hugo` on PATH (Debian: apt-get install hugo)"
        else:
            report.versions["hugo"] = hugo_version(hugo)
            write_hugo_site(data, site)
        del data

        ours_runs: list[Run] = []
        stock_runs: list[Run] = []
        hugo_runs: list[Run] = []
        small_runs: list[Run] = []
        output = base / "ours-output"
        for attempt in range(1, repeat + 1):
            suffix = f"-{attempt}" if repeat > 1 else ""
            round_note = f" (round {attempt} of {repeat})" if repeat > 1 else ""
            progress(f"building our site, cold{round_note}")
            # Cold means no output and no cache from an earlier build.
            shutil.rmtree(project / ".cache", ignore_errors=True)
            output = base / f"ours-output{suffix}"
            run = measure(f"ours, cold, {n} events", our_build_command(project, output, OUR_SETTINGS), project,
                          build_env())
            if not run.ok:
                raise BuildFailed(run)
            ours_runs.append(run)
            if run is _best(ours_runs):
                report.ours_stats = output_stats(output)

            if not skip_stock:
                progress(f"building the stock Pelican site{round_note}")
                run = measure(
                    "stock Pelican, cold",
                    [sys.executable, "-m", "pelican", str(stock / "content"), "-s", str(stock / "pelicanconf.py"),
                     "-o", str(stock / f"output{suffix}")],
                    stock,
                    build_env(),
                )
                stock_runs.append(run)
                if run.ok and run is _best(stock_runs):
                    report.stock_stats = output_stats(stock / f"output{suffix}")

            if hugo is not None and not skip_hugo:
                progress(f"building the Hugo site{round_note}")
                env = dict(os.environ, HUGO_CACHEDIR=str(base / f"hugo-cache{suffix}"))
                run = measure(
                    "Hugo, cold",
                    [hugo, "--quiet", "--source", str(site), "--destination", str(site / f"public{suffix}")],
                    site,
                    env,
                )
                hugo_runs.append(run)
                if run.ok and run is _best(hugo_runs):
                    report.hugo_stats = output_stats(site / f"public{suffix}")

            progress(f"building our site, cold, at {small_n} events{round_note}")
            shutil.rmtree(small_project / ".cache", ignore_errors=True)
            run = measure(
                f"ours, cold, {small_n} events",
                our_build_command(small_project, base / f"small-output{suffix}", OUR_SETTINGS),
                small_project,
                build_env(),
            )
            if not run.ok:
                raise BuildFailed(run)
            small_runs.append(run)

        report.ours = _best(ours_runs)
        report.small = _best(small_runs)
        if stock_runs:
            report.stock = _best(stock_runs)
            if not report.stock.ok:
                report.stock_skipped = "failed: " + report.stock.log_tail.strip().splitlines()[-1:][0]
        if hugo_runs:
            report.hugo = _best(hugo_runs)
            if not report.hugo.ok:
                report.hugo_skipped = "failed: " + report.hugo.log_tail.strip()[-300:]

        # The rebuild follows the last cold build, with the output and cache it left.
        progress(f"editing {REBUILD_ROUNDS} events, rebuilding after each")
        report.rebuild = rebuild_after_edit(project, output, corpus)
        if not report.rebuild.run.ok:
            raise BuildFailed(report.rebuild.run)
        progress(f"editing {REBUILD_ROUNDS} more, rebuilding after each in the preview's build server")
        report.preview = rebuild_after_edit(project, output, corpus, preview=True)
        if not report.preview.run.ok:
            raise BuildFailed(report.preview.run)
        if large:
            # Last, and alone: the sites above are removed first, so their files cost no memory.
            for folder in (project, small_project, stock, site, *base.glob("*output*")):
                shutil.rmtree(folder, ignore_errors=True)
            progress(f"generating {large} events and building our site cold")
            large_project = make_project(corpus_mod.generate(large, languages=LANGUAGES), base / "large")
            run = measure(f"ours, cold, {large} events",
                          our_build_command(large_project, base / "large-output", OUR_SETTINGS),
                          large_project, build_env())
            if not run.ok:
                raise BuildFailed(run)
            report.large, report.large_events = run, large
    finally:
        report.load = f"before: {load_before}; after: {machine_load()}"
        if keep is None:
            progress("removing the temporary sites")
            shutil.rmtree(base, ignore_errors=True)
        else:
            progress(f"kept everything in {base}")
    report.repeat = repeat
    compute_ratios(report)
    return report


class BuildFailed(RuntimeError):
    def __init__(self, run: Run) -> None:
        super().__init__(f"{run.label} failed with exit code {run.returncode}:\n{run.log_tail}")
        self.run = run


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def compute_ratios(report: Report) -> None:
    ours = report.ours.wall_s if report.ours else None
    r = report.ratios
    r["ours_vs_hugo"] = _ratio(ours, report.hugo.wall_s if report.hugo and report.hugo.ok else None)
    r["ours_vs_stock"] = _ratio(ours, report.stock.wall_s if report.stock and report.stock.ok else None)
    r["growth"] = _ratio(ours, report.small.wall_s if report.small else None)
    r["large_growth"] = _ratio(report.large.wall_s if report.large else None, ours)
    ours_cpu = report.ours.cpu_s if report.ours else None
    r["ours_vs_hugo_cpu"] = _ratio(ours_cpu, report.hugo.cpu_s if report.hugo and report.hugo.ok else None)
    r["ours_vs_stock_cpu"] = _ratio(ours_cpu, report.stock.cpu_s if report.stock and report.stock.ok else None)
    m = report.met
    m["ours_vs_hugo"] = None if r["ours_vs_hugo"] is None else r["ours_vs_hugo"] <= TARGETS["ours_vs_hugo"]
    m["ours_vs_stock"] = None if r["ours_vs_stock"] is None else r["ours_vs_stock"] <= TARGETS["ours_vs_stock"]
    m["growth"] = None if r["growth"] is None else r["growth"] <= TARGETS["growth"]
    m["peak_mb"] = report.ours.peak_mb <= TARGETS["peak_mb"] if report.ours else None
    m["large_growth"] = None if r["large_growth"] is None else r["large_growth"] <= TARGETS["large_growth"]
    m["large_peak_mb"] = report.large.peak_mb <= TARGETS["large_peak_mb"] if report.large else None
    for key, rebuild in (("rebuild_s", report.rebuild), ("preview_s", report.preview)):
        if rebuild:
            m[key] = (rebuild.run.wall_s <= TARGETS["rebuild_s"] and rebuild.rewritten_outside == 0
                      and not rebuild.editions_missed)
    if report.ours_stats:
        m["largest_page_kb"] = report.ours_stats.largest_page_bytes / 1024 <= TARGETS["largest_page_kb"]


# --------------------------------------------------------------------------- the table

ROW_LABELS = (
    "our cold build",
    "our output",
    "largest page",
    "rebuild after one edit, new `pelican` process",
    "rebuild after one edit, preview server (`invoke serve`)",
    "stock Pelican cold build",
    "Hugo cold build",
    "our cold build at N/10",
    "ours / Hugo",
    "ours / stock Pelican",
    "ours / Hugo, CPU time",
    "ours / stock Pelican, CPU time",
    "peak memory, ours",
    "rebuild target, new `pelican` process",
    "rebuild target, preview server",
    "cold(N) / cold(N/10)",
    "largest page target",
    "our cold build, larger",
    "cold(larger) / cold(N)",
    "peak memory, ours, larger",
)
"""The table's rows, in order."""


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.1f} MB"


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "NOT met")


def _run_cell(run: Run | None, skipped: str = "") -> str:
    if run is None or not run.ok:
        return skipped or "failed"
    procs = f", {run.processes} processes" if run.processes > 1 else ""
    return f"{run.wall_s:.2f} s wall, {run.cpu_s:.2f} s CPU, {run.peak_mb:.0f} MB peak{procs}"


def _rebuild_cell(rebuild: RebuildResult | None) -> str:
    if rebuild is None:
        return "-"
    outside = f"; outside them: {', '.join(rebuild.outside_examples)}" if rebuild.outside_examples else ""
    rounds = f" (fastest of {rebuild.rounds}, median {rebuild.median_s:.2f} s)" if rebuild.rounds > 1 else ""
    by_edition = ", ".join(f"{lang} {count}" for lang, count in rebuild.rewritten_by_edition.items())
    missed = (f"; the edit is missing from the event's page in {', '.join(rebuild.editions_missed)}"
              if rebuild.editions_missed else "")
    return (f"{rebuild.run.wall_s:.2f} s wall{rounds}, {rebuild.run.cpu_s:.2f} s CPU; "
            f"{rebuild.rewritten} files rewritten{f' ({by_edition})' if by_edition else ''}, "
            f"{rebuild.changed} with new bytes, {rebuild.showing_event} show the event, "
            f"{rebuild.rewritten_outside} rewritten outside them{outside}{missed}")


def render_table(report: Report) -> str:
    n, small = report.events, report.small_events
    versions = ", ".join(f"{k} {v}" for k, v in report.versions.items())
    lines = [
        f"Scale benchmark, {n:,} events, {report.date}",
        f"Languages: {report.languages}",
        f"Machine: {report.machine}",
        f"Versions: {versions}",
        f"Machine load: {report.load}",
        *([f"Cold builds: fastest of {report.repeat} interleaved runs each"] if report.repeat > 1 else []),
        "",
        "| figure | measured | target | verdict |",
        "| --- | --- | --- | --- |",
    ]

    def row(label: str, measured: str, target: str = "", verdict: str = "") -> None:
        lines.append(f"| {label} | {measured} | {target} | {verdict} |")

    stats = report.ours_stats
    row(ROW_LABELS[0], _run_cell(report.ours))
    row(ROW_LABELS[1], f"{stats.files:,} files ({stats.pages:,} HTML pages), {_mb(stats.bytes)}" if stats else "-")
    row(ROW_LABELS[2], f"{stats.largest_page_bytes / 1024:.1f} KB ({stats.largest_page})" if stats else "-",
        f"<= {TARGETS['largest_page_kb']:.0f} KB", _verdict(report.met.get("largest_page_kb")))
    rb, preview = report.rebuild, report.preview
    row(ROW_LABELS[3], _rebuild_cell(rb))
    row(ROW_LABELS[4], _rebuild_cell(preview))
    stock_files = f"; {report.stock_stats.files:,} files" if report.stock_stats else ""
    row(ROW_LABELS[5], _run_cell(report.stock, report.stock_skipped) + stock_files)
    hugo_files = f"; {report.hugo_stats.files:,} files" if report.hugo_stats else ""
    row(ROW_LABELS[6], _run_cell(report.hugo, report.hugo_skipped) + hugo_files)
    row(ROW_LABELS[7], f"{small:,} events: " + _run_cell(report.small))

    def ratio_cell(key: str) -> str:
        value = report.ratios.get(key)
        return "n/a" if value is None else f"{value:.2f}"

    row(ROW_LABELS[8], ratio_cell("ours_vs_hugo"), f"<= {TARGETS['ours_vs_hugo']}",
        _verdict(report.met.get("ours_vs_hugo")))
    row(ROW_LABELS[9], ratio_cell("ours_vs_stock"), f"<= {TARGETS['ours_vs_stock']}",
        _verdict(report.met.get("ours_vs_stock")))
    row(ROW_LABELS[10], ratio_cell("ours_vs_hugo_cpu"), "(context)")
    row(ROW_LABELS[11], ratio_cell("ours_vs_stock_cpu"), "(context)")
    row(ROW_LABELS[12], f"{report.ours.peak_mb:.0f} MB" if report.ours else "-", f"<= {TARGETS['peak_mb']:.0f} MB",
        _verdict(report.met.get("peak_mb")))
    every = f"edit shown in {' and '.join(LANGUAGES)}"

    def rebuild_target(rebuild: RebuildResult | None) -> str:
        if rebuild is None:
            return "-"
        shown = [lang for lang in LANGUAGES if lang not in rebuild.editions_missed]
        return (f"{rebuild.run.wall_s:.2f} s, {rebuild.rewritten_outside} files outside, "
                f"edit shown in {' and '.join(shown) or 'no edition'}")

    row(ROW_LABELS[13], rebuild_target(rb), f"<= {TARGETS['rebuild_s']:.0f} s, 0 outside, {every}",
        _verdict(report.met.get("rebuild_s")))
    row(ROW_LABELS[14], rebuild_target(preview), f"<= {TARGETS['rebuild_s']:.0f} s, 0 outside, {every}",
        _verdict(report.met.get("preview_s")))
    row(ROW_LABELS[15], ratio_cell("growth"), f"<= {TARGETS['growth']:.0f}", _verdict(report.met.get("growth")))
    row(ROW_LABELS[16], f"{stats.largest_page_bytes / 1024:.1f} KB" if stats else "-",
        f"<= {TARGETS['largest_page_kb']:.0f} KB", _verdict(report.met.get("largest_page_kb")))
    if report.large:
        large = report.large
        row(ROW_LABELS[17], f"{report.large_events:,} events: " + _run_cell(large))
        row(ROW_LABELS[18], ratio_cell("large_growth"), f"<= {TARGETS['large_growth']}",
            _verdict(report.met.get("large_growth")))
        row(ROW_LABELS[19], f"{large.peak_mb:.0f} MB", f"<= {TARGETS['large_peak_mb']:.0f} MB",
            _verdict(report.met.get("large_peak_mb")))
    return "\n".join(lines)


def report_json(report: Report) -> str:
    data = asdict(report)
    for key in ("ours", "stock", "hugo", "small", "large"):
        if data.get(key):
            data[key].pop("log_tail", None)
    for key in ("rebuild", "preview"):
        if data.get(key):
            data[key]["run"].pop("log_tail", None)
    return json.dumps(data, indent=2, default=str)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scale benchmark: our site vs stock Pelican vs Hugo.")
    parser.add_argument("--events", type=int, default=10_000, help="events in the synthetic corpus (default 10000)")
    parser.add_argument("--skip-hugo", action="store_true", help="do not build the Hugo comparison site")
    parser.add_argument("--skip-stock", action="store_true", help="do not build the stock Pelican comparison site")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each cold build this many times, interleaved, and report the fastest")
    parser.add_argument("--keep", type=Path, default=None, help="build under this folder and keep everything")
    parser.add_argument("--large", type=int, default=50_000,
                        help="also build this many events once, cold (default 50000; 0 skips it)")
    args = parser.parse_args(argv)

    def progress(message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    try:
        report = run_benchmark(args.events, skip_hugo=args.skip_hugo, skip_stock=args.skip_stock,
                               keep=args.keep, progress=progress, repeat=max(1, args.repeat), large=args.large)
    except BuildFailed as error:
        print(error, file=sys.stderr)
        return 1
    print(report_json(report) if args.json else render_table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
