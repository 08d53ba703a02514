"""Gate plumbing: the loopback server answers like GitHub Pages (index.html, 404.html)."""
from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tools.gates.serve import serve


def test_serves_folders_and_the_404_page_on_loopback(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("folder page", "utf-8")
    (tmp_path / "404.html").write_text("not found page", "utf-8")
    with serve(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(base + "a/") as response:
            assert response.read() == b"folder page"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "no/such/page/")
        assert missing.value.code == 404
        assert missing.value.read() == b"not found page"
