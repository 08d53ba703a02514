"""Gate: every page type can be used with the Tab key alone, with focus always visible.

tools/gates/keyboard.mjs walks each page in Chromium at 1280 px and 360 px, and at 1280 px in the
dark palette: the first Tab stop is a skip link into <main>, Tab then reaches every rendered
focusable element once, in document order, and each focused element shows a focus outline (at
3:1 contrast with what is behind it) or box-shadow, in view and uncovered.
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
def keyboard_report(browser_tools: None, site_url: str, pages: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    results = run_node_gate("keyboard.mjs", site_url, sorted(set(pages.values())))
    by_path: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_path.setdefault(result["path"], []).append(result)
    return by_path


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_tab_reaches_everything_visibly(page_type: str, pages: dict[str, str],
                                        keyboard_report: dict[str, list[dict[str, Any]]]) -> None:
    path = pages[page_type]
    results = keyboard_report[path]
    assert len(results) == 3, f"keyboard test ran {len(results)} viewport(s) on {path}"
    problems = [f"[{r['viewport']} px] {p}" for r in results for p in r["problems"]]
    assert not problems, f"keyboard problems on {path}:\n" + "\n".join(problems[:40])
    assert all(r["expected"] > 1 and r["stops"] == r["expected"] for r in results), results


def test_keyboard_gate_finds_problems(browser_tools: None, tmp_path: Path) -> None:
    """The gate can fail: no skip link, a focus style removed or faint, a positive tabindex."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title>'
        '<style>.bare:focus{outline:none} .faint:focus{outline:2px solid #eee}</style></head><body>'
        '<header><a href="/">Home</a></header><main id="main"><a class="bare" href="/a">a</a> '
        '<a class="faint" href="/c">c</a> <a href="/b" tabindex="2">b</a></main></body></html>', "utf-8")
    with serve(tmp_path) as url:
        (result, *_rest) = run_node_gate("keyboard.mjs", url, ["./"])
    problems = "\n".join(result["problems"])
    assert "the first Tab stop is not a skip link" in problems
    assert "focus not visible" in problems
    assert "positive tabindex" in problems
    assert "focus outline contrast" in problems
