"""Gate plumbing: a missing tool skips a gate locally, with what to install, and fails it in CI."""
from __future__ import annotations

import pytest

from tests.gates.conftest import require_tool
from tools.gates.html_check import find_java
from tools.gates.missing import ToolMissing
from tools.gates.node import check_browser_tools

# Not marked `gate`: this is the gates' plumbing, not a check of the site (no row in `invoke check`).


def _missing() -> None:
    raise ToolMissing("Java is not installed: apt-get install default-jre-headless")


def test_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true.*apt-get install default-jre-headless"):
        require_tool(_missing)


def test_missing_tool_skips_locally_saying_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install default-jre-headless"):
        require_tool(_missing)


def test_tools_are_looked_up_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ToolMissing, match="default-jre-headless"):
        find_java()
    with pytest.raises(ToolMissing, match="nodejs"):
        check_browser_tools()
