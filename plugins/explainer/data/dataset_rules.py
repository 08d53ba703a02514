"""Rules over the whole dataset: each country is covered by events, has a status, and says how
current its facts are.

These rules tie entries together (a country and the events that name it), so they run once
every entry has been read and every reference resolved: on the model, by both ways of loading
(`validate`). A breach names the entry and field it concerns, so the whole-file way can point
the editor at the exact line.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Dataset


@dataclass(frozen=True, slots=True)
class Breach:
    """One rule broken: where (a country by code, or an event by id) and why."""

    collection: str
    """'countries' or 'events'."""
    key: str
    """The country's code or the event's id."""
    field: str | None
    """The field to point at; None for the entry's key."""
    message: str


def breaches(dataset: Dataset, today: dt.date) -> list[Breach]:
    """Every breach, countries first (in file order), then events (in date order)."""
    found: list[Breach] = []
    named: set[str] = set()
    with_status: set[str] = set()
    for event in dataset.events:
        named.update(country.code for country in event.countries)
        with_status.update(change.country.code for change in event.tiktok_status)
    for code, country in dataset.countries.items():
        if country.checked is not None:
            if country.checked.day is None:
                found.append(Breach("countries", code, "checked",
                                    f"checked date {country.checked.iso} of {code!r} must be a day, YYYY-MM-DD: "
                                    "the day its facts were last checked"))
            elif country.checked.first_day() > today:
                found.append(Breach("countries", code, "checked",
                                    f"checked date {country.checked.iso} of {code!r} is in the future: write the "
                                    "day you last checked its facts, today or earlier"))
        if code not in named:
            found.append(Breach("countries", code, None,
                                f"country {code!r} is listed but no event names it: add its events (with "
                                f"countries: [{code}]), or remove the country"))
        elif code not in with_status:
            found.append(Breach("countries", code, None,
                                f"no event sets TikTok's status in {code!r}: add 'tiktok_status: {{{code}: ...}}' "
                                "to the event that decided it (see CONTRIBUTING.md, TikTok statuses)"))
    for event in dataset.events:
        for country in event.countries:
            checked = country.checked
            if checked is not None and checked.day is not None and event.date.first_day() > checked.first_day():
                found.append(Breach("events", event.id, "date",
                                    f"event {event.id!r} is dated {event.date.iso}, after the checked date "
                                    f"{checked.iso} of {country.code!r} (line {country.line}): when you add a "
                                    f"newer event, check {country.code}'s status and facts too and set its "
                                    "checked date to the day you did"))
    return found
