"""The editions of the site: one per language, each with its words and its fallbacks.

Settings:
- EXPLAINER_EDITIONS: the languages published, the default language (English) first; the
  default edition sits at the site's root, every other under its code (`urls.edition`).
- EXPLAINER_FALLBACKS: per language, where a text without a translation is taken from, in
  order (English always comes last): {"kk": ["ru"], "ky": ["ru"]}.

The interface words of each edition come from the theme's catalogs (`words.load`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale

from ..data.problems import SiteError
from ..data.text import DEFAULT_LANGUAGE, LANGUAGES
from .words import Words, load


@dataclass(frozen=True)
class Edition:
    lang: str
    words: Words
    shown_in: tuple[str, ...]
    """The languages its texts are shown in: its own, then its fallbacks, then English."""
    name: str
    """The language's name in itself ('русский'), for the language switcher."""

    def base(self, siteurl: str) -> str:
        """The address every page of this edition is under."""
        return siteurl if self.lang == DEFAULT_LANGUAGE else f"{siteurl}/{self.lang}"

    def relative(self, path: str) -> str:
        """A page's path within its edition ('ru/timeline/' -> 'timeline/')."""
        return path if self.lang == DEFAULT_LANGUAGE else path.removeprefix(f"{self.lang}/")


def editions(settings: dict[str, Any], catalogs: Path) -> list[Edition]:
    """The editions the settings ask for; SiteError for a language that cannot be published."""
    langs = list(settings.get("EXPLAINER_EDITIONS") or [DEFAULT_LANGUAGE])
    fallbacks = settings.get("EXPLAINER_FALLBACKS") or {}
    if langs[0] != DEFAULT_LANGUAGE:
        raise SiteError(f"EXPLAINER_EDITIONS must start with {DEFAULT_LANGUAGE!r}, the reference edition, "
                        f"not {langs[0]!r}")
    found = []
    for lang in langs:
        chain = [lang, *fallbacks.get(lang, ()), DEFAULT_LANGUAGE]
        unknown = [code for code in chain if code not in LANGUAGES]
        if unknown:
            raise SiteError(f"EXPLAINER_EDITIONS or EXPLAINER_FALLBACKS names {unknown[0]!r}, which is not one of "
                            f"the languages texts can have: {', '.join(LANGUAGES)}")
        try:
            words = load(lang, catalogs)
        except FileNotFoundError:
            raise SiteError(f"the {lang!r} edition has no catalog {catalogs / lang / 'LC_MESSAGES/messages.po'}: "
                            "run `python3 run.py catalogs` and translate it") from None
        name = Locale.parse(lang).get_display_name(lang) or lang
        found.append(Edition(lang, words, tuple(dict.fromkeys(chain)), name[:1].upper() + name[1:]))
    return found


def alternates(all_editions: list[Edition], siteurl: str, relative: str) -> tuple[tuple[str, str, str], ...]:
    """(language, its name, address) of one page in every edition, for hreflang and the switcher."""
    return tuple((edition.lang, edition.name, f"{edition.base(siteurl)}/{relative}") for edition in all_editions)

