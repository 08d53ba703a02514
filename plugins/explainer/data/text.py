"""Translatable text: every prose field of events.yaml is a `Text`.

In events.yaml a text is either a plain string, which is English, or a mapping from language
code to string (`{en: ..., ru: ...}`). So a Russian edition adds `ru:` beside the English
without rewriting any entry that exists today.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "ru", "kk", "ky")
"""Languages a text may carry; English is required, the others optional."""


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

    def __str__(self) -> str:
        return self.en
