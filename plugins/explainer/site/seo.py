"""What search engines and link previews read: JSON-LD objects, the sitemap and robots.txt.

Open Graph and Twitter meta are written by base.html from each page's title and description;
this module builds the structured data that does not fit in a template.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from ..data.markdown import plain_text
from ..data.model import Actor, Event, Law
from ..data.text import DEFAULT_LANGUAGE, shown_in
from ..data.vocab import ActorKind
from . import urls


def absolute(siteurl: str, path: str) -> str:
    return f"{siteurl}/{path}"


def website_jsonld(siteurl: str, sitename: str, description: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": sitename,
        "description": description,
        "url": absolute(siteurl, urls.HOME),
        "inLanguage": shown_in()[0],
    }


def event_jsonld(event: Event, siteurl: str) -> dict[str, Any]:
    """An event page as a schema.org NewsArticle.

    Why NewsArticle and not Event: schema.org's Event describes something people attend
    (a concert, a meeting) with a location and tickets; an order or a law is not that. The
    page is a short, sourced report of something that happened, which is what NewsArticle
    describes; `temporalCoverage` carries the date at its true precision, `citation` the
    sources and `about` the countries. There is no datePublished: the site does not record
    when a page was written, and inventing a build date would break reproducible builds.
    """
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": str(event.title),
        "description": plain_text(str(event.summary)),
        "url": absolute(siteurl, urls.event(event)),
        "inLanguage": shown_in()[0],
        "temporalCoverage": event.date.iso if event.end_date is None else f"{event.date.iso}/{event.end_date.iso}",
        "about": [{"@type": "Country", "name": str(country.name)} for country in event.countries],
        "mentions": [_actor_thing(actor, siteurl) for actor in event.actors],
        "citation": [
            {"@type": "CreativeWork", "name": str(source.title), "url": source.url,
             "publisher": {"@type": "Organization", "name": str(source.publisher)}}
            for source in event.sources
        ],
        "isPartOf": {"@type": "WebSite", "url": absolute(siteurl, urls.HOME)},
    }


def law_jsonld(law: Law, siteurl: str) -> dict[str, Any]:
    """A law as schema.org Legislation (its official name, jurisdiction and date)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": str(law.official_name),
        "alternateName": str(law.short_name),
        "legislationJurisdiction": str(law.country.name),
        "url": absolute(siteurl, urls.law(law)),
        "inLanguage": shown_in()[0],
        "citation": [source.url for source in law.sources],
    }
    dated = law.signed or law.passed or law.in_force
    if dated is not None:
        data["legislationDate"] = dated.iso
    return data


def _actor_thing(actor: Actor, siteurl: str) -> dict[str, Any]:
    kind = {
        ActorKind.PERSON: "Person",
        ActorKind.AUTHORITY: "GovernmentOrganization",
    }.get(actor.kind, "Organization")
    return {"@type": kind, "name": str(actor.name), "url": absolute(siteurl, urls.actor(actor))}


def actor_jsonld(actor: Actor, siteurl: str) -> dict[str, Any]:
    data = {"@context": "https://schema.org", **_actor_thing(actor, siteurl)}
    data["description"] = str(actor.role)
    return data


def sitemap_xml(siteurl: str, pages: Iterable[tuple[str, str]]) -> str:
    """sitemap.xml listing every page once, sorted so the file is stable; `pages` are (path,
    language) pairs. A page that exists in several editions names each of them, and the
    default one as x-default, in `xhtml:link` alternates (Google's form for multilingual sites)."""
    editions: dict[str, dict[str, str]] = {}
    for path, lang in set(pages):
        relative = path if lang == DEFAULT_LANGUAGE else path.removeprefix(f"{lang}/")
        editions.setdefault(relative, {})[lang] = path
    multilingual = any(len(langs) > 1 for langs in editions.values())
    namespaces = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"' if multilingual else ""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{namespaces}>']
    for langs in sorted(editions.values(), key=lambda langs: sorted(langs.values())):
        links = ""
        if len(langs) > 1:
            alternates = [(lang, langs[lang]) for lang in sorted(langs)]
            if DEFAULT_LANGUAGE in langs:
                alternates.append(("x-default", langs[DEFAULT_LANGUAGE]))
            links = "".join(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(absolute(siteurl, path))}"/>'
                            for lang, path in alternates)
        for path in sorted(langs.values()):
            lines.append(f"<url><loc>{escape(absolute(siteurl, path))}</loc>{links}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(siteurl: str) -> str:
    # A sitemap address must be absolute; for a local build (SITEURL '') we leave it out.
    sitemap = f"Sitemap: {absolute(siteurl, urls.SITEMAP)}\n" if siteurl.startswith("http") else ""
    return f"User-agent: *\nAllow: /\n{sitemap}"


