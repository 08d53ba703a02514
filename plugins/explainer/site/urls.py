"""Where every page of the site lives: one function per page type, paths relative to SITEURL.

Paths never start with a slash and folders end with one (`timeline/` is written as
`timeline/index.html`). The page of one event, law or actor is a file of its section
(`events/x.html`), not a folder of its own: tens of thousands of one-file folders cost a
large site's build several seconds of file-system time (see the README's Performance
section), and GitHub Pages also serves `events/x.html` as `events/x`. Templates join them as
`{{ SITEURL }}/{{ path }}`, which works both at a domain root and under a project subpath such
as https://ORG.github.io/REPO.

The site map:

    /                               home: intro, TikTok's status per country, latest events
    /timeline/                      index: years (with months), filters by country and kind
    /timeline/2024/[N/]             one year, oldest first, grouped by month, 50 events a page
    /timeline/country/kg/[N/]       one country's events      /timeline/kind/block/[N/]  one kind
    /events/<id>.html               one event (permalink; the card's anchor is #<id> on listings)
    /countries/kg/                  status and since when, summary, figures, laws, actors, timeline
    /laws/  /laws/<slug>.html       glossary by country; one law with the events that invoked it
    /actors/  /actors/<slug>.html   people and institutions; quotes and events of one
    /sources/[N/]#<slug>            bibliography with citing events and laws; how to cite
    /about/                         content/pages/about.md (method, corrections, data files)
    /feeds/events.atom.xml  /feeds/kg.atom.xml
    /data/events.json .csv .schema.json .yaml, events-yaml.schema.json
    /sitemap.xml  /robots.txt  /404.html  /theme/css/site.css
"""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache

import mdurl

from ..data.model import Actor, Country, Event, Law
from ..data.text import DEFAULT_LANGUAGE
from ..data.vocab import EventKind


def edition(lang: str, path: str) -> str:
    """`path` in the edition of language `lang`: the default language's pages at the root, every
    other language's under its code (`ru/timeline/`), so each edition has the same site map."""
    return path if lang == DEFAULT_LANGUAGE else f"{lang}/{path}"


SHARED = ("data/", "theme/")
"""Folders every edition shares: the data files and the theme's static files are at the root."""
_RELATIVE_LINK = re.compile(r'(?P<attr>href|src)="(?P<link>(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)[^"]*)"')


def shared_links_in_edition(html: str, page: str, lang: str) -> str:
    """The HTML of a page of content/, written for its English address `page`, shown at that
    address in the edition of `lang`: a relative link stays inside the edition, except one to a
    shared folder (`../data/events.json` from about/), which climbs out of it."""
    if lang == DEFAULT_LANGUAGE:
        return html

    def fixed(found: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page + "index.html"), found["link"]))
        if not target.startswith(SHARED):
            return found.group()
        return f'{found["attr"]}="../{found["link"]}"'

    return _RELATIVE_LINK.sub(fixed, html)


HOME = ""
TIMELINE = "timeline/"
LAWS = "laws/"
ACTORS = "actors/"
SOURCES = "sources/"
ABOUT = "about/"
FEED_ALL = "feeds/events.atom.xml"
DATA_JSON = "data/events.json"
DATA_CSV = "data/events.csv"
DATA_SCHEMA = "data/events.schema.json"
DATA_YAML = "data/events.yaml"
DATA_YAML_SCHEMA = "data/events-yaml.schema.json"
CSS = "theme/css/site.css"
ICON = "theme/images/icon.svg"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"


def numbered(base: str, number: int) -> str:
    """Page `number` of a paginated listing: the first page is the base itself."""
    return base if number == 1 else f"{base}{number}/"


def timeline_year(year: int) -> str:
    return f"timeline/{year}/"


def timeline_country(country: Country) -> str:
    return f"timeline/country/{country.slug}/"


def timeline_kind(kind: EventKind) -> str:
    return f"timeline/kind/{kind.value}/"


def event(item: Event) -> str:
    return f"events/{item.id}.html"


def country(item: Country) -> str:
    return f"countries/{item.slug}/"


def law(item: Law) -> str:
    return f"laws/{item.slug}.html"


def actor(item: Actor) -> str:
    return f"actors/{item.slug}.html"


def feed(item: Country) -> str:
    return f"feeds/{item.slug}.atom.xml"


@lru_cache(maxsize=8192)  # a pure function, ~20 us a call; sources are cited from many pages
def external(url: str) -> str:
    """A source's address as written in an href: http(s) only, percent-encoded where needed.

    The validator only lets http(s) addresses through; this is the second line. Characters
    that may not appear in a URL as written (quotes, <, >, braces, spaces) are percent-encoded
    as markdown-it does for Markdown links, so the attribute is a valid URL, not only escaped.
    Anything but http(s) stops the build rather than reach a page.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) address: {url!r}")
    return mdurl.encode(url)


def to_file(path: str) -> str:
    """The file a path is saved as: folders get index.html."""
    return f"{path}index.html" if path == "" or path.endswith("/") else path


def of(item: Event | Country | Law | Actor) -> str:
    """Path of an object's own page; the `path` filter in templates."""
    if isinstance(item, Event):
        return event(item)
    if isinstance(item, Country):
        return country(item)
    if isinstance(item, Law):
        return law(item)
    if isinstance(item, Actor):
        return actor(item)
    raise TypeError(f"no page for {type(item).__name__}")

