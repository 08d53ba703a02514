"""Gate plumbing: the browser gates check one page of every type, each a different page.

The page of one event, law or actor is a file of its section (`events/<id>.html`) beside the
section's own `index.html`; the sample must pick the former, not the listing, or the listing
would be checked twice and the page type never.
"""
from __future__ import annotations

import pytest

from tools.gates.sample_pages import PAGE_TYPES

pytestmark = pytest.mark.gate


def test_every_page_type_is_a_different_page(pages: dict[str, str]) -> None:
    assert set(pages) == set(PAGE_TYPES)
    assert len(set(pages.values())) == len(pages), pages


@pytest.mark.parametrize(("page_type", "section"), [("event", "events/"), ("law", "laws/"), ("actor", "actors/")])
def test_one_item_page_is_a_file_of_its_section(pages: dict[str, str], page_type: str, section: str) -> None:
    path = pages[page_type]
    name = path.removeprefix(section)
    assert path.startswith(section) and name.endswith(".html") and "/" not in name, path
    assert name != "index.html", path
