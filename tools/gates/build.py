"""Build the site (or a copy of the project) with Pelican in a child process, for the gates.

A child process gives each build a fresh interpreter, exactly as `pelican` on the command line
would run it, so nothing cached by one build (settings modules, plugin state) leaks into another.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["PROJECT_FILES", "REPO", "SUBPATH_SITEURL", "BuildFailed", "build_site", "copy_project"]

REPO = Path(__file__).resolve().parents[2]
# What a build reads: the data, the Markdown, the theme, the plugin and both settings files.
PROJECT_FILES = ("events.yaml", "content", "themes", "plugins", "schema", "pelicanconf.py", "publishconf.py")

# The published site may live under a project subpath; the gates build for this one.
SUBPATH_SITEURL = "https://example.org/sub"


class BuildFailed(RuntimeError):
    """Pelican exited non-zero; the message holds its output."""


def copy_project(destination: Path, source: Path = REPO) -> Path:
    """Copy what a build reads from `source` into `destination`; return `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*cache*")
    for name in PROJECT_FILES:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, destination / name, ignore=ignore)
        elif path.is_file():
            shutil.copy2(path, destination / name)
    return destination


def build_site(output: Path, project: Path = REPO, settings: str = "pelicanconf.py",
               siteurl: str | None = None) -> Path:
    """Build `project` into `output` with `settings`; SITEURL (publishconf) from `siteurl`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project / "plugins"), env.get("PYTHONPATH")]))
    if siteurl is not None:
        env["SITEURL"] = siteurl
    command = [sys.executable, "-m", "pelican", str(project / "content"),
               "-s", str(project / settings), "-o", str(output)]
    completed = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                               timeout=600, check=False)
    if completed.returncode != 0 or not (output / "index.html").is_file():
        raise BuildFailed(
            f"pelican exited {completed.returncode} building {project} with {settings}:\n"
            f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    return output
