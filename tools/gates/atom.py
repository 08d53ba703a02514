"""Check Atom feeds: feedparser must read them cleanly, and they must follow RFC 4287.

feedparser is lenient (it reads almost anything), so the rules it does not enforce are checked
here on the XML: the elements a feed and an entry MUST contain exactly once (id, title,
updated), RFC 3339 timestamps, absolute IRIs as ids (in a build with an absolute SITEURL),
an author on the feed or on every entry, and an entry link or content.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

__all__ = ["atom_problems", "is_atom"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def is_atom(file: Path) -> bool:
    try:
        return ET.parse(file).getroot().tag == f"{_ATOM}feed"
    except ET.ParseError:
        return file.name.endswith(".atom.xml")  # reported by atom_problems


def _once(element: ET.Element, name: str, where: str, problems: list[str]) -> ET.Element | None:
    found = element.findall(f"{_ATOM}{name}")
    if len(found) != 1:
        problems.append(f"{where} has {len(found)} <{name}> elements, RFC 4287 wants exactly one")
        return None
    return found[0]


def _check_common(element: ET.Element, where: str, absolute_ids: bool, problems: list[str]) -> None:
    ident = _once(element, "id", where, problems)
    if ident is not None and absolute_ids and not urlsplit((ident.text or "").strip()).scheme:
        problems.append(f"{where} <id> {ident.text!r} is not an absolute IRI")
    _once(element, "title", where, problems)
    updated = _once(element, "updated", where, problems)
    for stamp in [updated, *element.findall(f"{_ATOM}published")]:
        if stamp is not None and not _RFC3339.match((stamp.text or "").strip()):
            problems.append(f"{where} <{stamp.tag.removeprefix(_ATOM)}> {stamp.text!r} is not an RFC 3339 date")


def atom_problems(file: Path, absolute_ids: bool) -> list[str]:
    """Everything wrong with the Atom feed in `file` (an empty list when it is valid)."""
    problems: list[str] = []
    parsed = feedparser.parse(str(file))
    if parsed.bozo:
        problems.append(f"feedparser: {parsed.get('bozo_exception')}")
    if parsed.version != "atom10":
        problems.append(f"feedparser reads it as {parsed.version or 'unknown'}, not Atom 1.0")
    try:
        root = ET.parse(file).getroot()
    except ET.ParseError as error:
        return [*problems, f"not well-formed XML: {error}"]
    _check_common(root, "feed", absolute_ids, problems)
    entries = root.findall(f"{_ATOM}entry")
    feed_has_author = bool(root.findall(f"{_ATOM}author"))
    authorless = 0
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        _check_common(entry, where, absolute_ids, problems)
        authorless += not entry.findall(f"{_ATOM}author")
        links = [link for link in entry.findall(f"{_ATOM}link") if link.attrib.get("rel", "alternate") == "alternate"]
        if not links and entry.find(f"{_ATOM}content") is None:
            problems.append(f"{where} has neither an alternate link nor content")
    if not feed_has_author and authorless:
        problems.append(f"the feed has no <author> and {authorless} entries have none (RFC 4287 4.1.1)")
    for link in root.iter(f"{_ATOM}link"):
        if not link.attrib.get("href"):
            problems.append("a <link> without href")
    return problems
