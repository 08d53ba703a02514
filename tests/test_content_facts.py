"""The real events.yaml and content/: every country covered, cited and current, statuses that
follow from the events, and sources named in a text cited by it."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from explainer.data.load import load_dataset
from explainer.data.model import Dataset
from explainer.site.site_context import build_site_context
from tests.conftest import ROOT

SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(ROOT / "events.yaml")


def test_every_country_has_a_page_a_status_and_a_checked_day(data: Dataset) -> None:
    site = build_site_context(data)
    for code, country in data.countries.items():
        assert (ROOT / "content" / "countries" / f"{code.lower()}.md").is_file(), code
        status = site.status_of[code]
        assert status.status is not None and status.event is not None, code
        assert status.event.sources, code
        assert country.checked is not None and country.checked.day is not None, code


def test_central_asia_and_the_reported_bans_are_covered(data: Dataset) -> None:
    assert {"KG", "KZ", "UZ", "TM", "RU", "US", "EU", "AL", "NP", "IN", "AF"} <= set(data.countries)


def test_every_event_law_and_figure_cites_a_source(data: Dataset) -> None:
    assert all(event.sources for event in data.events)
    assert all(law.sources for law in data.laws.values())
    assert all(figure.sources for country in data.countries.values() for figure in country.figures)


def periods(data: Dataset, code: str) -> list[tuple[str, str, str | None, str]]:
    return [(p.status.value, p.start.iso, p.end.iso if p.end else None, p.event.id)
            for p in build_site_context(data).status_history[code]]


def test_nepal_banned_then_allowed_again(data: Dataset) -> None:
    assert [(status, start) for status, start, _end, _event in periods(data, "NP")] == [
        ("blocked", "2023-11-13"), ("available", "2024-08-22")]


def test_albania_blocked_then_lifted(data: Dataset) -> None:
    history = periods(data, "AL")
    assert [status for status, *_rest in history] == ["under-discussion", "blocked", "available"]
    assert history[1][1] == "2025-03-13" and history[-1][2] is None


def test_the_us_status_ends_in_a_sale(data: Dataset) -> None:
    history = periods(data, "US")
    assert [status for status, *_rest in history] == [
        "under-discussion", "ordered-to-divest", "offline", "ban-not-enforced", "divested"]
    assert [start for _status, start, *_rest in history][1:] == ["2024-04-24", "2025-01-18", "2025-01-19", "2026-01-22"]
    # Each period ends where the next begins.
    assert all(history[i][2] == history[i + 1][1] for i in range(len(history) - 1))


# Outlets a summary may name, with the words of their `publisher` field that identify them.
OUTLETS = {
    "OCCRP": ("OCCRP",), "24.kg": ("24.kg",), "RFE/RL": ("Radio Free Europe", "RFE/RL"),
    "CABAR.asia": ("CABAR.asia",), "Eurasianet": ("Eurasianet",), "Kun.uz": ("Kun.uz",),
    "The Diplomat": ("The Diplomat",), "Trend": ("Trend",),
}


# A text attributes a fact to an outlet: "(OCCRP)", "according to OCCRP", "OCCRP reports", ...
# An outlet that is only the subject ("RFE/RL's Kyrgyz Service was blocked") is not attributed to.
ATTRIBUTION = (r"\({name}[,;)]|[Aa]ccording to {name}\b|[Aa]s {name} report|{name}(?: itself)? (?:says|said|reports|"
               r"reported|writes|wrote|describes|dates|gives|calls|counts|read|notes|noted|found|compares|links|adds)\b")


def test_an_outlet_named_in_a_text_is_cited_by_it(data: Dataset) -> None:
    """'OCCRP reports ...' in a summary needs an OCCRP source among the entry's sources."""
    entries = [(f"event {e.id}", e.summary.en + " " + (e.date_dispute.en if e.date_dispute else ""), e.sources)
               for e in data.events]
    entries += [(f"law {law.slug}", law.summary.en, law.sources) for law in data.laws.values()]
    missing = []
    for label, text, sources in entries:
        for name, publishers in OUTLETS.items():
            if re.search(ATTRIBUTION.format(name=re.escape(name)), text) and not any(
                publisher in source.publisher.en for source in sources for publisher in publishers
            ):
                missing.append(f"{label} names {name}")
    assert missing == []


@pytest.mark.skipif(not (SHARED / "tools" / "copycheck.py").is_file(), reason="../shared/tools/copycheck.py not here")
def test_no_file_repeats_the_seed_articles() -> None:
    result = subprocess.run([sys.executable, str(SHARED / "tools" / "copycheck.py"), str(ROOT)],
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1].startswith("0 file(s)"), result.stdout
