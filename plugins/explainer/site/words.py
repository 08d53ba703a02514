"""Counts and numbers as a page shows them: one place, so that an edition in another language
changes them here and not in the templates.

Only English is written so far; every function takes the language it writes in, and refuses
one it does not know rather than answering in English.
"""
from __future__ import annotations

from ..data.text import DEFAULT_LANGUAGE

_NOUNS = {
    "event": ("event", "events"),
}


def _english_only(lang: str) -> None:
    if lang != DEFAULT_LANGUAGE:
        raise ValueError(f"no words for the language {lang!r} yet")


def number(value: int | float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number with the language's digit grouping: 14,000,000."""
    _english_only(lang)
    return f"{value:,}"


def count(value: int, noun: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A count with its noun in the right form: '1 event', '3 events'."""
    _english_only(lang)
    one, many = _NOUNS[noun]
    return f"{number(value, lang)} {one if value == 1 else many}"


def page_of(number_: int, pages: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """Where a page is among the pages of its listing: 'page 2 of 5'."""
    _english_only(lang)
    return f"page {number_} of {pages}"
