"""Run the Node-based gates (axe, keyboard) against a served site and return their JSON.

Needs Node, the npm packages from package-lock.json (`npm ci`) and Debian's Chromium; a
missing piece raises `ToolMissing` with the command that installs it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .missing import ToolMissing

__all__ = ["CHROMIUM", "REPO", "check_browser_tools", "run_node_gate"]

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def check_browser_tools(*packages: str) -> str:
    """Return the path of `node`, or raise ToolMissing naming what to install."""
    node = shutil.which("node")
    if not node:
        raise ToolMissing("Node.js is not installed: apt-get install nodejs npm")
    if not Path(CHROMIUM).is_file():
        raise ToolMissing(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    for package in packages or ("playwright-core", "axe-core"):
        if not (REPO / "node_modules" / package / "package.json").is_file():
            raise ToolMissing(f"npm package {package} is missing: run `npm ci` in {REPO}")
    return node


def run_node_gate(script: str, base_url: str, paths: list[str], timeout: float = 600) -> list[dict[str, Any]]:
    """Run tools/gates/<script> on `paths` below `base_url`; return its JSON report."""
    node = check_browser_tools()
    completed = subprocess.run(
        [node, str(HERE / script), base_url, *paths],
        capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{script} failed (exit {completed.returncode}):\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout)
