"""Helpers for site tests: parse built pages and resolve their internal links to files."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"))


@cache
def _parse(path: Path, _mtime: float) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


def soup(path: Path) -> BeautifulSoup:
    """The parsed page (cached per file and modification time)."""
    return _parse(path, path.stat().st_mtime)


def page_url(output: Path, file: Path, siteurl: str) -> str:
    """The address a written file is served at (index.html files at their folder)."""
    rel = file.relative_to(output).as_posix()
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    base = siteurl if siteurl else "http://site.invalid"
    return f"{base}/{rel}"


def internal_links(output: Path, file: Path, siteurl: str) -> list[tuple[str, str]]:
    """(as written, absolute address) for every link in `file` that points into the site."""
    base = siteurl if siteurl else "http://site.invalid"
    origin = urlsplit(base)
    here = page_url(output, file, siteurl)
    found = []
    for tag, attribute in LINK_ATTRIBUTES:
        for element in soup(file).find_all(tag):
            value = element.get(attribute)
            if value is None:
                continue
            absolute = urljoin(here, value)
            parts = urlsplit(absolute)
            if parts.scheme in {"http", "https"} and parts.netloc == origin.netloc:
                found.append((value, absolute))
    return found


def target_file(output: Path, absolute: str, siteurl: str) -> Path | None:
    """The file an internal address resolves to, or None when it is outside the site's path."""
    base = siteurl if siteurl else "http://site.invalid"
    address, _fragment = urldefrag(absolute)
    prefix = base.rstrip("/") + "/"
    if not (address + ("/" if address == base.rstrip("/") else "")).startswith(prefix):
        return None
    rel = unquote(urlsplit(address).path)[len(urlsplit(prefix).path):]
    file = output / rel
    return file / "index.html" if rel == "" or rel.endswith("/") else file
