"""Counts and numbers are worded in one place (`site.words`), not in templates."""
from __future__ import annotations

import pytest

from explainer.site import words


def test_counts_take_the_noun_in_the_right_form() -> None:
    assert [words.count(n, "event") for n in (0, 1, 2, 1500)] == ["0 events", "1 event", "2 events", "1,500 events"]
    assert words.number(14_000_000) == "14,000,000" and words.page_of(2, 5) == "page 2 of 5"


def test_a_language_without_words_is_refused_not_answered_in_english() -> None:
    with pytest.raises(ValueError, match="no words for the language 'ru' yet"):
        words.count(3, "event", "ru")
