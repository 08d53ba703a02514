"""Derived views: current status per country, reverse indexes, grouping and pagination."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from explainer.data.dates import PartialDate
from explainer.data.model import Dataset, StatusChange
from explainer.data.text import Text
from explainer.data.vocab import TikTokStatus
from explainer.site import listings
from explainer.site.site_context import build_site_context
from tests.site_sample import sample_dataset


def test_latest_status_wins_and_remembers_its_event() -> None:
    data = sample_dataset()
    kg = data.countries["KG"]
    later = replace(data.events[-1], id="kg-unblocked", date=PartialDate.parse("2024-12"), countries=(kg,),
                    tiktok_status=(StatusChange(kg, TikTokStatus.AVAILABLE),))
    site = build_site_context(replace(data, events=(*data.events, later)))
    status = site.status_of["KG"]
    assert (status.status, status.since.iso, status.event.id) == (TikTokStatus.AVAILABLE, "2024-12", "kg-unblocked")
    periods = site.status_history["KG"]
    assert [period.status for period in periods] == [TikTokStatus.BLOCKED, TikTokStatus.AVAILABLE]
    assert (periods[0].end, periods[0].next_event) == (later.date, later)
    assert (periods[1].start, periods[1].end, periods[1].event) == (later.date, None, later)


def _with_statuses(*steps: tuple[str, str, TikTokStatus]) -> Dataset:
    """The sample data with KG's status events replaced by `steps` (id, date, status)."""
    data = sample_dataset()
    kg = data.countries["KG"]
    template = data.events[-1]
    others = tuple(event for event in data.events if not any(c.country is kg for c in event.tiktok_status))
    added = tuple(replace(template, id=event_id, date=PartialDate.parse(date), countries=(kg,),
                          tiktok_status=(StatusChange(kg, status),)) for event_id, date, status in steps)
    return replace(data, events=tuple(sorted((*others, *added), key=lambda event: (event.date.sort_key, event.id))))


def test_a_status_that_goes_back_and_forth_has_one_period_each_way() -> None:
    """Nepal's shape: banned, then allowed again; Albania's: announced, blocked, lifted."""
    site = build_site_context(_with_statuses(
        ("a-announced", "2024-12", TikTokStatus.UNDER_DISCUSSION),
        ("b-blocked", "2025-03-13", TikTokStatus.BLOCKED),
        ("c-lifted", "2026-02", TikTokStatus.AVAILABLE),
        ("d-blocked-again", "2026-05-01", TikTokStatus.BLOCKED),
    ))
    periods = site.status_history["KG"]
    assert [(p.status.value, p.start.iso, p.end.iso if p.end else None, p.event.id) for p in periods] == [
        ("under-discussion", "2024-12", "2025-03-13", "a-announced"),
        ("blocked", "2025-03-13", "2026-02", "b-blocked"),
        ("available", "2026-02", "2026-05-01", "c-lifted"),
        ("blocked", "2026-05-01", None, "d-blocked-again"),
    ]
    assert site.status_of["KG"].status is TikTokStatus.BLOCKED and site.status_of["KG"].since.iso == "2026-05-01"


def test_the_us_sequence_ends_in_a_sale_and_repeats_start_no_new_period() -> None:
    site = build_site_context(_with_statuses(
        ("a-bill", "2024-03-05", TikTokStatus.UNDER_DISCUSSION),
        ("b-signed", "2024-04-24", TikTokStatus.ORDERED_TO_DIVEST),
        ("c-upheld", "2025-01-17", TikTokStatus.ORDERED_TO_DIVEST),
        ("d-dark", "2025-01-18", TikTokStatus.OFFLINE),
        ("e-order", "2025-01-20", TikTokStatus.BAN_NOT_ENFORCED),
        ("f-extended", "2025-04-04", TikTokStatus.BAN_NOT_ENFORCED),
        ("g-sold", "2026-01-22", TikTokStatus.DIVESTED),
    ))
    periods = site.status_history["KG"]
    assert [(p.status.value, p.event.id, p.next_event.id if p.next_event else None) for p in periods] == [
        ("under-discussion", "a-bill", "b-signed"),
        ("ordered-to-divest", "b-signed", "d-dark"),  # upheld, not set anew: the period runs on
        ("offline", "d-dark", "e-order"),
        ("ban-not-enforced", "e-order", "g-sold"),
        ("divested", "g-sold", None),
    ]


def test_a_status_is_as_of_its_checked_date_and_stale_after_a_year() -> None:
    data = sample_dataset()
    kg = replace(data.countries["KG"], checked=PartialDate.parse("2025-12-06"))
    data = replace(data, countries={**data.countries, "KG": kg})
    fresh = build_site_context(data, today=dt.date(2026, 12, 6)).status_of["KG"]
    stale = build_site_context(data, today=dt.date(2026, 12, 7)).status_of["KG"]
    assert (fresh.checked, fresh.stale) == (kg.checked, False)
    assert stale.stale is True
    leap = replace(kg, checked=PartialDate.parse("2024-02-28"))
    assert build_site_context(replace(data, countries={**data.countries, "KG": leap}),
                              today=dt.date(2025, 2, 28)).status_of["KG"].stale is False


def test_country_without_status_events() -> None:
    data = sample_dataset()
    quiet = replace(data.countries["US"], code="EU", name=Text.english("European Union"))
    site = build_site_context(replace(data, countries={**data.countries, "EU": quiet}))
    assert site.status_of["EU"].status is None and site.status_of["EU"].event is None
    assert site.country_timelines["EU"][0].count == 0


def test_reverse_indexes() -> None:
    site = build_site_context(sample_dataset())
    assert [e.id for e in site.events_of_law["kg-child-protection"]] == [
        "kg-child-law-signed", "kg-gknb-order", "kg-block",
    ]
    assert [e.id for e in site.events_of_actor["rector"]] == ["kz-rector-proposal"]
    assert [law.slug for law in site.laws_of_country["KG"]] == ["kg-child-protection", "kg-false-information"]
    assert [quote.text.en for _e, quote in site.quotes_of_actor["rector"]] == ["TikTok harms children"]


def test_long_listings_are_paginated_and_grouped(monkeypatch) -> None:
    monkeypatch.setattr(listings, "EVENTS_PER_PAGE", 10)
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
