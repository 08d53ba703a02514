"""Translatable text: every prose field of events.yaml is a `Text`.

In events.yaml a text is either a plain string, which is English, or a mapping from language
code to string (`{en: ..., ru: ...}`). So a Russian edition adds `ru:` beside the English
without rewriting any entry that exists today.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "ru", "kk", "ky")
"""Languages a text may carry; English is required, the others optional."""

_shown: list[tuple[str, ...]] = [(DEFAULT_LANGUAGE,)]
"""The languages a page shows its texts in, the page's own first and then its fallbacks: the
renderer sets them for each edition (`show_in`) before it renders that edition's pages."""


UNTRANSLATED = "untranslated"
"""The class of an element holding a text shown in a fallback language: its page then says that
some texts are not translated yet (`glue.generator`), and the stylesheet may mark it."""


def fallback_tag(tag: str, lang: str) -> str:
    """The opening tag of an element that holds a text shown in the fallback language `lang`."""
    return f'<{tag} lang="{lang}" class="{UNTRANSLATED}">'


def show_in(languages: tuple[str, ...]) -> None:
    """Show texts in the first of `languages` that each has (English when none has)."""
    _shown[0] = tuple(languages) or (DEFAULT_LANGUAGE,)


def shown_in() -> tuple[str, ...]:
    return _shown[0]


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of prose in one or more languages."""

    values: tuple[tuple[str, str], ...]
    """(language code, text) pairs; the first is always English."""

    @classmethod
    def english(cls, text: str) -> Text:
        return cls(((DEFAULT_LANGUAGE, text),))

    def get(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The text in `lang`, falling back to English where no translation exists."""
        for code, value in self.values:
            if code == lang:
                return value
        return self.values[0][1]

    def has(self, lang: str) -> bool:
        return any(code == lang for code, _ in self.values)

    @property
    def en(self) -> str:
        return self.values[0][1]

    def sentence(self) -> Text:
        """The text opening a sentence: its first letter upper-case in every language. A role is
        written as it reads after a name and a comma ('депутат Жогорку Кенеша'), and begins a
        sentence on the actor's own page."""
        return Text(tuple((lang, value[:1].upper() + value[1:]) for lang, value in self.values))

    def resolved(self) -> tuple[str, str]:
        """(language, text) in the languages texts are shown in (`show_in`): the first one this
        text has, else English."""
        values = dict(self.values)
        for lang in _shown[0]:
            if lang in values:
                return lang, values[lang]
        return self.values[0]

    def __str__(self) -> str:
        return self.resolved()[1]

    def __html__(self) -> str:
        """Escaped for HTML; a text shown in a fallback language carries its own `lang`, so that
        screen readers and browsers switch language for it."""
        lang, text = self.resolved()
        escaped = str(escape(text))
        return escaped if lang == _shown[0][0] else f"{fallback_tag('span', lang)}{escaped}</span>"


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_KAZAKH = re.compile("[әғқұһіӘҒҚҰҺІ]")
_KYRGYZ = re.compile("[ңөүҢӨҮ]")


def script_language(text: str) -> str:
    """The language a text as published is taken to be in, from its letters: Cyrillic with a
    letter only Kazakh uses is Kazakh, with one Kyrgyz and Kazakh share Kyrgyz, other Cyrillic
    Russian, anything else English (the languages of this site's sources)."""
    if not _CYRILLIC.search(text):
        return DEFAULT_LANGUAGE
    if _KAZAKH.search(text):
        return "kk"
    return "ky" if _KYRGYZ.search(text) else "ru"


def as_published(text: Text) -> Markup:
    """A source's title or publisher, in the first of the page's languages it has (a Russian
    headline given as `ru:` beside our English translation shows in Russian on a Kazakh page),
    marked with its language but not as untranslated: a headline is cited as it appeared. The
    English value holds the words as published when no other is given, in whatever script, so
    its language is read from its letters (`script_language`)."""
    lang, value = text.resolved()
    if lang == DEFAULT_LANGUAGE:
        lang = script_language(value)
    escaped = escape(value)
    return Markup(escaped if lang == _shown[0][0] else f'<span lang="{lang}">{escaped}</span>')
