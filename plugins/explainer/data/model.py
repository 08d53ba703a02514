"""The typed model of events.yaml: what the rest of the program sees, never raw YAML.

Cross-references are resolved: an `Event` holds the `Law`, `Actor`, `Source` and `Country`
objects it names, so templates never look anything up by slug. Reverse views (a country's
events, a law's events) are derived in `site_context`, not stored here, so each fact is
written once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .dates import PartialDate
from .text import Text
from .vocab import ActorKind, EventKind, Language, LawStatus, TikTokStatus


@dataclass(frozen=True, slots=True, eq=False)
class Source:
    """A published document that facts are cited to."""

    slug: str
    """Key in `sources:`; used in anchors and citations."""
    title: Text
    """Headline or title as published."""
    publisher: Text
    """Outlet or body that published it."""
    url: str
    """http(s) address where it was read."""
    author: str | None = None
    """Author's name when the source gives one."""
    published: PartialDate | None = None
    """Publication date at the precision known."""
    date_note: Text | None = None
    """Remark on the publication date (for example how it was inferred)."""
    line: int = 0
    """Line in events.yaml where the entry starts (for messages)."""
    digest: str = field(default="", compare=False, repr=False)
    """Hash of the exact text of the entry in events.yaml ("" when unknown, e.g. a Dataset built
    in a test). It does not cover the entries this one refers to: whoever hashes an entry must
    add the digests of its countries, laws, actors and sources."""


@dataclass(frozen=True, slots=True, eq=False)
class Figure:
    """A number the sources give about a country, with its source."""

    label: Text
    """What is counted, e.g. 'TikTok users'."""
    value: int | float
    """The number itself, written as digits (14000000, not '14 million')."""
    date: PartialDate
    """When the figure applies."""
    sources: tuple[Source, ...]
    """At least one source."""
    unit: Text | None = None
    """Unit when not a plain count (e.g. 'points out of 100')."""


@dataclass(frozen=True, slots=True, eq=False)
class Country:
    """A country or union; keyed by ISO 3166-1 alpha-2 code (EU for the European Union)."""

    code: str
    """Two capital letters: KG, KZ, RU, US, EU."""
    name: Text
    """Name readers see."""
    checked: PartialDate | None = None
    """The day its facts were last checked: the 'as of' date of its status (always set in
    events.yaml; None only in datasets built by hand in tests)."""
    figures: tuple[Figure, ...] = ()
    """Figures the sources give, each cited."""
    line: int = 0
    digest: str = field(default="", compare=False, repr=False)
    """See `Source.digest`."""

    @property
    def slug(self) -> str:
        return self.code.lower()


@dataclass(frozen=True, slots=True, eq=False)
class Law:
    """A law, bill or legal act named by the sources."""

    slug: str
    official_name: Text
    """Full official title (translated where the original is not English)."""
    short_name: Text
    """Name used in running text, e.g. 'Child-protection law'."""
    country: Country
    summary: Text
    """Markdown: what the law allows or requires, in plain words."""
    status: LawStatus
    sources: tuple[Source, ...]
    passed: PartialDate | None = None
    """Adopted by parliament."""
    signed: PartialDate | None = None
    """Signed into law."""
    in_force: PartialDate | None = None
    """Took effect."""
    date_note: Text | None = None
    """Remark on the dates (where they come from, precision)."""
    date_dispute: Text | None = None
    """Set when sources disagree on a date: says who gives which date."""
    line: int = 0
    digest: str = field(default="", compare=False, repr=False)
    """See `Source.digest`."""


@dataclass(frozen=True, slots=True, eq=False)
class Actor:
    """A person or institution that acted or spoke."""

    slug: str
    name: Text
    kind: ActorKind
    role: Text
    """Position at the time of the events, e.g. 'Rector of Miras University'."""
    country: Country | None = None
    """Country the actor belongs to; none for international bodies and companies."""
    sources: tuple[Source, ...] = ()
    """Optional: where the role is stated."""
    line: int = 0
    digest: str = field(default="", compare=False, repr=False)
    """See `Source.digest`."""


@dataclass(frozen=True, slots=True, eq=False)
class Quote:
    """A short quotation, attributed and cited."""

    text: Text
    """The quoted words only, without quotation marks."""
    by: Actor
    source: Source
    said_in: Language | None = None
    """The language the words were first published in, when not English: that version of
    `text` is the original, the others are translations."""
    original_source: Source | None = None
    """Where the words were published in `said_in`, when not in `source`."""


@dataclass(frozen=True, slots=True, eq=False)
class StatusChange:
    """TikTok's status in one country as a result of an event."""

    country: Country
    status: TikTokStatus


@dataclass(frozen=True, slots=True, eq=False)
class Event:
    """One dated thing that happened."""

    id: str
    """Unique slug; the event's permanent address and anchor."""
    date: PartialDate
    title: Text
    summary: Text
    """Markdown, a few sentences."""
    kind: EventKind
    countries: tuple[Country, ...]
    sources: tuple[Source, ...]
    """At least one."""
    end_date: PartialDate | None = None
    date_note: Text | None = None
    """Remark on the date, e.g. 'the source says "the beginning of April"'."""
    date_dispute: Text | None = None
    """Set when sources disagree on the date: says who gives which date."""
    laws: tuple[Law, ...] = ()
    actors: tuple[Actor, ...] = ()
    quotes: tuple[Quote, ...] = ()
    tiktok_status: tuple[StatusChange, ...] = ()
    """Changes of TikTok's status this event brought about, per country."""
    line: int = 0
    digest: str = field(default="", compare=False, repr=False)
    """See `Source.digest`."""


@dataclass(frozen=True, slots=True, eq=False)
class Dataset:
    """Everything in events.yaml, validated and cross-linked."""

    countries: dict[str, Country] = field(default_factory=dict)
    """By code, in file order."""
    laws: dict[str, Law] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    """Oldest first by `PartialDate.sort_key`, then by id."""

    def referable(self) -> list[Country | Law | Actor | Source]:
        """Every object other than the events: those model objects refer to (none refers to an event)."""
        return [*self.countries.values(), *self.laws.values(), *self.actors.values(), *self.sources.values()]

    def entries(self) -> list[Event | Country | Law | Actor | Source]:
        """Every object made from an entry of events.yaml: the events, then `referable`."""
        return [*self.events, *self.referable()]
