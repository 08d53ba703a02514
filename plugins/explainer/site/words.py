"""Every word and number a page shows that is not data, in one place per language.

A `Words` holds one language: its interface messages (gettext, from the theme's catalogs in
`themes/explainer/translations/<lang>/LC_MESSAGES/messages.po`, compiled in memory when a
build loads them), counts with the language's plural forms, and numbers and dates by Babel at
their precision. Templates get the same object as their gettext (`_`) and as `words`.

English needs no catalog: its messages are the message ids. Its dates keep the site's own
form ("18 April 2024", as `PartialDate.display`), not CLDR's ("April 18, 2024").
"""
from __future__ import annotations

import datetime
import gettext
import io
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from ..data.dates import PartialDate, Precision
from ..data.text import DEFAULT_LANGUAGE
from ..data.vocab import N_

SITE_NAME = N_("TikTok restrictions explained")
"""The site's name (SITENAME in the settings), marked so that each catalog translates it."""

YEAR = {"ru": "{year}\u00a0г.", "kk": "{year}\u00a0ж.", "ky": "{year}-ж."}
"""A year alone, as CLDR's patterns for a month write it ('апрель 2024 г.'), where Babel's
skeleton 'y' gives the bare number."""
_NARROW_SPACE = str.maketrans({"\u202f": "\u00a0"})
"""CLDR joins '2024' and 'г.' with a narrow no-break space, which some system fonts on phones
lack; a no-break space keeps them together just as well."""


PATTERNS = {"kk": ("y 'жылғы' d MMMM", "y 'жылғы' MMMM")}
"""A day and a month where CLDR's forms are not what the language's editors write: Kazakh
editors write '2024 жылғы 18 сәуір', where CLDR has '2024 ж. 18 сәуір'."""
RUSSIAN_MONTHS_PREPOSITIONAL = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе",
                                "сентябре", "октябре", "ноябре", "декабре")
"""'в августе': the case a month takes after 'в'."""

OG_LOCALES = {"en": "en_GB", "ru": "ru_RU", "kk": "kk_KZ", "ky": "ky_KG"}
"""Open Graph's locale of each language (language_TERRITORY)."""


class Words:
    """The words of one language; see the module docstring."""

    def __init__(self, lang: str, translations: gettext.NullTranslations | None = None) -> None:
        self.lang = lang
        self.translations = translations or gettext.NullTranslations()
        self.og_locale = OG_LOCALES.get(lang, lang)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def number(self, value: int | float) -> str:
        """A number with the language's digit grouping: 14,000,000 or 14 000 000."""
        if self.lang == DEFAULT_LANGUAGE:
            return f"{value:,}"
        return format_decimal(value, locale=self.lang)

    def count(self, value: int, noun: str) -> str:
        """A count with its noun in the form the number takes: '1 event', '3 events'; Russian
        has three forms ('1 событие', '3 события', '5 событий')."""
        if noun != "event":
            raise ValueError(f"no words for counting {noun!r}")
        return self.ngettext("%(num)s event", "%(num)s events", value) % {"num": self.number(value)}

    def feed_title(self, site: str) -> str:
        """The title of the feed of all events."""
        return self.gettext("%(site)s: all events") % {"site": site}

    def page_of(self, number: int, pages: int) -> str:
        """Where a page is among the pages of its listing: 'page 2 of 5'."""
        return self.gettext("page %(number)s of %(pages)s") % {"number": self.number(number),
                                                              "pages": self.number(pages)}

    def since(self, value: PartialDate) -> str:
        """A date as it follows "since": in Russian a month alone takes the genitive, as it does
        in a full date ('с апреля 2024 г.', 'с 18 апреля 2024 г.'); elsewhere as `date`."""
        if self.lang == "ru" and value.precision is Precision.MONTH:
            month = datetime.date(value.year, value.month or 1, 1)
            return format_date(month, "MMMM y 'г'.", locale="ru").translate(_NARROW_SPACE).replace(" г.", "\u00a0г.")
        return self.date(value)

    def on_date(self, value: PartialDate) -> str:
        """A date as it follows a verb ('signed ...'): Russian puts a month or a year alone in
        the prepositional case after 'в' ('в августе 2025 г.', 'в 2024 г.'), which CLDR does
        not give; a day, and every other language, as `date`."""
        if self.lang == "ru" and value.precision is Precision.MONTH:
            return f"в {RUSSIAN_MONTHS_PREPOSITIONAL[(value.month or 1) - 1]} {value.year}\u00a0г."
        if self.lang == "ru" and value.precision is Precision.YEAR:
            return f"в {value.year}\u00a0г."
        return self.date(value)

    def full_stop_after(self, value: PartialDate) -> str:
        """The full stop that ends a sentence ending in this date, unless the date already ends
        with one (Russian '2024 г.' takes no second)."""
        return "" if self.date(value).endswith(".") else "."

    def date(self, value: PartialDate) -> str:
        """A date at its precision: '18 апреля 2024 г.', 'апрель 2024 г.', '2024 г.'."""
        if self.lang == DEFAULT_LANGUAGE:
            return value.display()
        day = datetime.date(value.year, value.month or 1, value.day or 1)
        if value.precision is Precision.DAY:
            text = format_date(day, PATTERNS[self.lang][0] if self.lang in PATTERNS else "long", locale=self.lang)
        elif value.precision is Precision.MONTH:
            text = format_date(day, PATTERNS[self.lang][1], locale=self.lang) if self.lang in PATTERNS else \
                format_skeleton("yMMMM", day, locale=self.lang)
        else:
            text = YEAR.get(self.lang, "{year}").format(year=value.year)
        return text.translate(_NARROW_SPACE)


ENGLISH = Words(DEFAULT_LANGUAGE)


@cache
def load(lang: str, folder: Path) -> Words:
    """The words of `lang` from the catalog in `folder` (compiled here: no .mo file is kept in
    the repository); English, and a language without a catalog, need none."""
    if lang == DEFAULT_LANGUAGE:
        return ENGLISH
    po = folder / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Words(lang, Translations(compiled))
