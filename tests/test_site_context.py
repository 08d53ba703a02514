"""Derived views: current status per country, reverse indexes, grouping and pagination."""
from __future__ import annotations

from dataclasses import replace

from explainer import site_context
from explainer.dates import PartialDate
from explainer.model import Dataset, StatusChange
from explainer.site_context import build_site_context
from explainer.text import Text
from explainer.vocab import TikTokStatus
from tests.site_sample import sample_dataset


def test_latest_status_wins_and_remembers_its_event() -> None:
    data = sample_dataset()
    kg = data.countries["KG"]
    later = replace(data.events[-1], id="kg-unblocked", date=PartialDate.parse("2024-12"), countries=(kg,),
                    tiktok_status=(StatusChange(kg, TikTokStatus.AVAILABLE),))
    site = build_site_context(replace(data, events=(*data.events, later)))
    status = site.status_of["KG"]
    assert (status.status, status.since.iso, status.event.id) == (TikTokStatus.AVAILABLE, "2024-12", "kg-unblocked")
    assert [value for _event, value in site.status_history["KG"]] == [TikTokStatus.BLOCKED, TikTokStatus.AVAILABLE]


def test_country_without_status_events() -> None:
    data = sample_dataset()
    quiet = replace(data.countries["US"], code="EU", name=Text.english("European Union"))
    site = build_site_context(replace(data, countries={**data.countries, "EU": quiet}))
    assert site.status_of["EU"].status is None and site.status_of["EU"].event is None
    assert site.country_timelines["EU"][0].count == 0


def test_reverse_indexes() -> None:
    site = build_site_context(sample_dataset())
    assert [e.id for e in site.events_of_law["kg-child-protection"]] == ["kg-child-law-signed", "kg-gknb-order", "kg-block"]
    assert [e.id for e in site.events_of_actor["rector"]] == ["kz-rector-proposal"]
    assert [law.slug for law in site.laws_of_country["KG"]] == ["kg-child-protection", "kg-false-information"]
    assert [quote.text.en for _e, quote in site.quotes_of_actor["rector"]] == ["TikTok harms children"]


def test_long_listings_are_paginated_and_grouped(monkeypatch) -> None:
    monkeypatch.setattr(site_context, "EVENTS_PER_PAGE", 10)
    data = sample_dataset()
    template = data.events[-2]  # a Kyrgyz block event
    many = tuple(
        replace(template, id=f"kg-event-{n:03d}", date=PartialDate(2024, 1 + n // 5, 1 + n % 28))
        for n in range(25)
    )
    site = build_site_context(Dataset(data.countries, data.laws, data.actors, data.sources, many))
    pages = site.timeline_pages
    assert [page.path for page in pages] == ["timeline/2024/", "timeline/2024/2/", "timeline/2024/3/"]
    assert [sum(len(m.events) for y in page.years for m in y.months) for page in pages] == [10, 10, 5]
    assert pages[1].previous.path == "timeline/2024/" and pages[1].next.path == "timeline/2024/3/"
    assert pages[0].previous is None and pages[2].next is None
    headings = [m.heading for y in pages[0].years for m in y.months]
    assert headings == ["January 2024", "February 2024"]
    assert [p.path for p in site.country_timelines["KG"]] == [
        "timeline/country/kg/", "timeline/country/kg/2/", "timeline/country/kg/3/"]


def test_year_only_events_have_their_own_group() -> None:
    site = build_site_context(sample_dataset())
    first = site.timeline_pages[0]
    assert first.path == "timeline/2021/"
    assert [m.heading for y in first.years for m in y.months] == ["2021, month not known"]
