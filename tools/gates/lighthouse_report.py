"""Print Lighthouse scores (performance, accessibility, best practices, SEO) for eight pages.

A report, not a test: the target is 100 in every category, and whatever keeps a score below
it is listed under the table. The pages are the home page, the timeline, one country page and
one law page (the largest of each type), the Russian home, country and law pages and the
Kazakh home page, served on 127.0.0.1 and audited by npm's `lighthouse`
(pinned in package.json) in Debian's Chromium, with Lighthouse's default mobile settings
(simulated slow 4G and a mid-range phone CPU), one page at a time.

By default the site is built the way it is published (publishconf.py) for the address it is
served at, so that canonical links and Open Graph addresses are absolute as on GitHub Pages.

Run: `python tools/gates/lighthouse_report.py` (or give an already built OUTPUT_DIR, served at
the root); `--desktop` uses Lighthouse's desktop preset; `--json FILE` also writes the scores.
`invoke check` prints the same table after the gates.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make `tools.gates` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.gates.missing import ToolMissing
from tools.gates.node import CHROMIUM, REPO, check_browser_tools
from tools.gates.sample_pages import sample_pages
from tools.gates.serve import serve

__all__ = ["PAGES", "CATEGORIES", "PageScores", "audit", "format_report", "main"]

PAGES = ("home", "timeline", "country", "law", "ru home", "ru country", "ru law", "kk home")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --disable-default-apps --disable-extensions "
    "--disable-dev-shm-usage"
)


@dataclass
class PageScores:
    page: str
    path: str
    scores: dict[str, int | None]
    """Category -> score out of 100 (None when Lighthouse could not score it)."""
    shortfalls: list[str] = field(default_factory=list)
    """Audits that cost points, as 'category: audit title (score)'."""


def _shortfalls(report: dict) -> list[str]:
    found = []
    for category_id in CATEGORIES:
        category = report["categories"].get(category_id, {})
        for ref in category.get("auditRefs", []):
            audit_result = report["audits"].get(ref["id"], {})
            score = audit_result.get("score")
            if ref.get("weight", 0) > 0 and score is not None and score < 1:
                detail = audit_result.get("displayValue", "")
                items = (audit_result.get("details") or {}).get("items") or []
                if items and isinstance(items[0], dict):
                    first = items[0]
                    where = (first.get("sourceLocation") or {}).get("url") or first.get("url") or ""
                    detail = "; ".join(filter(None, [detail, first.get("description", ""), where]))[:200]
                found.append(f"{category_id}: {audit_result.get('title', ref['id'])}"
                             f" (score {score:.2f}{', ' + detail if detail else ''})")
    return found


def audit(url: str, desktop: bool = False) -> dict:
    """Run Lighthouse on `url`; return its JSON report (LHR)."""
    node = check_browser_tools("lighthouse")
    cli = REPO / "node_modules" / "lighthouse" / "cli" / "index.js"
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as profile:
        command = [
            node, str(cli), url, "--output=json", "--output-path=stdout", "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
        ]
        if desktop:
            command.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url} (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout)


def build_published(output: Path, siteurl: str) -> None:
    """Build this repository with publishconf.py for `siteurl` into `output`."""
    env = {**os.environ, "SITEURL": siteurl}
    completed = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "publishconf.py", "-o", str(output)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the build failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")


def score_site(output: Path | None, desktop: bool = False) -> list[PageScores]:
    """Audit the site in `output`, or (None) a fresh published build served where it is built for."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-site-") as scratch:
        if output is None:
            output = Path(scratch) / "output"
            output.mkdir()
        with serve(output) as base:
            if not (output / "index.html").is_file():
                build_published(output, base.rstrip("/"))
            return _score_served(output, base, desktop)


def _score_served(output: Path, base: str, desktop: bool) -> list[PageScores]:
    picked = sample_pages(output)
    results = []
    for page in PAGES:
        path = picked.get(page)
        if path is None:
            results.append(PageScores(page, "-", dict.fromkeys(CATEGORIES), ["page type not built"]))
            continue
        report = audit(base + path.removeprefix("./"), desktop)
        scores = {
            c: (None if report["categories"][c]["score"] is None else round(report["categories"][c]["score"] * 100))
            for c in CATEGORIES
        }
        results.append(PageScores(page, "/" + path.removeprefix("./"), scores, _shortfalls(report)))
    return results


def format_report(results: list[PageScores]) -> str:
    header = ("page", "path", *CATEGORIES)
    rows = [(r.page, r.path, *("n/a" if r.scores[c] is None else str(r.scores[c]) for c in CATEGORIES))
            for r in results]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                         for i, (cell, w) in enumerate(zip(row, widths, strict=True)))

    out = [line(header), line(tuple("-" * w for w in widths)), *map(line, rows)]
    below = [(r.page, s) for r in results for s in r.shortfalls]
    if below:
        out.append("\nBelow 100 because of:")
        out.extend(f"  {page}: {reason}" for page, reason in below)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lighthouse scores of the home, timeline, country and law pages.")
    parser.add_argument("output", nargs="?", help="an already built site (default: build one with publishconf.py)")
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset instead of mobile")
    parser.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    args = parser.parse_args(argv)
    output = Path(args.output) if args.output else None
    if output is not None and not (output / "index.html").is_file():
        print(f"no built site in {output}", file=sys.stderr)
        return 2
    try:
        results = score_site(output, args.desktop)
    except ToolMissing as missing:
        print(f"Lighthouse report skipped: {missing}", file=sys.stderr)
        return 2
    mode = "desktop" if args.desktop else "mobile (simulated slow 4G, 4x CPU slowdown)"
    print(f"Lighthouse {mode}, scores out of 100\n{format_report(results)}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
