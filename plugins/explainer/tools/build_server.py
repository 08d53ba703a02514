"""Builds for the live preview, forked from a process that has already imported everything.

A `pelican` run spends about 0.4 s before it reads a byte of the site: starting Python and
importing Pelican (with docutils and rich), Jinja, PyYAML, markdown-it and this plugin. The
preview rebuilds after every save, so `invoke serve` keeps one server process that has done
those imports, and forks it for each build. The child runs `pelican.main` with the server's
arguments, exactly as the `pelican` command would: it reads the settings, loads events.yaml and
publishes (or, on a problem, leaves the last good site). The server itself never builds: a
child's changes to memory end with it, and what passes from one build to the next is what
`pelican` keeps on disk (.cache). Code is the one thing a fork cannot pick up: when plugins/
or the settings change, the client starts a new server (`Client.restart`). Where there is no
fork (Windows), each build is a new `pelican` process.

Between builds, while the editor reads the page, the server also brings the spare build folder
up to date with the published one (`publish.prepare_spare`), decodes the cache files the
last build left (`cachefile.preload`: entry records, fingerprints, Markdown, data-file lines)
and loads events.yaml as it now is (`load.prepare`), so the next child inherits them: it
reads only the entries the editor changed since, and takes the model objects of the others
as they are (~0.35 s of a 10,000-event rebuild). A cache file replaced since is read from
disk as usual, and a changed entry is built anew, so a child builds exactly what a fresh
`pelican` run would.

Protocol (one line each way): the server writes `ready` once imported; for each `build` line
on its standard input it writes `done CODE WALL USER SYSTEM MAXRSS_KB`: the build's exit code,
its wall time from the request, and the child's CPU seconds and peak memory. The child's own
output (Pelican's log, editors' problem lines) goes to the server's standard error.

    python -m explainer.tools.build_server content -s pelicanconf.py -o output     # the server
    Client([...]).build() -> Result                                          # from tasks.py
"""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

READY = "ready"


@dataclass(frozen=True)
class Result:
    """How one build ended (see the module docstring)."""

    code: int
    wall: float
    user: float
    system: float
    max_rss_kb: int

    @property
    def ok(self) -> bool:
        return self.code == 0


# -- the server ---------------------------------------------------------------------------------
def preload(plugin_paths: Sequence[str]) -> None:
    """Import what every build imports, as `pelican` would find it (plugins on PLUGIN_PATHS)."""
    import pelican  # noqa: F401 - the point is the import
    import rich._emoji_codes  # noqa: F401 - Pelican's "Done" line loads it: 45 ms a build

    for path in plugin_paths:
        if path not in sys.path:
            sys.path.insert(0, path)
    # What is imported now stays as it is in every child: out of the collector's way.
    gc.collect()
    gc.freeze()


def build_settings(arguments: list[str]) -> dict[str, Any]:
    """The settings the build will read ({} when they cannot be read: the build reports why)."""
    import pelican  # the point is the import
    from pelican.settings import read_settings

    try:
        args = pelican.parse_arguments(arguments)
        return dict(read_settings(args.settings, override=pelican.get_config(args)))
    except (Exception, SystemExit):
        return {}


def prewarm(settings: dict[str, Any]) -> None:
    """Between builds: decode the cache files the last build left, and load events.yaml as it
    is now, for the next build to take what did not change (see the module docstring)."""
    from explainer.data import entry_cache, load
    from explainer.output import caches, publish
    from explainer.support import cachefile

    if settings.get("OUTPUT_PATH"):
        try:
            publish.prepare_spare(Path(settings["OUTPUT_PATH"]))
        except Exception:  # the build meets it again and reports it
            pass
    cachefile.forget()
    load.prepare(None)
    folder = Path(settings["EXPLAINER_CACHE_DIR"]) if settings.get("EXPLAINER_CACHE_DIR") else None
    if folder is not None and folder.is_dir():
        for path in folder.glob(f"{entry_cache.PREFIX}*.pickle"):
            cachefile.preload(path, entry_cache.decode)
        for path in folder.glob("*.marshal"):
            cachefile.preload(path, caches.decode)
    events = settings.get("EXPLAINER_EVENTS")
    if events and folder is not None:
        try:
            load.prepare(load.load_dataset(Path(events), cache_dir=folder, jobs=settings.get("EXPLAINER_JOBS")))
        except Exception:  # a file with problems: the build reports them
            pass
    gc.collect()
    gc.freeze()  # shared with every child as it is: out of their collectors' way


def build_once(arguments: list[str]) -> Result:
    """Fork; the child runs `pelican` with `arguments`, its output on standard error."""
    started = time.perf_counter()
    sys.stdout.flush()
    sys.stderr.flush()
    if not hasattr(os, "fork"):  # Windows: a new `pelican` process each time
        done = subprocess.run([sys.executable, "-m", "pelican", *arguments], stdout=sys.stderr, check=False)
        return Result(done.returncode, time.perf_counter() - started, 0.0, 0.0, 0)
    pid = os.fork()
    if pid == 0:  # the child: a `pelican` run
        code = 1
        try:
            os.dup2(2, 1)  # the protocol owns standard output
            import pelican

            sys.argv = ["pelican", *arguments]
            try:
                pelican.main(arguments)
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:  # reported, then the child ends like `pelican` would
            import traceback

            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    _pid, status, usage = os.wait4(pid, 0)
    return Result(
        code=os.waitstatus_to_exitcode(status),
        wall=time.perf_counter() - started,
        user=usage.ru_utime,
        system=usage.ru_stime,
        max_rss_kb=usage.ru_maxrss,
    )


def serve(arguments: list[str], plugin_paths: Sequence[str]) -> None:
    preload(plugin_paths)
    settings = build_settings(arguments)
    prewarm(settings)
    out = sys.stdout
    out.write(READY + "\n")
    out.flush()
    for line in sys.stdin:
        if line.strip() != "build":
            continue
        result = build_once(arguments)
        out.write(f"done {result.code} {result.wall:.4f} {result.user:.4f} {result.system:.4f} {result.max_rss_kb}\n")
        out.flush()
        prewarm(settings)


def main(argv: list[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        # Plugins are found where pelicanconf.py's PLUGIN_PATHS points; this project keeps them
        # in plugins/, which holds this package.
        serve(arguments, [str(Path(__file__).resolve().parents[2])])
    except KeyboardInterrupt:  # Ctrl-C in the preview's terminal reaches the server too
        pass


# -- the client ---------------------------------------------------------------------------------
class Client:
    """A build server in a child process (started on first use, restarted on demand)."""

    def __init__(self, arguments: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
                 python: str = sys.executable, stderr: IO[Any] | None = None) -> None:
        """`env` must let `python` import this package (plugins/ on PYTHONPATH); the builds'
        messages go to `stderr` (default: this process's)."""
        self.command = [python, "-m", "explainer.tools.build_server", *arguments]
        self.cwd = cwd
        self.env = env
        self.stderr = stderr
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, text=True,
        )
        line = self._read()
        if line != READY:
            self.close()
            raise RuntimeError(f"the build server did not start (it said {line!r}); see the messages above")

    def build(self) -> Result:
        """One build; the server is started first if need be (and again if it died)."""
        self.start()
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write("build\n")
        self._process.stdin.flush()
        line = self._read()
        parts = line.split()
        if len(parts) != 6 or parts[0] != "done":
            self.close()
            raise RuntimeError(f"the build server stopped (it said {line!r}); see the messages above")
        return Result(int(parts[1]), float(parts[2]), float(parts[3]), float(parts[4]), int(parts[5]))

    def restart(self) -> None:
        """A new server, with the code as it is now (after an edit to plugins/ or the settings)."""
        self.close()
        self.start()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()  # the server ends when its input does
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _read(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        return self._process.stdout.readline().strip()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


if __name__ == "__main__":
    main()
