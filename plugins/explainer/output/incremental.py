"""Incremental builds: skip pages whose inputs did not change since the last published build.

After an editor changes one event, almost every page of a 10,000-event site would come out
byte for byte the same. Rendering them all again is most of the cost of a rebuild, so each
page gets a *fingerprint*: a hash of everything its template can show. A page whose
fingerprint matches the one recorded when the current site was published, and whose
published file is still there, is not rendered: the published file is kept.

What a fingerprint covers:
- the page spec (path, template, title, and its head: description and JSON-LD, unless they
  are derived from the variables when the page is rendered) and its variables, hashed
  deeply: an event brings its laws, actors, sources and countries (see `Digester`), and a
  source brings the bibliography page it is listed on (which moves when sources are added);
- the lookups the template makes in the site context (a law page lists
  `site.events_of_law[law]`): `LOOKUPS` names them per template;
- a *global* hash of the theme's templates, this plugin's code, the versions of the
  libraries that write output, the settings that reach templates, SOURCE_DATE_EPOCH and the
  day of the build (statuses go out of date): any change there renders everything.

A template not in `LOOKUPS` is always rendered. A template in `LOOKUPS` whose source reaches
into `site` in a way not listed is treated the same way, so a template edit can make the
build slower but never stale (`covered_templates`).

A rebuild need not compute every fingerprint. The record keeps, per page, the digests of the
model objects its fingerprint met (`Fingerprints.with_models`: those named by its variables
and lookups; each digest covers what the object refers to), and the *shape* of the site
context (`Fingerprints.shape`: its plain values with every model object standing as its place
in the dataset, so which pages exist and what each shows where, but not what the objects
say). When the shape is the recorded one, a page all of whose recorded digests are still
digests of this build's objects has its recorded fingerprint (`OutputRecord.models_unchanged`);
only the others are fingerprinted. This holds because a page spec's own fields (title, head)
come from its variables or from plain values of the site context (see `pages.all_pages`).

The other files the plugin writes (data files, feeds, the sitemap) are fingerprinted by
their inputs (`Fingerprints.of_inputs`) and recorded the same way (`OutputRecord`).

The record of fingerprints is saved only after the build was published (`publish`
calls `after_publish`), so a failed build never leaves a record that describes files it did
not publish. tests/test_incremental.py checks that a rebuild equals a clean build.

The same cache folder keeps rendered Markdown by content hash (`MarkdownStore`), so a
rebuild parses only the texts that changed, and each event's line of events.json and
events.csv by the event's digest (`LineStore`), so a rebuild joins stored lines. The caches
are marshal files (a 14 MB cache loads in 10 ms, against 140 ms as JSON), read on first
use and rewritten only when enough is new.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib.util
import json
import logging
import marshal
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..data import dates, model
from ..data.dates import PartialDate
from ..data.model import Actor, Country, Event, Law, Source
from ..data.text import Text
from ..support import cachefile

logger = logging.getLogger(__name__)

FORMAT = 5
"""Bump to invalidate every record written by an older version of this module."""

_MODEL_TYPES = frozenset({Event, Law, Actor, Source, Country})

# What each fingerprinted template reads from the site context besides its own variables:
# (pattern of the lookup in the template source, what it reads, whether that depends on the
# page's variables). A template whose source uses `site` in any other way is not
# fingerprinted (`covered_templates`), nor is any template when a partial uses `site`.
Lookup = tuple[str, Callable[[Any, dict[str, Any]], Any], bool]
LOOKUPS: dict[str, tuple[Lookup, ...]] = {
    "event.html": (
        (r"site\.timeline_paths\[event\.id\]", lambda site, v: site.timeline_paths[v["event"].id], True),
    ),
    "timeline.html": (
        # The timeline index (no listing) lists years, countries and kinds with counts.
        (r"site\.years", lambda site, v: site.years, False),
        (r"site\.statuses",
         lambda site, v: tuple((row.country.code, row.country.name) for row in site.statuses), False),
        (r"site\.events_of_country\.get\(row\.country\.code, \(\)\)\|length",
         lambda site, v: tuple((code, len(events)) for code, events in site.events_of_country.items()), False),
        (r"site\.kinds_used", lambda site, v: site.kinds_used, False),
    ),
    "law.html": (
        (r"site\.events_of_law\.get\(law\.slug, \(\)\)",
         lambda site, v: site.events_of_law.get(v["law"].slug, ()), True),
    ),
    "actor.html": (
        (r"site\.quotes_of_actor\.get\(actor\.slug, \(\)\)",
         lambda site, v: site.quotes_of_actor.get(v["actor"].slug, ()), True),
        (r"site\.events_of_actor\.get\(actor\.slug, \(\)\)",
         lambda site, v: site.events_of_actor.get(v["actor"].slug, ()), True),
    ),
    "country.html": (
        (r"site\.country_summaries\.get\(country\.code\)|site\.country_summaries\[country\.code\]",
         lambda site, v: site.country_summaries.get(v["country"].code), True),
        (r"site\.status_history\.get\(country\.code, \(\)\)",
         lambda site, v: site.status_history.get(v["country"].code, ()), True),
        (r"site\.laws_of_country\.get\(country\.code, \(\)\)",
         lambda site, v: site.laws_of_country.get(v["country"].code, ()), True),
        (r"site\.actors_of_country\.get\(country\.code, \(\)\)",
         lambda site, v: site.actors_of_country.get(v["country"].code, ()), True),
    ),
    "sources.html": (
        (r"site\.dataset\.events\[-1\]", lambda site, v: site.dataset.events[-1:], False),
    ),
    "home.html": (
        (r"site\.statuses", lambda site, v: site.statuses, False),
        (r"site\.latest_events", lambda site, v: site.latest_events, False),
        (r"site\.dataset\.events\|length", lambda site, v: len(site.dataset.events), False),
        (r"site\.dataset\.laws\|length", lambda site, v: len(site.dataset.laws), False),
    ),
    "laws.html": (
        (r"site\.laws_by_country", lambda site, v: site.laws_by_country, False),
        (r"site\.events_of_law\.get\(law\.slug, \(\)\)\|length",
         lambda site, v: tuple((slug, len(events)) for slug, events in site.events_of_law.items()), False),
    ),
    "actors.html": (
        (r"site\.actors_sorted", lambda site, v: site.actors_sorted, False),
    ),
    "404.html": (),
}
_SITE_WORD = re.compile(r"(?<![\w-])site(?![\w-])")
_JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _uses_site(source: str) -> bool:
    """Whether Jinja code (not comments, not literal HTML) in `source` names `site`."""
    return any(_SITE_WORD.search(code) for code in _JINJA_CODE.findall(source))


def covered_templates(template_dirs: Iterable[Path]) -> frozenset[str]:
    """Page templates whose every use of `site` is a lookup listed in LOOKUPS.

    Partials and base templates (anything not a page template in LOOKUPS) must not use
    `site` at all, since any page may include them.
    """
    sources: dict[str, str] = {}
    for folder in template_dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            sources.setdefault(path.relative_to(folder).as_posix(), path.read_text(encoding="utf-8"))
    covered = set()
    for name, source in sources.items():
        if name in LOOKUPS:
            for pattern, _read, _per_page in LOOKUPS[name]:
                source = re.sub(pattern, "", source)
            if not _uses_site(source):
                covered.add(name)
        elif _uses_site(source) and (name.startswith("_") or name == "base.html"):
            return frozenset()
    return frozenset(covered)


class Digester:
    """Deep hashes of template inputs; each model object is hashed once per build.

    Values are first turned into nested tuples of plain values (str, int, bytes, ...), whose
    `repr` is computed in C and hashed; a model object stands in as its own digest, so an
    event is walked once however many pages show it.

    A model object's digest: when the loader gave it one (`digest`, a hash of the entry's
    text in events.yaml), that digest plus the digests of the model objects it refers to
    (an event's countries, laws, actors and sources, its quotes' speakers and sources, the
    countries its status changes name; a law's or actor's country and sources; a country's
    figures' sources), since an entry's text names those only by slug. Without one (a
    Dataset built in a test), every field, walked.
    """

    def __init__(self, source_path: Callable[[Source], str]) -> None:
        self._source_path = source_path
        # Digests are hex strings: `repr` copies them as they are, where bytes would be escaped.
        self._memo: dict[int, str] = {}
        self._keep: list[Any] = []  # memo keys are ids: keep the objects alive
        self.reached: list[str] | None = None
        """When a list: the digests of the model objects `_plain` meets are appended to it."""

    def digest(self, value: Any) -> str:
        return hashlib.blake2b(repr(self._plain(value)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def model(self, value: Any) -> str:
        """The digest of one model object (Event, Law, Actor, Source, Country)."""
        key = id(value)
        done = self._memo.get(key)
        if done is None:
            reached, self.reached = self.reached, None  # the digest covers what it refers to
            kind = type(value)
            own = getattr(value, "digest", "")
            if own:  # all strings (the key is a slug, an id or a code): joined, not repr'd
                parts: list[str] = [kind.__name__, own, getattr(value, _field_names(kind)[0])]
                self._references(value, parts)
                if kind is Source:
                    parts.append(self._source_path(value))
                text = "\x00".join(parts)
            else:
                plain: list[Any] = [kind.__name__]
                for name in _field_names(kind):
                    plain.append(self._plain(getattr(value, name)))
                if kind is Source:
                    plain.append(self._source_path(value))
                text = repr(plain)
            done = self._memo[key] = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            self._keep.append(value)
            self.reached = reached
        return done

    def known(self) -> frozenset[str]:
        """The digests of every model object hashed so far."""
        return frozenset(self._memo.values())

    @property
    def memo(self) -> dict[int, str]:
        return self._memo

    def seed(self, pairs: Iterable[tuple[Any, str]]) -> None:
        """Take each (model object, digest) as already hashed (`Fingerprints.reuse_model_digests`)."""
        for value, done in pairs:
            self._memo[id(value)] = done
            self._keep.append(value)

    def _references(self, value: Any, out: list[Any]) -> None:
        """Append the digests of the model objects `value`'s fields refer to, in field order."""
        for name in _reference_fields(type(value)):
            item = getattr(value, name)
            kind = type(item)
            if kind in _MODEL_TYPES:
                out.append(self._memo.get(id(item)) or self.model(item))
            elif kind is tuple:
                for member in item:
                    if type(member) in _MODEL_TYPES:
                        out.append(self._memo.get(id(member)) or self.model(member))
                    else:  # Quote, StatusChange, Figure: their own references
                        self._references(member, out)
            elif item is not None:
                self._references(item, out)

    def _plain(self, value: Any) -> Any:
        kind = type(value)
        if kind in _ATOMS or value is None:
            return value
        if kind in _MODEL_TYPES:
            done = self._memo.get(id(value)) or self.model(value)
            if self.reached is not None:
                self.reached.append(done)
            return done
        if kind is tuple or kind is list:
            memo = self._memo  # most tuples are of events: their digests are usually known
            reached = self.reached
            if reached is None:
                return tuple([memo.get(id(item)) or self._plain(item) for item in value])
            items = []
            for item in value:
                known = memo.get(id(item))  # only model objects are in the memo
                if known is None:
                    items.append(self._plain(item))
                else:
                    reached.append(known)
                    items.append(known)
            return tuple(items)
        if kind is Text:
            return value.values
        if kind is PartialDate:
            return (value.year, value.month, value.day)
        names = _FIELD_NAMES.get(kind)
        if names is not None:  # a dataclass seen before
            return (kind.__name__,) + tuple([self._plain(getattr(value, name)) for name in names])
        if isinstance(value, enum.Enum):
            return (kind.__name__, value.value)
        if isinstance(value, str):  # Markup
            return (kind.__name__, str(value))
        if isinstance(value, dict):
            return ("dict",) + tuple([(self._plain(key), self._plain(item)) for key, item in value.items()])
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (kind.__name__,) + tuple([self._plain(getattr(value, name)) for name in _field_names(kind)])
        raise TypeError(f"cannot fingerprint a {kind.__name__}")


_ATOMS = frozenset({str, int, float, bool, bytes})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_REFERENCE_FIELDS: dict[type, tuple[str, ...]] = {}
_MODEL_CLASS_NAMES = "|".join(
    name for name, value in vars(model).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == model.__name__
)
_MODEL_CLASS_NAME = re.compile(rf"\b(?:{_MODEL_CLASS_NAMES})\b")


def _field_names(kind: type) -> tuple[str, ...]:
    """Dataclass field names, without `line` and `digest` (where an entry sits in events.yaml is
    never shown; the digest stands for the fields, it is not one)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(
            f.name for f in dataclasses.fields(kind) if f.name not in {"line", "digest"}
        )
    return names


def _reference_fields(kind: type) -> tuple[str, ...]:
    """Fields of a model dataclass whose type names another model dataclass (references)."""
    names = _REFERENCE_FIELDS.get(kind)
    if names is None:
        names = _REFERENCE_FIELDS[kind] = tuple(
            f.name for f in dataclasses.fields(kind) if _MODEL_CLASS_NAME.search(str(f.type))
        )
    return names


class Fingerprints:
    """The fingerprint of each page spec (None for pages that are always rendered), and of the
    inputs of the other files a build writes."""

    def __init__(self, site: Any, covered: frozenset[str], global_hash: str | None) -> None:
        self.site = site
        self.covered = covered
        self.global_hash = global_hash
        self._key = global_hash.encode() if global_hash is not None else b""
        self.digester = Digester(site.path)
        self._shared: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}

    def with_models(self, spec: Any) -> tuple[str | None, tuple[str, ...]]:
        """The page's fingerprint, and the digests of the model objects its inputs name directly
        (a model object's digest covers the objects it refers to), each once."""
        if self.global_hash is None or spec.template not in self.covered:
            return None, ()
        digester = self.digester
        reached: list[str] = []
        digester.reached = reached
        try:
            # A head derived from the variables (pages.Head made on demand) is covered by them and
            # by the code that derives it (in the global hash); a given head is hashed.
            head = spec.head if not callable(spec.head) else None
            parts = [spec.path, spec.template, spec.title, spec.og_type, digester._plain(head),
                     digester._plain(spec.variables)]
            for pattern, read, per_page in LOOKUPS[spec.template]:
                if per_page:
                    parts.append(digester._plain(read(self.site, spec.variables)))
                else:
                    key = (spec.template, pattern)
                    shared = self._shared.get(key)
                    if shared is None:
                        shared_reached: list[str] = []
                        digester.reached = shared_reached
                        shared = self._shared[key] = (digester.digest(read(self.site, spec.variables)),
                                                      tuple(dict.fromkeys(shared_reached)))
                        digester.reached = reached
                    parts.append(shared[0])
                    reached.extend(shared[1])
        finally:
            digester.reached = None
        fingerprint = hashlib.blake2b(
            repr(parts).encode("utf-8", "surrogatepass"), digest_size=16, key=self._key
        ).hexdigest()
        return fingerprint, tuple(dict.fromkeys(reached))

    def shape(self) -> str | None:
        """Fingerprint of the site context with each model object standing as its place in the
        dataset: what pages exist, which objects each shows and where, but not what the objects
        say (the dataset's sequences of keys are part of it, so a place always names the same
        object). While it stays the same, a page whose model objects kept their digests keeps
        its fingerprint (`OutputRecord.models_unchanged`)."""
        if self.global_hash is None:
            return None
        try:
            return hashlib.blake2b(repr(_Shape(self.site.dataset).plain(self.site)).encode(
                "utf-8", "surrogatepass"), digest_size=16).hexdigest()
        except TypeError:  # something in the context that cannot be hashed: no shortcut
            return None

    def of_site(self) -> str | None:
        """Fingerprint of everything the site context, and so every page spec, is made from
        (`build_site_context`'s arguments): when it is the last build's, so is every page's
        fingerprint, and a rebuild without changes need not compute them.

        When every model object has its digest (a hash of its entry's text, where its
        references are written as keys), those digests in dataset order stand for the dataset."""
        data = self.site.dataset
        objects = data.entries()
        if all(item.digest for item in objects):
            return self.of_inputs("site", "\x00".join([item.digest for item in objects]), self.site.country_summaries,
                                  self.site.country_blurbs)
        return self.of_inputs(
            "site", data.events, tuple(data.countries.values()), tuple(data.laws.values()),
            tuple(data.actors.values()), tuple(data.sources.values()), self.site.country_summaries,
            self.site.country_blurbs,
        )

    def structure(self) -> str | None:
        """Fingerprint of what decides the site context's shape: the dataset's `structure` (its
        entries without their Markdown prose) and the country pages' texts; None when the
        loader gave no structure. While it is the last build's, so is the shape."""
        if self.global_hash is None or not self.site.dataset.structure:
            return None
        return self.of_inputs("structure", self.site.dataset.structure, self.site.country_summaries,
                              self.site.country_blurbs)

    def model_digests(self) -> dict[str, str]:
        """Each model object's own digest (its entry's) -> its digest as a page input
        (`Digester.model`); every object is digested (most already are, or were reused)."""
        model, memo = self.digester.model, self.digester.memo
        found = {}
        for item in self.site.dataset.entries():
            done = memo.get(id(item)) or model(item)
            if item.digest:
                found[item.digest] = done
        return found

    def reuse_model_digests(self, previous: dict[str, str]) -> bool:
        """Take the last build's digests (`model_digests`) for the objects whose entries did not
        change, when only events changed and the structure is the last build's (the caller's
        part): no object refers to an event, so every other object, and every event that kept
        its entry, refers to the same objects as before, placed alike. Returns whether they
        were taken; the changed events are digested anew when asked for."""
        data = self.site.dataset
        if not previous or not all(item.digest in previous for item in data.referable()):
            return False
        self.digester.seed((item, previous[item.digest]) for item in data.entries() if item.digest in previous)
        return True

    def of_inputs(self, name: str, *values: Any) -> str | None:
        """Fingerprint of a file made by this plugin's code from `values` alone (data files,
        feeds, the sitemap); None when nothing can be fingerprinted."""
        if self.global_hash is None:
            return None
        return hashlib.blake2b(
            repr((name, self.digester._plain(values))).encode("utf-8", "surrogatepass"), digest_size=16, key=self._key
        ).hexdigest()


class _Shape:
    """Plain values of a site context with model objects replaced by their place in the dataset
    (a number, which is quick to compare and to `repr`); see `Fingerprints.shape`. Tuples of
    model objects, the bulk of a site context, are turned into numbers in one comprehension."""

    def __init__(self, data: Any) -> None:
        # From 1: a place is never falsy.
        self._places = {id(value): number for number, value in enumerate(data.entries(), 1)}
        self._done: dict[int, Any] = {}  # by id: the context is alive while it is walked

    def plain(self, value: Any) -> Any:
        kind = type(value)
        if kind in _ATOMS or value is None:
            return value
        places = self._places
        if kind is tuple or kind is list:
            # Tuples of model objects are the bulk; a tuple whose first item is none is walked.
            found = [places.get(id(item)) for item in value] if value and id(value[0]) in places else [None]
            if None in found:
                # Not only model objects: tuples of the context may be shared (the page links of
                # a listing), so each is walked once (lists are made here: never remembered).
                done = self._done.get(id(value)) if kind is tuple else None
                if done is not None:
                    return done
                atoms, plain = _ATOMS, self.plain
                found = [
                    places.get(id(item)) or (item if type(item) in atoms else plain(item)) for item in value
                ]
                if kind is tuple:
                    self._done[id(value)] = done = tuple(found)
                    return done
            return tuple(found)
        names = _FIELD_NAMES.get(kind)
        if names is not None and kind not in _MODEL_TYPES:  # a dataclass seen before
            # Listings of one country share their tuple of page links: each is walked once.
            done = self._done.get(id(value))
            if done is None:
                plain = self.plain
                done = self._done[id(value)] = (kind.__name__,) + tuple([plain(getattr(value, name)) for name in names])
            return done
        if kind in _MODEL_TYPES:
            place = places.get(id(value))
            if place is None:
                raise TypeError("a model object outside the dataset")  # no shortcut for such a context
            return place
        if isinstance(value, dict):
            return ("dict", self.plain(list(value)), self.plain(list(value.values())))
        if kind is Text:
            return value.values
        if kind is PartialDate:
            return (value.year, value.month, value.day)
        if isinstance(value, enum.Enum):
            return (kind.__name__, value.value)
        if isinstance(value, str):  # Markup
            return (kind.__name__, str(value))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (kind.__name__,) + tuple([self.plain(getattr(value, name)) for name in _field_names(kind)])
        raise TypeError(f"cannot fingerprint a {kind.__name__}")


def _tree_digest(hasher: Any, folder: Path, suffixes: tuple[str, ...]) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            hasher.update(path.relative_to(folder).as_posix().encode() + b"\x00")
            hasher.update(path.read_bytes())


_LIBRARIES = ("pelican", "jinja2", "markupsafe", "markdown_it", "mdurl", "feedgenerator")
"""Libraries whose output reaches the files: an upgrade (a new `__init__.py`: its size and
mtime, a stat each where reading six versions from package metadata took 26 ms) renders
everything again."""


def global_digest(settings: dict[str, Any], theme_templates: Iterable[Path]) -> str | None:
    """Hash of what every page depends on; None when pages cannot be fingerprinted."""
    if settings.get("EXPLAINER_DATASET") is not None:
        return None  # a Dataset handed in by a test: no file to compare with
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(b"format %d\x00" % FORMAT)
    for name in _LIBRARIES:
        try:
            location = importlib.util.find_spec(name).origin  # type: ignore[union-attr]
            stat = os.stat(location)  # type: ignore[arg-type]
        except (AttributeError, ImportError, TypeError, OSError):
            return None  # cannot tell which version renders: fingerprint nothing
        hasher.update(f"{name} {location} {stat.st_size} {stat.st_mtime_ns}\x00".encode())
    _tree_digest(hasher, Path(__file__).resolve().parents[1], (".py",))  # the whole plugin
    for folder in theme_templates:
        _tree_digest(hasher, Path(folder), (".html", ".xml", ".txt", ".j2"))
    plain = (str, int, float, bool, type(None))
    chosen = {}
    for key in sorted(settings):
        value = settings[key]
        if key.startswith("EXPLAINER_") or key in {
            "SITEURL", "SITENAME", "DEFAULT_LANG", "TIMEZONE", "RELATIVE_URLS", "THEME", "JINJA_ENVIRONMENT",
            "JINJA_FILTERS", "JINJA_GLOBALS", "OUTPUT_PATH",
        }:
            try:
                chosen[key] = (value if isinstance(value, plain)
                               else json.loads(json.dumps(value, sort_keys=True, default=repr)))
            except (TypeError, ValueError):
                return None
    hasher.update(json.dumps(chosen, sort_keys=True, default=repr).encode())
    hasher.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    # Whether a status is out of date depends on the day of the build: each day's first build
    # renders everything, so no page keeps a verdict made on an earlier day.
    hasher.update(dates.today().isoformat().encode())
    return hasher.hexdigest()


def _load(path: Path, header: tuple[Any, ...]) -> Any:
    """What `_save_atomically(path, header, payload)` saved, or None (missing, unreadable, or
    written by another version: the header differs)."""
    try:
        data = cachefile.load(path, marshal.loads)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if isinstance(data, tuple) and len(data) == 2 and data[0] == header:
        return data[1]
    return None


def _save_atomically(path: Path, header: tuple[Any, ...], payload: Any) -> None:
    """marshal: the fastest format to read and write for dicts of strings (a 10,000-event
    site's Markdown cache loads in 10 ms, against 140 ms as JSON). Its format may change
    between Python versions, hence the version in every header."""
    cachefile.replace(path, marshal.dumps((header, payload)))


def _header(kind: str, *more: Any) -> tuple[Any, ...]:
    return (kind, FORMAT, sys.version, *more)


class OutputRecord:
    """Fingerprints of the files of the published site, and of the build in progress."""

    def __init__(self, cache_dir: Path | None, output_path: Path, global_hash: str | None,
                 still_there: Callable[[str], bool] | None = None) -> None:
        """`still_there(relative)`: whether a published file is still in `output_path` (default:
        a stat each; the build passes `publish.still_there`)."""
        self.output_path = output_path
        self._still_there = still_there or (lambda relative: os.path.exists(os.path.join(output_path, relative)))
        self.global_hash = global_hash
        # Not resolved: OUTPUT_PATH is a link to the build folder it shows, which changes at every publish.
        key = hashlib.blake2b(os.path.abspath(output_path).encode(), digest_size=8).hexdigest()
        self.path = cache_dir / f"outputs-{key}.marshal" if cache_dir is not None else None
        self.previous: dict[str, tuple[str, tuple[str, ...]]] = {}
        """Per file: its fingerprint and the digests of the model objects it shows directly."""
        self.current: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.previous_inputs: str | None = None
        self.inputs: str | None = None
        """Fingerprint of what the site context is made from (`Fingerprints.of_site`)."""
        self.forgotten = False
        """Whether `forget` removed the record file (so `save` must write it again)."""
        self.previous_shape: str | None = None
        self.shape: str | None = None
        """The site context's shape (`Fingerprints.shape`)."""
        self.previous_structure: str | None = None
        self.structure: str | None = None
        """What decides the shape (`Fingerprints.structure`)."""
        self.previous_models: dict[str, str] = {}
        self.models: dict[str, str] = {}
        """Model objects' digests by their entries' (`Fingerprints.model_digests`)."""
        if self.path is None or global_hash is None:
            return
        found = _load(self.path, _header("outputs", global_hash))
        if isinstance(found, tuple) and len(found) == 5 and isinstance(found[4], dict) and isinstance(found[3], dict):
            (self.previous_inputs, self.previous_shape, self.previous_structure, self.previous_models,
             self.previous) = found

    @property
    def enabled(self) -> bool:
        return self.path is not None and self.global_hash is not None

    def unchanged(self, relative: str, fingerprint: str | None) -> bool:
        """True when the published file was made from the same inputs and is still there (a
        file deleted from the output by hand is made again)."""
        before = self.previous.get(relative)
        if before is None or fingerprint is None or before[0] != fingerprint:
            return False
        return self._still_there(relative)

    def models_unchanged(self, relative: str, known: frozenset[str]) -> str | None:
        """The recorded fingerprint of `relative` if every model object it showed still has its
        digest (`known`: the digests of this build's objects), else None. Valid only while the
        site context's shape is the recorded one: then the page shows the same objects, in the
        same places, and nothing else that changed."""
        before = self.previous.get(relative)
        if before is None or self.shape is None or self.shape != self.previous_shape or not known.issuperset(before[1]):
            return None
        return before[0]

    def note(self, relative: str, fingerprint: str, models: tuple[str, ...] = ()) -> None:
        self.current[relative] = (fingerprint, models)

    def keep(self, relative: str) -> None:
        self.current[relative] = self.previous[relative]

    def forget(self) -> None:
        """Called before publishing: until `save`, no record says what OUTPUT_PATH holds. A
        publish killed half-way leaves some new files among the old; a record kept through it
        would let the next build keep a new page as if it were the old one (after a revert,
        say), and the wrong page would stay."""
        self.forgotten = True
        if self.path is not None:
            try:
                self.path.unlink(missing_ok=True)
            except NotADirectoryError:
                pass  # the cache "folder" is a file: no record can be there
            # Any other failure (no permission) stops the build: a record that cannot be removed
            # would be trusted by the next build.

    def save(self) -> None:
        """Called after publishing: the record now describes the published files."""
        if self.enabled and self.path is not None and (
            self.forgotten
            or self.current != self.previous or self.inputs != self.previous_inputs or self.shape != self.previous_shape
            or self.structure != self.previous_structure or self.models != self.previous_models
        ):
            _save_atomically(self.path, _header("outputs", self.global_hash),
                             (self.inputs, self.shape, self.structure, self.models, self.current))


SAVE_MINIMUM = 100
"""New entries that make a cache worth writing again (see MarkdownStore.save, LineStore.save)."""


class MarkdownStore:
    """Rendered Markdown by a hash of the source text, kept between builds in the cache folder.

    The file is read on first use (a rebuild that renders nothing never reads it) and written
    after publishing only when a text was added. Entries of texts no longer used stay until
    the additions since the last clean-up reach a tenth of the store: then only the texts this
    build used and those the caller names as live (`save(live)`) are kept.
    """

    def __init__(self, cache_dir: Path | None, version: str) -> None:
        self.path = cache_dir / "markdown.marshal" if cache_dir is not None else None
        self.header = _header("markdown", version)
        self._entries: dict[bytes, tuple[str, str]] | None = None
        self._added_before = 0
        self.added: dict[bytes, tuple[str, str]] = {}
        self.used: set[bytes] = set()

    def _stored(self) -> dict[bytes, tuple[str, str]]:
        if self._entries is None:
            self._entries = {}
            found = _load(self.path, self.header) if self.path is not None else None
            if isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], dict):
                self._added_before, self._entries = found
        return self._entries

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, text: str) -> tuple[str, str] | None:
        key = self.key(text)
        found = self._stored().get(key) or self.added.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, text: str, html: str, words: str) -> None:
        key = self.key(text)
        self.added[key] = (html, words)
        self.used.add(key)

    def save(self, live: Callable[[], Iterable[str]] = tuple) -> None:
        """Write the store if texts were added; `live()` names texts worth keeping though unused.

        A store on file is written again only once SAVE_MINIMUM texts are new: rewriting 14 MB
        after each one-summary edit costs more than parsing the few texts a later build finds
        missing (each build finds them again until then)."""
        if self.path is None or not self.added:
            return
        if len(self.added) < SAVE_MINIMUM and self._stored():
            return
        entries = {**self._stored(), **self.added}
        added = self._added_before + len(self.added)
        if added * 10 > len(entries):
            keep = self.used | {self.key(text) for text in live()}
            entries = {key: value for key, value in entries.items() if key in keep}
            added = 0
        _save_atomically(self.path, self.header, (added, entries))


class LineStore:
    """Lines of the data files (one per event) by the digest of the event they show, kept
    between builds: after one edit, events.json and events.csv are joined from stored lines
    but one. Keyed under the global hash, so a change of code makes every line again."""

    def __init__(self, cache_dir: Path | None, global_hash: str | None) -> None:
        enabled = cache_dir is not None and global_hash is not None
        self.path = cache_dir / "lines.marshal" if enabled and cache_dir is not None else None
        self.header = _header("lines", global_hash)
        self._stored: dict[str, bytes] | None = None
        self.used: dict[str, bytes] = {}
        self.made = 0

    def cached(self, kind: str, make: Callable[[Any], bytes], key: Callable[[Any], str]) -> Callable[[Any], bytes]:
        """`make`, remembering its result under `kind` and `key(item)`."""
        if self.path is None:
            return make
        if self._stored is None:
            found = _load(self.path, self.header)
            self._stored = found if isinstance(found, dict) else {}
        stored, used = self._stored, self.used

        def line(item: Any) -> bytes:
            name = f"{kind} {key(item)}"
            text = stored.get(name)
            if text is None:
                text = make(item)
                self.made += 1
            used[name] = text
            return text

        return line

    def save(self) -> None:
        """Keep the lines this build used, if it made any (at least SAVE_MINIMUM, when a store
        is on file: until then, each build makes the few missing lines again)."""
        if self.path is not None and self.made and (self.made >= SAVE_MINIMUM or not self._stored):
            _save_atomically(self.path, self.header, self.used)
