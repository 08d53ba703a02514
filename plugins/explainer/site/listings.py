"""Event listings: a timeline (of a year, a country or a kind) split into pages of
EVENTS_PER_PAGE cards, each grouped by year and month, with headings in the edition's words."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from ..data.dates import PartialDate
from ..data.model import Event
from . import urls
from .words import ENGLISH, Words

T = TypeVar("T")

EVENTS_PER_PAGE = 15
"""Longest event listing on one page; longer listings continue on numbered pages. Cyrillic takes
twice the bytes of Latin script: 15 cards of real summaries keep a Russian or Kazakh page within
the first-render budget (14 KB gzipped, with the stylesheet), where 25 English cards did."""


@dataclass(frozen=True, slots=True)
class MonthGroup:
    """Events of one month (or of a year, for events dated only to the year)."""

    heading: str
    """'April 2024', or '2021, month not known'."""
    anchor: str
    """'2024-04' or '2021': fragment id of the heading."""
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class YearGroup:
    year: int
    months: tuple[MonthGroup, ...]


@dataclass(frozen=True, slots=True)
class PageLink:
    """A link to another page of a paginated listing."""

    number: int
    path: str


@dataclass(frozen=True, slots=True)
class EventListing:
    """One page of a timeline (a year, a country or a kind), grouped by year and month."""

    path: str
    title: str
    intro: str
    years: tuple[YearGroup, ...]
    number: int
    pages: tuple[PageLink, ...]
    """All pages of this listing, for the page navigation; one entry means no pagination."""
    count: int
    """Events in the whole listing, not only this page."""

    @property
    def previous(self) -> PageLink | None:
        return self.pages[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> PageLink | None:
        return self.pages[self.number] if self.number < len(self.pages) else None


def chunks(items: tuple[T, ...], size: int) -> list[tuple[T, ...]]:
    return [items[start:start + size] for start in range(0, len(items), size)] or [()]


def group_by_year_and_month(events: Iterable[Event], words: Words = ENGLISH) -> tuple[YearGroup, ...]:
    """Consecutive events (already in timeline order) grouped into years, then months."""
    years: list[YearGroup] = []
    current_year: int | None = None
    months: list[MonthGroup] = []
    bucket: list[Event] = []
    bucket_key: tuple[int, int | None] | None = None

    def close_month() -> None:
        if bucket_key is not None and bucket:
            year, month = bucket_key
            if month is None:
                heading, anchor = words.gettext("%(year)s, month not known") % {"year": year}, f"y{year}"
            else:
                # A heading opens with a capital: 'Апрель 2024 г.', where a sentence has 'в апреле'.
                date = words.date(PartialDate(year, month))
                heading, anchor = date[:1].upper() + date[1:], f"m{year}-{month:02d}"
            months.append(MonthGroup(heading, anchor, tuple(bucket)))

    for event in events:
        key = (event.date.year, event.date.month)
        if key != bucket_key:
            close_month()
            bucket = []
            if key[0] != current_year:
                if current_year is not None:
                    years.append(YearGroup(current_year, tuple(months)))
                months = []
                current_year = key[0]
            bucket_key = key
        bucket.append(event)
    close_month()
    if current_year is not None:
        years.append(YearGroup(current_year, tuple(months)))
    return tuple(years)


def paginate_events(
    base: str, title: str, intro: str, events: tuple[Event, ...], words: Words = ENGLISH
) -> tuple[EventListing, ...]:
    """Split a listing into pages of EVENTS_PER_PAGE, each grouped by year and month."""
    pages_of = chunks(events, EVENTS_PER_PAGE)
    pages = tuple(PageLink(number, urls.numbered(base, number)) for number in range(1, len(pages_of) + 1))
    return tuple(
        EventListing(
            path=link.path,
            title=title if link.number == 1 else words.gettext("%(title)s (page %(number)s)") % {
                "title": title, "number": words.number(link.number)},
            intro=intro,
            years=group_by_year_and_month(chunk, words),
            number=link.number,
            pages=pages,
            count=len(events),
        )
        for link, chunk in zip(pages, pages_of, strict=True)
    )
