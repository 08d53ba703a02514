"""Everything the templates show, computed once from the typed model.

Templates only present: statuses, reverse indexes (a law's events, a country's actors) and
the listings (`listings`: grouping by year and month, pagination) are all derived here, in one
linear pass over the events, so the cost grows with the data and not with its square.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from markupsafe import Markup

from ..data import dates
from ..data.dates import PartialDate, one_year_before
from ..data.model import Actor, Country, Dataset, Event, Law, Quote, Source
from ..data.vocab import EventKind, TikTokStatus
from . import urls
from .listings import EventListing, PageLink, chunks, paginate_events
from .words import ENGLISH, Words

SOURCES_PER_PAGE = 40
"""Longest bibliography page: 40 entries keep a page of every edition within the first-render
budget (14 KB gzipped)."""
LATEST_ON_HOME = 5

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StatusPeriod:
    """A stretch of time during which TikTok had one status in a country."""

    status: TikTokStatus
    start: PartialDate
    event: Event
    """The event that set the status (the first one, when later events set the same status)."""
    end: PartialDate | None = None
    """When the next status was set; None while the status holds."""
    next_event: Event | None = None
    """The event that ended it."""


@dataclass(frozen=True, slots=True)
class CountryStatus:
    """TikTok's current status in a country: the status set by the latest event that set one,
    with how current that is."""

    country: Country
    status: TikTokStatus | None
    """None when no event recorded a status (the validator refuses that for events.yaml)."""
    since: PartialDate | None
    event: Event | None
    """The event that set the status."""
    checked: PartialDate | None = None
    """The country's checked date: the status is as of that day."""
    stale: bool = False
    """The last check is more than a year before the build's date: the status may be out of date."""


@dataclass(frozen=True, slots=True)
class Citation:
    """A source together with what cites it (for the bibliography)."""

    source: Source
    events: tuple[Event, ...]
    laws: tuple[Law, ...]


@dataclass(frozen=True, slots=True)
class SourcePage:
    path: str
    number: int
    pages: tuple[PageLink, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class MonthLink:
    """A month on the timeline index: where its events start and how many there are."""

    heading: str
    path: str
    """'timeline/2024/[N/]#m2024-04': the month's heading on the page where it starts."""
    count: int


@dataclass(frozen=True, slots=True)
class YearSummary:
    year: int
    count: int
    path: str
    months: tuple[MonthLink, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteContext:
    """The derived views of one Dataset; built by `build_site_context`."""

    dataset: Dataset
    statuses: tuple[CountryStatus, ...]
    status_of: dict[str, CountryStatus]
    status_history: dict[str, tuple[StatusPeriod, ...]]
    """Per country code: the periods of its status, oldest first; the last one holds today."""
    latest_events: tuple[Event, ...]
    """Newest first, for the home page."""
    events_of_country: dict[str, tuple[Event, ...]]
    events_of_law: dict[str, tuple[Event, ...]]
    events_of_actor: dict[str, tuple[Event, ...]]
    events_of_kind: dict[EventKind, tuple[Event, ...]]
    quotes_of_actor: dict[str, tuple[tuple[Event, Quote], ...]]
    laws_of_country: dict[str, tuple[Law, ...]]
    """Alphabetical by short name."""
    actors_of_country: dict[str, tuple[Actor, ...]]
    laws_by_country: tuple[tuple[Country, tuple[Law, ...]], ...]
    """The glossary: countries in file order, each with its laws, alphabetical."""
    actors_sorted: tuple[Actor, ...]
    kinds_used: tuple[tuple[EventKind, int], ...]
    years: tuple[YearSummary, ...]
    """Oldest first."""
    timeline_pages: tuple[EventListing, ...]
    country_timelines: dict[str, tuple[EventListing, ...]]
    kind_timelines: dict[EventKind, tuple[EventListing, ...]]
    source_pages: tuple[SourcePage, ...]
    source_paths: dict[str, str]
    """Source slug -> 'sources/N/#slug', the bibliography entry."""
    timeline_paths: dict[str, str]
    """Event id -> 'timeline/YEAR/[N/]#id', where the event sits on the timeline."""
    country_summaries: dict[str, Markup] = field(default_factory=dict)
    """Rendered content/countries/<code>.md bodies."""
    country_blurbs: dict[str, str] = field(default_factory=dict)
    """One-sentence summaries (plain text) from the same files."""

    def path(self, item: Event | Country | Law | Actor | Source) -> str:
        """Path of an object's page (or bibliography entry); the `path` template filter."""
        if isinstance(item, Source):
            return self.source_paths[item.slug]
        return urls.of(item)


def _freeze(groups: dict[str, list[T]]) -> dict[str, tuple[T, ...]]:
    return {key: tuple(values) for key, values in groups.items()}


def _current_statuses(
    dataset: Dataset, today: date,
) -> tuple[dict[str, CountryStatus], dict[str, tuple[StatusPeriod, ...]]]:
    """Each country's status now, and the periods of its status: the events that set a status,
    oldest first; an event that sets the status already in force does not start a new period."""
    periods: dict[str, list[StatusPeriod]] = defaultdict(list)
    for event in dataset.events:
        for change in event.tiktok_status:
            known = periods[change.country.code]
            if known and known[-1].status is change.status:
                continue
            if known:
                known[-1] = replace(known[-1], end=event.date, next_event=event)
            known.append(StatusPeriod(change.status, event.date, event))
    stale_before = one_year_before(today)
    status_of: dict[str, CountryStatus] = {}
    for code, country in dataset.countries.items():
        checked = country.checked
        stale = checked is None or checked.first_day() < stale_before
        current = periods[code][-1] if periods.get(code) else None
        if current is None:
            status_of[code] = CountryStatus(country, None, None, None, checked, stale)
        else:
            status_of[code] = CountryStatus(country, current.status, current.start, current.event, checked, stale)
    return status_of, _freeze(periods)


# Names in the edition's language (`show_in`): each edition lists them in its own alphabetical order.
def _short_name(law: Law) -> str:
    return str(law.short_name)


def _actor_name(actor: Actor) -> str:
    return str(actor.name)


def _by_name(key: Callable[[T], str]) -> Callable[[T], tuple[str, str]]:
    # Russian alphabetises ё with е.
    return lambda item: (key(item).casefold().replace("ё", "е"), key(item))


def build_site_context(
    dataset: Dataset,
    country_summaries: dict[str, Markup] | None = None,
    country_blurbs: dict[str, str] | None = None,
    today: date | None = None,
    words: Words = ENGLISH,
) -> SiteContext:
    """Derive every view the pages need; linear in the number of events and references.
    `today` (default: `dates.today()`) decides which statuses are out of date; `words` is the
    language of the edition the context is for (titles of listings, month headings), and texts
    of the model are shown in it (`text.show_in`) while the context is built."""
    events = dataset.events
    status_of, status_history = _current_statuses(dataset, today or dates.today())

    of_country: dict[str, list[Event]] = defaultdict(list)
    of_law: dict[str, list[Event]] = defaultdict(list)
    of_actor: dict[str, list[Event]] = defaultdict(list)
    of_source: dict[str, list[Event]] = defaultdict(list)
    of_kind: dict[EventKind, list[Event]] = defaultdict(list)
    of_year: dict[int, list[Event]] = defaultdict(list)
    quotes: dict[str, list[tuple[Event, Quote]]] = defaultdict(list)
    for event in events:
        for country in event.countries:
            of_country[country.code].append(event)
        for law in event.laws:
            of_law[law.slug].append(event)
        # An actor "appears" in an event when listed or quoted; count each event once.
        seen_actors = {actor.slug for actor in event.actors}
        for actor in event.actors:
            of_actor[actor.slug].append(event)
        for quote in event.quotes:
            quotes[quote.by.slug].append((event, quote))
            if quote.by.slug not in seen_actors:
                seen_actors.add(quote.by.slug)
                of_actor[quote.by.slug].append(event)
        seen_sources: set[str] = set()
        for source in (*event.sources, *(quote.source for quote in event.quotes)):
            if source.slug not in seen_sources:
                seen_sources.add(source.slug)
                of_source[source.slug].append(event)
        of_kind[event.kind].append(event)
        of_year[event.date.year].append(event)

    laws_of_source: dict[str, list[Law]] = defaultdict(list)
    laws_of_country: dict[str, list[Law]] = defaultdict(list)
    for law in sorted(dataset.laws.values(), key=_by_name(_short_name)):
        laws_of_country[law.country.code].append(law)
        for source in law.sources:
            laws_of_source[source.slug].append(law)

    actors_sorted = tuple(sorted(dataset.actors.values(), key=_by_name(_actor_name)))
    actors_of_country: dict[str, list[Actor]] = defaultdict(list)
    for actor in actors_sorted:
        if actor.country is not None:
            actors_of_country[actor.country.code].append(actor)

    timeline_pages: list[EventListing] = []
    timeline_paths: dict[str, str] = {}
    years: list[YearSummary] = []
    for year in sorted(of_year):
        listing = paginate_events(
            urls.timeline_year(year), words.gettext("Timeline: %(subject)s") % {"subject": year}, "",
            tuple(of_year[year]), words,
        )
        timeline_pages.extend(listing)
        months: dict[str, list[Any]] = {}
        for page in listing:
            for group in page.years:
                for month in group.months:
                    # A month split across two pages is linked where it starts.
                    entry = months.setdefault(month.anchor, [month.heading, f"{page.path}#{month.anchor}", 0])
                    entry[2] += len(month.events)
                    for event in month.events:
                        timeline_paths[event.id] = f"{page.path}#{event.id}"
        years.append(YearSummary(year, len(of_year[year]), listing[0].path,
                                 tuple(MonthLink(*entry) for entry in months.values())))

    country_timelines = {
        code: paginate_events(
            urls.timeline_country(country),
            words.gettext("Timeline: %(subject)s") % {"subject": country.name},
            words.gettext("Events involving %(country)s.") % {"country": country.name},
            tuple(of_country.get(code, ())), words,
        )
        for code, country in dataset.countries.items()
    }
    kinds_used = tuple((kind, len(of_kind[kind])) for kind in EventKind if kind in of_kind)
    kind_timelines = {
        kind: paginate_events(
            urls.timeline_kind(kind),
            words.gettext("Timeline: %(subject)s") % {"subject": words.gettext(kind.label)},
            words.gettext("Events of the kind “%(kind)s”: %(description)s") % {
                "kind": words.gettext(kind.label), "description": words.gettext(kind.description)},
            tuple(of_kind[kind]), words,
        )
        for kind, _count in kinds_used
    }

    sources_sorted = tuple(
        sorted(dataset.sources.values(), key=lambda s: (s.publisher.en.casefold(), s.title.en.casefold(), s.slug))
    )
    source_chunks = chunks(sources_sorted, SOURCES_PER_PAGE)
    source_links = tuple(
        PageLink(number, urls.numbered(urls.SOURCES, number)) for number in range(1, len(source_chunks) + 1)
    )
    source_pages = tuple(
        SourcePage(
            path=link.path,
            number=link.number,
            pages=source_links,
            citations=tuple(
                Citation(source, tuple(of_source.get(source.slug, ())), tuple(laws_of_source.get(source.slug, ())))
                for source in chunk
            ),
        )
        for link, chunk in zip(source_links, source_chunks, strict=True)
    )
    source_paths = {
        citation.source.slug: f"{page.path}#{citation.source.slug}"
        for page in source_pages
        for citation in page.citations
    }

    laws_frozen = _freeze(laws_of_country)
    return SiteContext(
        dataset=dataset,
        statuses=tuple(status_of[code] for code in dataset.countries),
        status_of=status_of,
        status_history=status_history,
        latest_events=tuple(reversed(events[-LATEST_ON_HOME:])),
        events_of_country=_freeze(of_country),
        events_of_law=_freeze(of_law),
        events_of_actor=_freeze(of_actor),
        events_of_kind={kind: tuple(items) for kind, items in of_kind.items()},
        quotes_of_actor=_freeze(quotes),
        laws_of_country=laws_frozen,
        actors_of_country=_freeze(actors_of_country),
        laws_by_country=tuple(
            (country, laws_frozen[code]) for code, country in dataset.countries.items() if code in laws_frozen
        ),
        actors_sorted=actors_sorted,
        kinds_used=kinds_used,
        years=tuple(years),
        timeline_pages=tuple(timeline_pages),
        country_timelines=country_timelines,
        kind_timelines=kind_timelines,
        source_pages=source_pages,
        source_paths=source_paths,
        timeline_paths=timeline_paths,
        country_summaries=dict(country_summaries or {}),
        country_blurbs=dict(country_blurbs or {}),
    )
