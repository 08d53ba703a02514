"""The country pages of content/countries, in every language they are written in.

`kg.md` is Kyrgyzstan's page in English, `kg.ru.md` its Russian translation (the names
`content_rules` checks). Each edition shows a country's page in the first of its languages
that has one (`in_languages`), marked as untranslated when that is not the edition's own.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .content_rules import language_of, parse_page
from .markdown import in_fallback, render


@dataclass(frozen=True, slots=True)
class CountryPage:
    """One country page in one language."""

    body: Markup
    """The Markdown body, rendered."""
    summary: str
    """The one-sentence `Summary:` line (the page's meta description); may be empty."""


def read_country_pages(folder: Path, codes: Iterable[str]) -> dict[str, dict[str, CountryPage]]:
    """Country code -> language -> its page, for the countries of `codes` that have pages."""
    wanted = {code.lower(): code for code in codes}
    found: dict[str, dict[str, CountryPage]] = {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        original, lang = language_of(path)
        if original in wanted:
            page = parse_page(path.read_text(encoding="utf-8"))
            found.setdefault(wanted[original], {})[lang] = CountryPage(render(page.body),
                                                                       page.metadata.get("summary", ""))
    return found


def in_languages(pages: Mapping[str, Mapping[str, CountryPage]],
                 languages: tuple[str, ...]) -> tuple[dict[str, Markup], dict[str, str]]:
    """Each country's body and summary in the first of `languages` (an edition's own language,
    then its fallbacks) its page is written in; a body in a fallback language is wrapped in an
    element that carries that language."""
    bodies: dict[str, Markup] = {}
    summaries: dict[str, str] = {}
    for code, by_language in pages.items():
        lang = next((lang for lang in languages if lang in by_language), None)
        if lang is None:
            continue
        page = by_language[lang]
        bodies[code] = page.body if lang == languages[0] else in_fallback(lang, page.body)
        if page.summary:
            summaries[code] = page.summary
    return bodies, summaries
