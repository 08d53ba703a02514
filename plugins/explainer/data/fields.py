"""The structure of events.yaml, written down once.

For each record type (country, figure, law, actor, source, event, quote) this lists the fields
an editor may write, what kind of value each takes, whether it is required, and a one-line
description. `validate` reads the file by these rules, `schema` turns them into the JSON Schema
editors' editors use, and the documentation test checks that CONTRIBUTING.md covers every field.
Change a field here and all three follow.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .text import LANGUAGES
from .vocab import ActorKind, EventKind, Language, LawStatus, TikTokStatus, Vocabulary

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
r"""Lower-case letters and digits, words joined by single hyphens: `kg-child-protection`.
The patterns are written for JSON Schema, where `$` is the end of the value; Python reads them
with `fullmatch`, since its `$` also matches before a final line break ("x\n")."""
MAX_SLUG_LENGTH = 80
"""Longest slug or event id: it becomes a file name (events/<id>.html) and part of an address."""
TEXT_CONTROL_CHARACTERS = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
r"""What no text may hold (a regular expression class): control characters other than tab and
line feed, the Unicode line and paragraph separators, lone surrogates and non-characters. A
double-quoted YAML string can write them as escapes ("\x01", "\e", "\0"); feeds, CSV and
HTML cannot carry them."""
CODE_PATTERN = r"^[A-Z]{2}$"
"""ISO 3166-1 alpha-2 in capitals (`KG`), or `EU` for the European Union."""
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
"""`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; that the day exists is checked by `PartialDate`."""
NUMBER_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
"""Digits, optionally with one decimal point: `14000000`, `20.1`."""
URL_PATTERN = r"^https?://[^\s/?#]+\.[^\s/?#]+([/?#]\S*)?$"
"""An http or https address with a host name (checked more closely by `messages.url_problem`)."""


class Kind(Enum):
    """What sort of value a field holds, and so how it is read and checked."""

    TEXT = "text"
    """Translatable prose: a string (English) or a mapping {en: ..., ru: ...}."""
    MARKDOWN = "markdown"
    """Translatable Markdown, same shapes as TEXT."""
    STRING = "string"
    """A single string that is not translated (a person's name as published)."""
    SLUG = "slug"
    """An identifier: lower-case letters, digits and hyphens."""
    DATE = "date"
    """A partial date: YYYY, YYYY-MM or YYYY-MM-DD."""
    URL = "url"
    """An http(s) address."""
    NUMBER = "number"
    """A number written as digits."""
    CHOICE = "choice"
    """One value from a vocabulary (`Field.vocab`)."""
    REF = "ref"
    """The key of one entry in another collection (`Field.target`)."""
    REFS = "refs"
    """A list of keys of entries in another collection (`Field.target`)."""
    RECORDS = "records"
    """A list of sub-records of type `Field.record`."""
    STATUS_MAP = "status-map"
    """A mapping from a country code to a value of `Field.vocab`."""


@dataclass(frozen=True, slots=True)
class Field:
    """One field an editor may write in a record."""

    name: str
    kind: Kind
    description: str
    required: bool = False
    vocab: type[Vocabulary] | None = None
    """For CHOICE and STATUS_MAP: the allowed values."""
    target: str | None = None
    """For REF, REFS and STATUS_MAP: the collection whose keys are allowed."""
    record: str | None = None
    """For RECORDS: the record type of each item."""
    min_items: int = 0
    """For REFS and RECORDS: the fewest items allowed when the field is present."""


@dataclass(frozen=True, slots=True)
class Record:
    """A record type: the fields one entry may have."""

    name: str
    """Singular name used in messages: 'event', 'law'."""
    description: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        for field in self.fields:
            if field.name == name:
                return field
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)


@dataclass(frozen=True, slots=True)
class Collection:
    """A top-level key of events.yaml."""

    name: str
    record: str
    """Record type of each entry."""
    key: str | None
    """What the keys are ('code' or 'slug'); None for a list."""
    key_pattern: str | None
    """Regular expression every key must match."""
    description: str
    required: bool = True


def _dates(*names_and_descriptions: tuple[str, str]) -> tuple[Field, ...]:
    return tuple(Field(name, Kind.DATE, description) for name, description in names_and_descriptions)


FIGURE = Record("figure", "A number the sources give about a country, with its source.", (
    Field("label", Kind.TEXT, "What is counted, for example 'TikTok users'.", required=True),
    Field("value", Kind.NUMBER, "The number in digits: 14000000, not '14 million'.", required=True),
    Field("date", Kind.DATE, "When the figure applies: YYYY, YYYY-MM or YYYY-MM-DD.", required=True),
    Field("sources", Kind.REFS, "Slugs of the sources that give the figure (at least one).",
          required=True, target="sources", min_items=1),
    Field("unit", Kind.TEXT, "Unit when the figure is not a plain count, e.g. 'points out of 100'."),
))

COUNTRY = Record("country", "A country or union, keyed by its two-letter code (EU for the European Union).", (
    Field("name", Kind.TEXT, "Name readers see.", required=True),
    Field("checked", Kind.DATE, "The day its facts were last checked against the sources (YYYY-MM-DD): the "
          "'as of' date of its status. Not in the future, and not before any of its events.", required=True),
    Field("figures", Kind.RECORDS, "Numbers the sources give about the country, each cited.", record="figure"),
))

LAW = Record("law", "A law, bill or legal act the sources name, keyed by a slug.", (
    Field("official_name", Kind.TEXT,
          "Full official title (in English translation where the original is not English).", required=True),
    Field("short_name", Kind.TEXT, "Name used in running text, e.g. 'Child-protection law'.", required=True),
    Field("country", Kind.REF, "Code of the country whose law it is.", required=True, target="countries"),
    Field("summary", Kind.MARKDOWN, "Markdown: what the law allows or requires, in plain words.", required=True),
    Field("status", Kind.CHOICE, "Where the law stands.", required=True, vocab=LawStatus),
    Field("sources", Kind.REFS, "Slugs of the sources for the law (at least one).", required=True,
          target="sources", min_items=1),
    *_dates(
        ("passed", "Date parliament adopted it."),
        ("signed", "Date it was signed into law."),
        ("in_force", "Date it took effect."),
    ),
    Field("date_note", Kind.TEXT, "Remark on the dates: where they come from, how precise they are."),
    Field("date_dispute", Kind.TEXT, "Only when sources disagree on a date: who gives which date."),
))

ACTOR = Record("actor", "A person or institution that acted or spoke, keyed by a slug.", (
    Field("name", Kind.TEXT, "Name as readers should see it.", required=True),
    Field("kind", Kind.CHOICE, "What sort of actor this is.", required=True, vocab=ActorKind),
    Field("role", Kind.TEXT, "Position at the time of the events, e.g. 'Rector of Miras University'.", required=True),
    Field("country", Kind.REF,
          "Code of the country the actor belongs to; leave out for companies and international bodies.",
          target="countries"),
    Field("sources", Kind.REFS, "Slugs of sources that state the actor's role.", target="sources"),
))

SOURCE = Record("source", "A published document that facts are cited to, keyed by a slug.", (
    Field("title", Kind.TEXT, "Headline or title as published.", required=True),
    Field("publisher", Kind.TEXT, "Outlet or body that published it.", required=True),
    Field("url", Kind.URL, "The http or https address where it was read.", required=True),
    Field("author", Kind.STRING, "Author's name, when the source gives one."),
    Field("published", Kind.DATE, "Publication date: YYYY, YYYY-MM or YYYY-MM-DD."),
    Field("date_note", Kind.TEXT, "Remark on the publication date, e.g. how it was inferred."),
))

QUOTE = Record("quote", "A short quotation, attributed and cited.", (
    Field("text", Kind.TEXT, "The quoted words only, without quotation marks.", required=True),
    Field("by", Kind.REF, "Slug of the actor who said it; the actor must also be in the event's actors.",
          required=True, target="actors"),
    Field("source", Kind.REF, "Slug of the source that reports it; the source must also be in the event's sources.",
          required=True, target="sources"),
    Field("said_in", Kind.CHOICE, "Language the words were first published in, when not English (e.g. ru): "
          "that version is quoted as the original, the others are translations.", vocab=Language),
    Field("original_source", Kind.REF, "Slug of the source that published the words in the language of "
          "`said_in`, when it is not `source`.", target="sources"),
))

EVENT = Record("event", "One dated thing that happened.", (
    Field("id", Kind.SLUG, "Unique slug: the event's permanent address and anchor. Never change it once published.",
          required=True),
    Field("date", Kind.DATE, "When it happened: YYYY, YYYY-MM or YYYY-MM-DD, as precise as the sources allow.",
          required=True),
    Field("end_date", Kind.DATE, "Last day of an event that lasted a while; not before `date`."),
    Field("date_note", Kind.TEXT, "Remark on the date, e.g. the source says 'the beginning of April'."),
    Field("date_dispute", Kind.TEXT, "Only when sources disagree on the date: who gives which date."),
    Field("title", Kind.TEXT, "One-line headline.", required=True),
    Field("summary", Kind.MARKDOWN, "Markdown, a few sentences in your own words.", required=True),
    Field("kind", Kind.CHOICE, "What kind of thing happened.", required=True, vocab=EventKind),
    Field("countries", Kind.REFS, "Codes of the countries concerned (at least one).", required=True,
          target="countries", min_items=1),
    Field("laws", Kind.REFS, "Slugs of the laws involved.", target="laws"),
    Field("actors", Kind.REFS, "Slugs of the people and institutions involved, including everyone quoted.",
          target="actors"),
    Field("sources", Kind.REFS, "Slugs of the sources for the event (at least one).", required=True,
          target="sources", min_items=1),
    Field("quotes", Kind.RECORDS, "Short quotations, each with `text`, `by` and `source`.", record="quote"),
    Field("tiktok_status", Kind.STATUS_MAP,
          "TikTok's status after this event, per country code; each country must be in the event's countries.",
          vocab=TikTokStatus, target="countries"),
))

RECORDS: dict[str, Record] = {record.name: record for record in (COUNTRY, FIGURE, LAW, ACTOR, SOURCE, EVENT, QUOTE)}
"""Every record type by name."""

COLLECTIONS: tuple[Collection, ...] = (
    Collection("countries", "country", "code", CODE_PATTERN,
               "Countries by two-letter code in capitals (ISO 3166-1 alpha-2; EU for the European Union)."),
    Collection("laws", "law", "slug", SLUG_PATTERN, "Laws by slug.", required=False),
    Collection("actors", "actor", "slug", SLUG_PATTERN, "People and institutions by slug.", required=False),
    Collection("sources", "source", "slug", SLUG_PATTERN, "Published sources by slug."),
    Collection("events", "event", None, None, "Dated events, in any order (the site sorts them by date)."),
)
"""The top-level keys of events.yaml, in the order they are written and resolved."""

TEXT_LANGUAGES = LANGUAGES
"""Language codes a translatable text may carry; `en` is required."""
