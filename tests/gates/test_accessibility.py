"""Gate: axe-core finds no WCAG 2.0/2.1/2.2 A and AA violation on any page type.

One page of every type (the largest of its type), at 1280 px, 360 px and 320 px in the light
palette and at 1280 px in the dark one, in Debian's Chromium. One browser runs every page. The
same run checks WCAG 1.4.10 (Reflow), which axe cannot: no page scrolls sideways, even at 320 px.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tools.gates.node import run_node_gate
from tools.gates.sample_pages import PAGE_TYPES
from tools.gates.serve import serve

pytestmark = pytest.mark.gate


@pytest.fixture(scope="module")
def axe_report(browser_tools: None, site_url: str, pages: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    results = run_node_gate("axe.mjs", site_url, sorted(set(pages.values())))
    by_path: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_path.setdefault(result["path"], []).append(result)
    return by_path


def _describe(result: dict[str, Any]) -> str:
    lines = []
    for violation in result["violations"]:
        lines.append(f"[{result['viewport']}] {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
            lines.append("      " + node["summary"].replace("\n", " ")[:300])
    return "\n".join(lines)


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_axe_violations(page_type: str, pages: dict[str, str],
                           axe_report: dict[str, list[dict[str, Any]]]) -> None:
    path = pages[page_type]
    results = axe_report[path]
    assert len(results) == 4, f"axe ran {len(results)} viewport(s) on {path}"
    assert all(r["status"] == 200 for r in results), [r["status"] for r in results]
    failing = [r for r in results if r["violations"]]
    assert not failing, f"axe violations on {path}:\n" + "\n".join(map(_describe, failing))


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_sideways_scrolling(page_type: str, pages: dict[str, str],
                               axe_report: dict[str, list[dict[str, Any]]]) -> None:
    path = pages[page_type]
    wide = [r for r in axe_report[path] if r["overflow"]]
    assert not wide, f"{path} scrolls sideways:\n" + "\n".join(
        f"[{r['viewport']}] content {r['overflow']['scrollWidth']} px wide in {r['overflow']['width']} px: "
        + "; ".join(r["overflow"]["culprits"]) for r in wide)


def test_axe_finds_violations(browser_tools: None, tmp_path: Path) -> None:
    """The gate can fail: no alt text, grey-on-white text and a too-wide block are reported."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<img src="x.png"><p style="color:#bbb">faint</p><pre>' + "x" * 200 + '</pre></main></body></html>',
        "utf-8")
    with serve(tmp_path) as url:
        results = run_node_gate("axe.mjs", url, ["./"])
    found = {v["id"] for r in results for v in r["violations"]}
    assert {"image-alt", "color-contrast"} <= found, found
    assert all(r["overflow"] and "<pre>" in r["overflow"]["culprits"][0] for r in results), results
