"""Every country in events.yaml is described by a page of its own, content/countries/<code>.md.

A status on the home page links to its country's page, and the page's summary is what tells a
reader the story behind the status, so a country without one is a defect of the data, reported
at the country's line in events.yaml like any other.
"""
from __future__ import annotations

from pathlib import Path

from .model import Dataset
from .problems import Problem


def page_path(folder: Path, code: str) -> Path:
    return folder / f"{code.lower()}.md"


def missing(dataset: Dataset, folder: Path, events_path: str) -> list[Problem]:
    """A problem at each country of `dataset` that has no page in `folder`."""
    return [
        Problem(events_path, country.line or 1, 3,
                f"country {code!r} has no page: write {page_path(folder, code).as_posix()} (lines "
                f"'Title: {country.name.en}', 'Country: {code}' and 'Summary: ...', a blank line, then "
                "the text; see CONTRIBUTING.md, Country pages)")
        for code, country in dataset.countries.items()
        if not page_path(folder, code).is_file()
    ]
