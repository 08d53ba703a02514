"""The pages exist, show every event where it belongs, and are accessible by construction."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from explainer.data.dates import PartialDate
from explainer.data.model import Dataset
from tests.conftest import ROOT, BuiltSite, build_in_process
from tests.site_html import soup
from tests.site_sample import sample_dataset
from tools.gates.sample_pages import OTHER_EDITIONS


def real_dataset() -> Dataset:
    from explainer.data.load import load_dataset

    return load_dataset(ROOT / "events.yaml")


def anchors(site: BuiltSite, path: str) -> set[str]:
    return {tag["id"] for tag in soup(site.page(path)).find_all("article", class_="event")}


def listing_anchors(site: BuiltSite, path: str) -> set[str]:
    """The event cards on every page of a paginated listing (`timeline/country/kg/`, `.../2/`)."""
    return set().union(*(anchors(site, file.parent.relative_to(site.output).as_posix() + "/")
                         for file in (site.output / path).glob("**/index.html")))


def links_to(site: BuiltSite, path: str) -> set[str]:
    return {a["href"] for a in soup(site.page(path)).find_all("a", href=True)}


def check_every_event_is_placed(site: BuiltSite, data: Dataset) -> None:
    timeline_ids: set[str] = set()
    for file in (site.output / "timeline").glob("[0-9]*/**/index.html"):
        timeline_ids |= {tag["id"] for tag in soup(file).find_all("article", class_="event")}
    assert timeline_ids == {event.id for event in data.events}
    for event in data.events:
        assert site.page(f"events/{event.id}.html").is_file()
        assert not (site.output / "events" / event.id).exists()  # a file of its section, not a folder
        for country in event.countries:
            # The country page lists its events as lines, each a link to the event's page.
            assert f"{site.siteurl}/events/{event.id}.html" in links_to(site, f"countries/{country.slug}/"), (
                event.id, country.code)
            assert event.id in listing_anchors(site, f"timeline/country/{country.slug}/")
        for law in event.laws:
            assert f"{site.siteurl}/events/{event.id}.html" in links_to(site, f"laws/{law.slug}.html"), (
                event.id, law.slug,
            )
        assert event.id in listing_anchors(site, f"timeline/kind/{event.kind.value}/")


def test_sample_events_are_on_timeline_country_and_law_pages(sample_site: BuiltSite) -> None:
    check_every_event_is_placed(sample_site, sample_dataset())


def test_real_events_are_on_timeline_country_and_law_pages(built_site: BuiltSite) -> None:
    check_every_event_is_placed(built_site, real_dataset())


@pytest.mark.parametrize("path", [
    "", "timeline/", "laws/", "actors/", "sources/", "about/", "404.html",
    "feeds/events.atom.xml", "data/events.json", "data/events.csv", "data/events.schema.json",
    "sitemap.xml", "robots.txt", "theme/css/site.css",
])
def test_site_wide_pages_exist(sample_site: BuiltSite, path: str) -> None:
    assert sample_site.page(path).is_file()


def test_no_pelican_blog_pages(sample_site: BuiltSite) -> None:
    written = {path.relative_to(sample_site.output).parts[0] for path in sample_site.output.iterdir()}
    assert not written & {"tag", "category", "author", "archives.html", "tags.html", "categories.html",
                          "authors.html", "drafts", "pages"}


def test_home_shows_status_derived_from_latest_event(sample_site: BuiltSite) -> None:
    rows = {
        row.th.get_text(strip=True): row.find("span", class_="badge").get_text(strip=True)
        for row in soup(sample_site.page("")).find("table", class_="status-table").tbody.find_all("tr")
    }
    assert rows == {"Kyrgyzstan": "Blocked", "Kazakhstan": "Under discussion", "United States": "Ordered to divest"}


def _status_rows(site: BuiltSite, path: str, section: str) -> list[list[str]]:
    table = soup(site.page(path)).find(id=section).find_parent("section").find("table", class_="status-table")
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.tbody.find_all("tr")]


def test_home_gives_each_status_since_when_and_as_of_when(built_site: BuiltSite) -> None:
    data = real_dataset()
    rows = {row[0]: row for row in _status_rows(built_site, "", "sec-status")}
    assert set(rows) == {country.name.en for country in data.countries.values()}
    for country in data.countries.values():
        assert country.checked is not None
        assert rows[country.name.en][3].startswith(country.checked.display()), rows[country.name.en]
    assert rows["United States"][1] == "Divested since 22 January 2026"
    assert rows["Nepal"][1] == "Available since 22 August 2024"


def test_country_page_lists_each_status_period(built_site: BuiltSite) -> None:
    rows = _status_rows(built_site, "countries/al/", "sec-history")
    assert [row[0] for row in rows] == ["Under discussion", "Blocked", "Available"]
    assert rows[0][2] == rows[1][1] and rows[1][2] == rows[2][1]  # each period ends where the next begins
    assert rows[2][2].startswith("Still in force as of ")
    page = soup(built_site.page("countries/al/"))
    assert page.find("p", class_="as-of").find("time")["datetime"] == real_dataset().countries["AL"].checked.iso


@pytest.mark.parametrize(("epoch", "stale"), [("1767139200", False), ("1767225600", True)])  # 2025-12-31, 2026-01-01
def test_a_status_checked_over_a_year_ago_is_marked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     epoch: str, stale: bool) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)  # the sample's countries were checked on 2024-12-31
    site = build_in_process(tmp_path / "output", EXPLAINER_DATASET=sample_dataset())
    home = soup(site.page("")).find("table", class_="status-table")
    assert (home.find("strong", class_="stale") is not None) is stale
    assert (soup(site.page("countries/kg/")).find("strong", class_="stale") is not None) is stale


def test_event_page_shows_date_precision_quotes_and_dispute(sample_site: BuiltSite) -> None:
    page = soup(sample_site.page("events/kz-rector-proposal.html"))
    assert page.find("time")["datetime"] == "2024-04"
    assert page.find("time").get_text() == "April 2024"
    assert page.find("blockquote").get_text(strip=True) == "TikTok harms children"
    disputed = soup(sample_site.page("events/kg-gknb-order.html")).find("p", class_="dispute")
    assert disputed.get_text(" ", strip=True).startswith("Date disputed:")


def test_timeline_says_its_order_and_groups_by_month(sample_site: BuiltSite) -> None:
    page = soup(sample_site.page("timeline/2024/"))
    assert "oldest first" in page.find("p", class_="order-note").get_text()
    assert [h.get_text() for h in page.find_all("h3")] == ["April 2024"]
    dates = [article.find("time")["datetime"] for article in page.find_all("article", class_="event")]
    assert dates == sorted(dates, key=lambda d: PartialDate.parse(d).sort_key)


HEADING = re.compile(r"^h([1-6])$")


def check_accessible_shell(site: BuiltSite) -> None:
    for file in site.html_files():
        where = file.relative_to(site.output)
        page = soup(file)
        edition = where.parts[0] if where.parts[0] in OTHER_EDITIONS else "en"
        assert page.html.get("lang") == edition, where
        first_link = page.body.find("a")
        assert first_link is not None and first_link["href"].endswith("#main"), where
        for landmark in ("header", "nav", "main", "footer"):
            assert page.find(landmark) is not None, (where, landmark)
        assert page.find("main")["id"] == "main"
        headings = [int(HEADING.match(tag.name).group(1)) for tag in page.find_all(HEADING)]
        assert headings.count(1) == 1 and headings[0] == 1, where
        for before, after in zip(headings, headings[1:], strict=False):
            assert after <= before + 1, (where, headings)
        assert page.find(style=True) is None and page.find("style") is None, where
        assert [s for s in page.find_all("script") if s.get("type") != "application/ld+json"] == [], where
        csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert "script-src 'none'" in csp["content"], where
        for time in page.find_all("time"):
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", time["datetime"]), where
        for name in ("og:title", "og:description", "og:url", "og:type"):
            assert page.find("meta", property=name) is not None, (where, name)
        assert page.find("meta", attrs={"name": "twitter:card"}) is not None
        if file.name != "404.html":
            assert page.find("link", rel="canonical") is not None, where


def test_sample_pages_have_an_accessible_shell(sample_site: BuiltSite) -> None:
    check_accessible_shell(sample_site)


def test_real_pages_have_an_accessible_shell(built_site: BuiltSite) -> None:
    check_accessible_shell(built_site)


def test_every_page_type_is_built_from_real_data(built_site: BuiltSite) -> None:
    data = real_dataset()
    for code in data.countries:
        page = soup(built_site.page(f"countries/{code.lower()}/"))
        assert page.h1.get_text() == data.countries[code].name.en
    for law in data.laws.values():
        assert soup(built_site.page(f"laws/{law.slug}.html")).h1.get_text() == law.short_name.en
    for actor in data.actors.values():
        assert soup(built_site.page(f"actors/{actor.slug}.html")).h1.get_text() == actor.name.en
    pages = [built_site.page("sources/"), *sorted((built_site.output / "sources").glob("[0-9]*/index.html"))]
    bibliography = [li["id"] for page in pages for li in soup(page).find("ol", class_="bibliography").find_all("li")]
    assert len(pages) > 1 and sorted(bibliography) == sorted(data.sources)


def check_first_render_budget(site: BuiltSite) -> None:
    """Each page's HTML plus the stylesheet fits in 14 KB gzipped (one round trip)."""
    import gzip

    css = len(gzip.compress((site.output / "theme" / "css" / "site.css").read_bytes(), 9))
    too_big = {
        file.relative_to(site.output).as_posix(): size
        for file in site.html_files()
        if (size := len(gzip.compress(file.read_bytes(), 9)) + css) > 14 * 1024
    }
    assert too_big == {}


def test_sample_pages_fit_the_first_render_budget(sample_site: BuiltSite) -> None:
    check_first_render_budget(sample_site)


def test_real_pages_fit_the_first_render_budget(built_site: BuiltSite) -> None:
    check_first_render_budget(built_site)
