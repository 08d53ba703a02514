"""Every internal link and asset of the built site resolves to a file the build wrote,
at the domain root and under a subpath, and anchors point at ids that exist."""
from __future__ import annotations

from urllib.parse import urldefrag

import pytest

from tests.conftest import BuiltSite
from tests.site_html import internal_links, soup, target_file


def broken_links(site: BuiltSite) -> list[str]:
    problems = []
    for file in site.html_files():
        for written, absolute in internal_links(site.output, file, site.siteurl):
            target = target_file(site.output, absolute, site.siteurl)
            where = file.relative_to(site.output)
            if target is None:
                problems.append(f"{where}: {written} escapes {site.siteurl or '/'}")
            elif not target.is_file():
                problems.append(f"{where}: {written} -> missing {target.relative_to(site.output)}")
            else:
                fragment = urldefrag(absolute)[1]
                if fragment and target.suffix == ".html" and soup(target).find(id=fragment) is None:
                    problems.append(f"{where}: {written} -> no id '{fragment}'")
    return problems


@pytest.mark.parametrize("fixture", ["built_site", "subpath_site", "sample_site"])
def test_every_internal_link_resolves(fixture: str, request: pytest.FixtureRequest) -> None:
    site: BuiltSite = request.getfixturevalue(fixture)
    assert broken_links(site) == []


def test_subpath_build_has_no_root_relative_links(subpath_site: BuiltSite) -> None:
    """Under https://example.org/sub a link to '/x' or 'https://example.org/x' leaves the site."""
    escaping = []
    for file in subpath_site.html_files():
        page = soup(file)
        for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in page.find_all(tag):
                value = element.get(attribute) or ""
                if value.startswith("/") or (
                    value.startswith("https://example.org") and not value.startswith("https://example.org/sub/")
                ):
                    escaping.append(f"{file.relative_to(subpath_site.output)}: {value}")
    assert escaping == []
    assert (subpath_site.output / "index.html").is_file()


def test_sitemap_lists_absolute_addresses_under_the_subpath(subpath_site: BuiltSite) -> None:
    text = (subpath_site.output / "sitemap.xml").read_text(encoding="utf-8")
    locs = [line for line in text.splitlines() if "<loc>" in line]
    assert locs and all("<loc>https://example.org/sub/" in line for line in locs)
    robots = (subpath_site.output / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/sub/sitemap.xml" in robots


def test_links_resolve_when_every_listing_is_paginated(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny page sizes force numbered pages everywhere: page links and bibliography anchors
    on later pages must still resolve."""
    from explainer.site import listings, site_context
    from tests.conftest import build_in_process
    from tests.site_sample import sample_dataset

    monkeypatch.setattr(listings, "EVENTS_PER_PAGE", 2)
    monkeypatch.setattr(site_context, "SOURCES_PER_PAGE", 1)
    site = build_in_process(tmp_path / "output", EXPLAINER_DATASET=sample_dataset())
    assert site.page("timeline/2024/2/").is_file() and site.page("sources/3/").is_file()
    assert broken_links(site) == []
