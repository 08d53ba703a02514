"""The list of HTML pages the site consists of: which template, at which path, with what.

Each `PageSpec` names a template and the variables it presents; nothing here renders.
Keeping the whole list in one place makes the site map readable and lets the generator
render pages in any order (or in parallel) without them depending on each other.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..data.markdown import plain_text
from ..data.model import Actor, Event, Law
from ..data.text import DEFAULT_LANGUAGE
from ..data.vocab import N_
from . import seo, urls
from .site_context import SiteContext
from .words import ENGLISH, Words

SITE_DESCRIPTION = N_(
    "A sourced timeline of how governments in Central Asia and beyond moved to block or restrict "
    "TikTok: Kyrgyzstan, Kazakhstan, Uzbekistan, Russia, the United States, the European Union "
    "and other countries, with each country's status and when it was last checked."
)
"""The home page's description, in each catalog like every other word of a page."""


@dataclass(frozen=True, slots=True)
class Head:
    """What a page tells search engines and link previews besides its title."""

    description: str
    """Plain text for meta description, Open Graph and Twitter cards."""
    jsonld: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One HTML page to write."""

    path: str
    """Path relative to SITEURL (see `urls`)."""
    template: str
    title: str
    """The page's own title (the <h1>); the <title> adds the site name."""
    head: Head | Callable[[], Head]
    """The head, or for the many pages whose head follows from their variables alone (an
    event's, a law's, an actor's), a function that makes it: only pages that are rendered
    pay for it (the Markdown words and the JSON-LD of 10,000 events)."""
    variables: dict[str, Any]
    """What the template presents, besides the common variables."""
    og_type: str = "website"
    lang: str = DEFAULT_LANGUAGE
    """The page's language: its <html lang>, its edition's address (`urls.edition`), and part
    of its fingerprint."""

    def resolved_head(self) -> Head:
        return self.head() if callable(self.head) else self.head


def all_pages(site: SiteContext, siteurl: str, sitename: str, words: Words = ENGLISH) -> Iterator[PageSpec]:
    """Every HTML page of the explainer in the edition of the language of `words`, except the
    content/pages handled by Pelican.

    A spec's title and head come from its own variables or from plain values of the site
    context (counts, listing titles), never from a model object it does not hold: a rebuild
    keeps a page's fingerprint when the objects it holds did not change (`fingerprints`)."""
    lang = words.lang
    for spec in _pages(site, siteurl, sitename, words):
        yield dataclasses.replace(spec, path=urls.edition(lang, spec.path), lang=lang) if lang != DEFAULT_LANGUAGE \
            else spec


def _pages(site: SiteContext, siteurl: str, sitename: str, words: Words) -> Iterator[PageSpec]:
    data = site.dataset
    _, ngettext, number = words.gettext, words.ngettext, words.number
    described = _(SITE_DESCRIPTION)
    yield PageSpec(urls.HOME, "home.html", sitename, Head(described, seo.website_jsonld(siteurl, sitename, described)),
                   {"statuses": site.statuses, "latest_events": site.latest_events, "event_count": len(data.events),
                    "law_count": len(data.laws)})
    country_counts = tuple((row.country, len(site.events_of_country.get(row.country.code, ())))
                           for row in site.statuses)
    yield PageSpec(urls.TIMELINE, "timeline.html", _("Timeline"),
                   Head(ngettext("All %(num)s event, by year, country and kind.",
                                 "All %(num)s events, by year, country and kind.", len(data.events))
                        % {"num": number(len(data.events))}),
                   {"listing": None, "years": site.years, "country_counts": country_counts,
                    "year_counts": {year.year: words.count(year.count, "event") for year in site.years},
                    "kinds_used": site.kinds_used})
    year_of = {year.path: year.year for year in site.years}
    for listing in site.timeline_pages:
        yield PageSpec(listing.path, "timeline.html", listing.title,
                       Head(ngettext("%(num)s event in %(year)s.", "%(num)s events in %(year)s.", listing.count)
                            % {"num": number(listing.count), "year": year_of[listing.pages[0].path]}),
                       {"listing": listing, "listing_size": _listing_size(listing, words)})
    for code, listings in site.country_timelines.items():
        for listing in listings:
            yield PageSpec(listing.path, "timeline.html", listing.title, Head(listing.intro),
                           {"listing": listing, "listing_size": _listing_size(listing, words),
                            "filter_country": data.countries[code]})
    for kind, listings in site.kind_timelines.items():
        for listing in listings:
            yield PageSpec(listing.path, "timeline.html", listing.title, Head(listing.intro),
                           {"listing": listing, "listing_size": _listing_size(listing, words), "filter_kind": kind})
    for event in data.events:
        yield PageSpec(urls.event(event), "event.html", str(event.title), partial(_event_head, event, siteurl),
                       {"event": event, "timeline_path": site.timeline_paths[event.id]}, og_type="article")
    for code, country in data.countries.items():
        status = site.status_of[code]
        described = site.country_blurbs.get(code) or (
            _("TikTok in %(country)s: “%(status)s” since %(date)s.") % {
                "country": country.name, "status": _(status.status.label), "date": words.since(status.since)}
            if status.status and status.since else _("TikTok in %(country)s: no status recorded.") % {
                "country": country.name})
        yield PageSpec(urls.country(country), "country.html", str(country.name), Head(described),
                       {"country": country, "status": status, "events": site.events_of_country.get(code, ()),
                        "timeline_path": site.country_timelines[code][0].path,
                        "figures": tuple((figure, words.number(figure.value)) for figure in country.figures),
                        "summary": site.country_summaries.get(code), "history": site.status_history.get(code, ()),
                        "laws": site.laws_of_country.get(code, ()), "actors": site.actors_of_country.get(code, ())})
    yield PageSpec(urls.LAWS, "laws.html", _("Laws"),
                   Head(ngettext("A glossary of the %(num)s law named in the events.",
                                 "A glossary of the %(num)s laws named in the events.", len(data.laws))
                        % {"num": number(len(data.laws))}),
                   {"laws_by_country": site.laws_by_country,
                    "event_counts": {slug: words.count(len(site.events_of_law.get(slug, ())), "event")
                                     for slug in data.laws}})
    for law in data.laws.values():
        yield PageSpec(urls.law(law), "law.html", str(law.short_name), partial(_law_head, law, siteurl),
                       {"law": law, "events": site.events_of_law.get(law.slug, ())})
    yield PageSpec(urls.ACTORS, "actors.html", _("People and institutions"),
                   Head(ngettext("The %(num)s person or institution that acted or spoke.",
                                 "The %(num)s people and institutions that acted or spoke.", len(data.actors))
                        % {"num": number(len(data.actors))}),
                   {"actors": site.actors_sorted})
    for actor in data.actors.values():
        yield PageSpec(urls.actor(actor), "actor.html", str(actor.name), partial(_actor_head, actor, siteurl),
                       {"actor": actor, "quotes": site.quotes_of_actor.get(actor.slug, ()),
                        "events": site.events_of_actor.get(actor.slug, ())})
    for page in site.source_pages:
        title = _("Sources") if page.number == 1 else _("%(title)s (page %(number)s)") % {
            "title": _("Sources"), "number": number(page.number)}
        yield PageSpec(page.path, "sources.html", title,
                       Head(ngettext("Bibliography: the %(num)s source cited, with the events citing it.",
                                     "Bibliography: the %(num)s sources cited, with the events citing each.",
                                     len(data.sources)) % {"num": number(len(data.sources))}),
                       {"source_page": page, "example": data.events[-1] if page.number == 1 else None})
    yield PageSpec(urls.NOT_FOUND, "404.html", _("Page not found"), Head(_("This address does not exist on the site.")),
                   {"noindex": True})


def _listing_size(listing: Any, words: Words) -> str:
    """'120 events, page 2 of 3' (or '1 event')."""
    size = words.count(listing.count, "event")
    return f"{size}, {words.page_of(listing.number, len(listing.pages))}" if len(listing.pages) > 1 else size


# Heads made from a page's variables (the event, law or actor) and the settings alone, which
# is what lets a fingerprint leave them out: keep it that way.
# In the edition's languages (`show_in`), like the page they head.
def _event_head(event: Event, siteurl: str) -> Head:
    return Head(plain_text(str(event.summary)), seo.event_jsonld(event, siteurl))


def _law_head(law: Law, siteurl: str) -> Head:
    return Head(plain_text(str(law.summary)), seo.law_jsonld(law, siteurl))


def _actor_head(actor: Actor, siteurl: str) -> Head:
    return Head(f"{actor.name}: {actor.role}.", seo.actor_jsonld(actor, siteurl))
