"""PartialDate: parsing at three precisions, refusals with reasons, display, sorting."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.data.dates import DateError, PartialDate, Precision


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2021", PartialDate(2021), Precision.YEAR),
        ("2023-08", PartialDate(2023, 8), Precision.MONTH),
        ("2024-04-18", PartialDate(2024, 4, 18), Precision.DAY),
        ("2024-02-29", PartialDate(2024, 2, 29), Precision.DAY),
        (" 2024-04 ", PartialDate(2024, 4), Precision.MONTH),
    ],
)
def test_parse_keeps_precision(text: str, expected: PartialDate, precision: Precision) -> None:
    date = PartialDate.parse(text)
    assert date == expected and date.precision is precision
    assert date.iso == text.strip() and str(date) == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-02-30", "'2024-02-30' does not exist: February 2024 has 29 days"),
        ("2023-02-29", "'2023-02-29' does not exist: February 2023 has 28 days"),
        ("2024-04-31", "'2024-04-31' does not exist: April 2024 has 30 days"),
        ("2023-13", "'2023-13' has month 13; months run from 01 to 12"),
        ("2023-00", "'2023-00' has month 00; months run from 01 to 12"),
        ("0000-00-00", "'0000-00-00' has year 0000, which does not exist"),
        ("2024-01-00", "'2024-01-00' does not exist: January 2024 has 31 days"),
        ("24-04-18", "'24-04-18' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
         "(for example 2024, 2024-04 or 2024-04-18)"),
        ("2024/04/18", "'2024/04/18' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
         "(for example 2024, 2024-04 or 2024-04-18)"),
        ("2024-4-18", "'2024-4-18' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
         "(for example 2024, 2024-04 or 2024-04-18)"),
        ("April 2024", "'April 2024' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
         "(for example 2024, 2024-04 or 2024-04-18)"),
        ("٢٠٢٤", "'٢٠٢٤' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (for example 2024, 2024-04 or 2024-04-18)"),
        ("２０２４-０４", "'２０２４-０４' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
         "(for example 2024, 2024-04 or 2024-04-18)"),
        ("", "'' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (for example 2024, 2024-04 or 2024-04-18)"),
    ],
)
def test_parse_refuses_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        PartialDate.parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "en", "ru"),
    [
        ("2021", "2021", "2021"),
        ("2023-08", "August 2023", "август 2023"),
        ("2024-04-18", "18 April 2024", "18 апреля 2024"),
        ("2024-04-05", "5 April 2024", "5 апреля 2024"),
    ],
)
def test_display_never_invents_a_day(text: str, en: str, ru: str) -> None:
    date = PartialDate.parse(text)
    assert date.display() == en and date.display("en") == en and date.display("ru") == ru
    assert date.display("de") == en  # unknown languages fall back to English month names


def test_first_and_last_day_span_the_precision() -> None:
    assert PartialDate.parse("2024").first_day() == dt.date(2024, 1, 1)
    assert PartialDate.parse("2024").last_day() == dt.date(2024, 12, 31)
    assert PartialDate.parse("2024-02").last_day() == dt.date(2024, 2, 29)
    assert PartialDate.parse("2023-02").last_day() == dt.date(2023, 2, 28)
    day = PartialDate.parse("2024-04-18")
    assert day.first_day() == day.last_day() == dt.date(2024, 4, 18)


def test_sorting_puts_less_precise_dates_first_on_the_same_start() -> None:
    texts = ["2024-04-01", "2024-04", "2024", "2023-12-31", "2024-01", "2024-04-16"]
    ordered = sorted((PartialDate.parse(t) for t in texts), key=lambda d: d.sort_key)
    assert [d.iso for d in ordered] == ["2023-12-31", "2024", "2024-01", "2024-04", "2024-04-01", "2024-04-16"]
    assert PartialDate(2024) < PartialDate(2024, 1) <= PartialDate(2024, 1)
    assert not PartialDate(2024, 5) < PartialDate(2024, 4, 30)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1)), st.sampled_from(["year", "month", "day"]))
def test_iso_round_trips_and_order_matches_first_day(day: dt.date, precision: str) -> None:
    date = {
        "year": PartialDate(day.year),
        "month": PartialDate(day.year, day.month),
        "day": PartialDate(day.year, day.month, day.day),
    }[precision]
    assert PartialDate.parse(date.iso) == date
    assert date.first_day() <= day <= date.last_day()


@settings(max_examples=200, deadline=None)
@given(st.dates(), st.dates())
def test_day_order_is_calendar_order(a: dt.date, b: dt.date) -> None:
    first, second = PartialDate(a.year, a.month, a.day), PartialDate(b.year, b.month, b.day)
    assert (first.sort_key < second.sort_key) == (a < b)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_parse_returns_a_date_or_raises_date_error(text: str) -> None:
    try:
        date = PartialDate.parse(text)
    except DateError:
        return
    assert date.iso == text.strip()
