#!/usr/bin/env python3
"""Entry point for a fresh clone: `python3 run.py build` builds the site, `python3 run.py test` tests it.

Before running anything it makes sure `.venv/` exists and holds exactly the pinned
`requirements.txt`: it creates the environment when missing (or broken), and reinstalls when
requirements.txt changed since the last install (a hash is kept in `.venv/requirements.sha256`).
Then it hands over to the invoke task of the same name in `tasks.py`, so any task works the same
way: `python3 run.py validate`, `python3 run.py new-event --title "..."`, `python3 run.py --list`.

Standard library only: this file runs before anything is installed.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

MINIMUM_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / "requirements.sha256"


def venv_python(venv: Path = VENV) -> Path:
    """The interpreter inside the virtual environment (bin/ on Unix, Scripts\\ on Windows)."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def requirements_digest(requirements: Path = REQUIREMENTS, python_version: str = "") -> str:
    """What the stamp records: the pinned list and the Python version of the environment.

    The version is part of it because wheels differ between Python versions, so packages
    installed for another Python must be installed again even if requirements.txt is the same.
    """
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(f"\npython {python_version}".encode())
    return digest.hexdigest()


def needs_install(stamp: Path = STAMP, requirements: Path = REQUIREMENTS, python_version: str = "") -> bool:
    """True when the stamp is missing or was written for another requirements.txt or Python."""
    try:
        return stamp.read_text(encoding="utf-8").strip() != requirements_digest(requirements, python_version)
    except FileNotFoundError:
        return True


def _say(message: str) -> None:
    print(f"run.py: {message}", file=sys.stderr, flush=True)


def _venv_version(python: Path) -> str | None:
    """The environment's Python as "3.11", or None when it is missing or does not start.

    A venv copied from another machine, or left behind by a removed Python, has a dead interpreter.
    """
    if not python.exists():
        return None
    probe = subprocess.run(
        [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def _too_old(version: str) -> bool:
    return tuple(int(part) for part in version.split(".")) < MINIMUM_PYTHON


def ensure_environment() -> Path:
    """Create or update .venv so that it matches requirements.txt; return its interpreter."""
    python = venv_python()
    version = _venv_version(python)
    if version is None or _too_old(version):
        if VENV.exists():
            reason = "its Python does not start" if version is None else f"it has Python {version}"
            _say(f"{VENV.name}/ is unusable ({reason}); recreating it")
            shutil.rmtree(VENV)
        _say(f"creating the virtual environment in {VENV.name}/")
        created = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if created.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)  # a half-made venv (no pip) would fool the next run
            sys.exit(
                "run.py: could not create a virtual environment. On Debian or Ubuntu install the "
                "venv module first: apt-get install python3-venv"
            )
        version = _venv_version(python) or ""
    if needs_install(python_version=version):
        _say(f"installing the pinned packages from {REQUIREMENTS.name} (only when it changes)")
        install = subprocess.run(
            [
                str(python), "-m", "pip", "install",
                "--disable-pip-version-check", "--no-input", "--quiet",
                "-r", str(REQUIREMENTS),
            ]
        )
        if install.returncode != 0:
            # No stamp: the next run tries again instead of trusting a half-installed venv.
            sys.exit(f"run.py: pip install -r {REQUIREMENTS.name} failed (exit {install.returncode})")
        STAMP.write_text(requirements_digest(python_version=version) + "\n", encoding="utf-8")
    return python


def main(argv: list[str]) -> int:
    if sys.version_info < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        sys.exit(f"run.py: Python {wanted} or newer is needed; this is {sys.version.split()[0]}")
    python = ensure_environment()
    # Tasks may start `pelican`, `pytest` or `node`; put the venv first on PATH so the pinned
    # versions are found, as if the venv had been activated.
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    env.pop("PYTHONHOME", None)
    args = argv or ["--list"]
    return run_stoppable([str(python), "-m", "invoke", *args], env)


def run_stoppable(command: list[str], env: dict[str, str]) -> int:
    """Run `command` and return its exit code; Ctrl-C or `kill` stops all of it.

    The task starts more processes (invoke runs `pelican`, which forks workers). A signal sent
    to this process alone would leave them running, and a build that was told to stop would
    go on and publish. So the command runs in a process group of its own, each SIGINT or
    SIGTERM received here is passed on to the whole group, and this process waits for the
    command to end before it exits (with 128 + the signal's number, as a shell reports it).
    """
    if os.name != "posix":
        return subprocess.run(command, cwd=ROOT, env=env).returncode
    child = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    received: list[int] = []

    def pass_on(signum: int, _frame: object) -> None:
        received.append(signum)
        try:
            os.killpg(child.pid, signum)
        except ProcessLookupError:
            pass  # the command has already ended

    previous = {signum: signal.signal(signum, pass_on) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        _wait_for_group(child.pid)
        _say(f"stopped by {signal.Signals(received[0]).name}")
        return 128 + received[0]
    return code


def _wait_for_group(group: int, seconds: float = 10.0) -> None:
    """Wait until every process of the group has ended; kill what is left after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            os.killpg(group, signal.SIGKILL)
            return
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
