"""Gate: the Nu HTML Checker reports no error on any page (or CSS file) of the built site."""
from __future__ import annotations

from pathlib import Path

import pytest

from tools.gates.html_check import validate

pytestmark = pytest.mark.gate


def test_every_page_is_valid_html(vnu: None, site: Path) -> None:
    errors = validate(site)
    assert not errors, f"{len(errors)} vnu error(s):\n" + "\n".join(map(str, errors[:50]))


def test_the_checker_finds_errors(vnu: None, tmp_path: Path) -> None:
    """The gate can fail: a duplicate id, a stray end tag and invalid CSS are reported."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><p id="a">x</p><p id="a">y</p></div></body></html>', "utf-8")
    (tmp_path / "site.css").write_text("p { color: bogus; }", "utf-8")
    messages = [(m.file, m.message) for m in validate(tmp_path)]
    assert any(f == "index.html" and "Duplicate ID" in m for f, m in messages), messages
    assert any(f == "index.html" and "Stray end tag" in m for f, m in messages), messages
    assert any(f == "site.css" and "bogus" in m for f, m in messages), messages
