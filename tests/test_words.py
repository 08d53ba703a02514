"""Counts, numbers and dates are worded in one place per language (`site.words`), not in templates."""
from __future__ import annotations

from pathlib import Path

import pytest

from explainer.data.dates import PartialDate
from explainer.site import words
from explainer.site.words import ENGLISH, Words

CATALOG = """\
msgid "%(num)s event"
msgid_plural "%(num)s events"
msgstr[0] "%(num)s событие"
msgstr[1] "%(num)s события"
msgstr[2] "%(num)s событий"

msgid "page %(number)s of %(pages)s"
msgstr "страница %(number)s из %(pages)s"
"""


def test_english_counts_take_the_noun_in_the_right_form() -> None:
    assert [ENGLISH.count(n, "event") for n in (0, 1, 2, 1500)] == ["0 events", "1 event", "2 events", "1,500 events"]
    assert ENGLISH.number(14_000_000) == "14,000,000" and ENGLISH.page_of(2, 5) == "page 2 of 5"


def test_russian_counts_have_three_forms_and_russian_separators(tmp_path: Path) -> None:
    catalog = tmp_path / "ru" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(CATALOG, encoding="utf-8")
    russian = words.load("ru", tmp_path)
    assert [russian.count(n, "event") for n in (1, 3, 5, 11, 21, 1500)] == [
        "1 событие", "3 события", "5 событий", "11 событий", "21 событие", "1\xa0500 событий"]
    assert russian.page_of(2, 5) == "страница 2 из 5"


@pytest.mark.parametrize(("lang", "day", "month", "year"), [
    ("en", "18 April 2024", "April 2024", "2024"),
    ("ru", "18 апреля 2024\xa0г.", "апрель 2024\xa0г.", "2024\xa0г."),
    ("kk", "2024 жылғы 18 сәуір", "2024 жылғы сәуір", "2024\xa0ж."),  # as Kazakh editors write it
    ("ky", "2024-ж., 18-апрель", "2024-ж., апрель", "2024-ж."),
])
def test_dates_at_their_precision_in_each_language(lang: str, day: str, month: str, year: str) -> None:
    w = Words(lang)
    assert [w.date(PartialDate.parse(text)) for text in ("2024-04-18", "2024-04", "2024")] == [day, month, year]


def test_an_unknown_noun_is_refused() -> None:
    with pytest.raises(ValueError, match="no words for counting 'law'"):
        ENGLISH.count(3, "law")


def test_a_month_after_since_is_in_the_genitive_in_russian() -> None:
    russian, english = Words("ru"), ENGLISH
    assert russian.since(PartialDate.parse("2024-04")) == "апреля 2024\xa0г."
    assert russian.since(PartialDate.parse("2024-04-18")) == russian.date(PartialDate.parse("2024-04-18"))
    assert english.since(PartialDate.parse("2024-04")) == "April 2024"


def test_a_sentence_that_ends_with_a_russian_date_takes_no_second_full_stop() -> None:
    assert Words("ru").full_stop_after(PartialDate.parse("2024-04-18")) == ""
    assert ENGLISH.full_stop_after(PartialDate.parse("2024-04-18")) == "."


def test_a_russian_date_after_a_verb_takes_the_prepositional() -> None:
    w = Words("ru")
    assert [w.on_date(PartialDate.parse(text)) for text in ("2025-08-06", "2025-08", "2021")] == [
        "6 августа 2025\xa0г.", "в августе 2025\xa0г.", "в 2021\xa0г."]
    assert ENGLISH.on_date(PartialDate.parse("2025-08")) == "August 2025"
