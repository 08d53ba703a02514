"""Partial dates: a year, a month or a day, kept at the precision the source gives.

The seeds date some events only to a year ("2021") or a month ("August 2023"). A
`PartialDate` remembers which, so the site prints "August 2023" and never invents a day.

Sorting rule (documented for editors in CONTRIBUTING.md): dates compare by their first
possible day, and a less precise date sorts before a more precise one that starts on the
same day, so "2024-04" comes before "2024-04-01", and "2024" before "2024-01".
"""
from __future__ import annotations

import calendar
import datetime as _dt
import os
import re
from dataclasses import dataclass
from enum import IntEnum

# ASCII digits only: `\d` would also accept Arabic-Indic or full-width digits ("٢٠٢٤").
_PATTERN = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?")

MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
    # Genitive forms, as used after a day number ("18 апреля 2024").
    "ru": (
        "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
        "августа", "сентября", "октября", "ноября", "декабря",
    ),
}
# Nominative forms for a month on its own ("апрель 2024").
_RU_MONTHS_ALONE = (
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль",
    "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)


class Precision(IntEnum):
    """How much of a date is known; the order is the sort order for equal starts."""

    YEAR = 1
    MONTH = 2
    DAY = 3


class DateError(ValueError):
    """A date string that is malformed or names a day that does not exist."""


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    """Four-digit year, 1 or later."""
    month: int | None = None
    """1-12, or None when only the year is known."""
    day: int | None = None
    """Day of the month, or None when only the year or month is known."""

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise DateError with a reason otherwise."""
        match = _PATTERN.fullmatch(text.strip())
        if not match:
            raise DateError(
                f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
                "(for example 2024, 2024-04 or 2024-04-18)"
            )
        year = int(match["year"])
        month = int(match["month"]) if match["month"] else None
        day = int(match["day"]) if match["day"] else None
        if year < 1:
            raise DateError(f"'{text}' has year 0000, which does not exist")
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"'{text}' has month {month:02d}; months run from 01 to 12")
        if day is not None:
            last = calendar.monthrange(year, month or 1)[1]
            if not 1 <= day <= last:
                name = MONTHS["en"][(month or 1) - 1]
                raise DateError(f"'{text}' does not exist: {name} {year} has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def iso(self) -> str:
        """The date as written in events.yaml; also valid in an HTML `datetime` attribute."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def first_day(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> _dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return _dt.date(self.year, month, day)

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.year, self.month or 0, self.day or 0, int(self.precision))

    def display(self, lang: str = "en") -> str:
        """Human form at the known precision: '18 April 2024', 'August 2023', '2021'."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            if lang == "ru":
                return f"{_RU_MONTHS_ALONE[self.month - 1]} {self.year}"
            return f"{MONTHS['en'][self.month - 1]} {self.year}"
        months = MONTHS.get(lang, MONTHS["en"])
        return f"{self.day} {months[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return self.iso

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: PartialDate) -> bool:
        return self.sort_key <= other.sort_key


def today() -> _dt.date:
    """The day the build runs for: SOURCE_DATE_EPOCH's day in UTC when it is set (reproducible
    builds, tests), else today's date in UTC. Checked dates are compared with it, both when
    the data is validated (none may be in the future) and when a status is called out of date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        return _dt.datetime.fromtimestamp(int(value), tz=_dt.UTC).date()
    return _dt.datetime.now(_dt.UTC).date()


def one_year_before(day: _dt.date) -> _dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
