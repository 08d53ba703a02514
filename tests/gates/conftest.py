"""Fixtures for the quality gates: the built site, a loopback server, the external tools.

The gates check the session's real build (`built_site` and `subpath_site` in tests/conftest.py);
`invoke check` passes its own fresh build in EXPLAINER_OUTPUT and the gates then check exactly
that folder. A gate whose external tool (Java, Node, Chromium, npm packages) is missing skips
locally with what to install, and fails when CI=true, so that CI can never pass by skipping.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from tests.conftest import BuiltSite
from tools.gates.html_check import find_java, find_vnu_jar
from tools.gates.missing import ToolMissing
from tools.gates.node import check_browser_tools
from tools.gates.sample_pages import sample_pages
from tools.gates.serve import serve

T = TypeVar("T")


def require_tool(find: Callable[[], T]) -> T:
    """Return `find()`; when it raises ToolMissing, skip locally but fail in CI."""
    try:
        return find()
    except ToolMissing as missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and a gate's tool is missing: {missing}", pytrace=False)
        pytest.skip(f"{missing} (skipped locally; CI fails instead)")


@pytest.fixture(scope="session")
def vnu() -> None:
    """Java and vnu.jar are installed (else skip locally, fail in CI)."""
    require_tool(find_java)
    require_tool(find_vnu_jar)


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Node, the pinned npm packages and Chromium are installed (else skip locally, fail in CI)."""
    require_tool(check_browser_tools)


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest) -> Path:
    """The real site built at the root with pelicanconf.py (or the build `invoke check` made)."""
    given = os.environ.get("EXPLAINER_OUTPUT")
    if given and (Path(given) / "index.html").is_file():
        return Path(given)
    built: BuiltSite = request.getfixturevalue("built_site")
    return built.output


@pytest.fixture(scope="session")
def site_url(site: Path) -> Iterator[str]:
    """Base URL (ending in '/') of the root site served on 127.0.0.1."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def pages(site: Path) -> dict[str, str]:
    """One URL path per page type (home, timeline, event, country, law, ...)."""
    picked = sample_pages(site)
    missing = sorted(kind for kind, path in picked.items() if path is None)
    assert not missing, f"the built site has no page of type(s): {', '.join(missing)}"
    return {kind: path for kind, path in picked.items() if path is not None}
