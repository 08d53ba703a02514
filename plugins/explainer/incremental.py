"""Incremental builds: skip pages whose inputs did not change since the last published build.

After an editor changes one event, almost every page of a 10,000-event site would come out
byte for byte the same. Rendering them all again is most of the cost of a rebuild, so each
page gets a *fingerprint*: a hash of everything its template can show. A page whose
fingerprint matches the one recorded when the current site was published, and whose
published file still has the recorded size, is not rendered: the published file is kept.

What a fingerprint covers:
- the page spec (path, template, title, description, JSON-LD) and its variables, hashed
  deeply: an event brings its laws, actors, sources and countries, with every field, and a
  source brings the bibliography page it is listed on (which moves when sources are added);
- the lookups the template makes in the site context (a law page lists
  `site.events_of_law[law]`): `LOOKUPS` names them per template;
- a *global* hash of the theme's templates, this plugin's code, the settings that reach
  templates and SOURCE_DATE_EPOCH: any change there renders everything.

Templates not in `LOOKUPS` (home, country pages, indexes, bibliography pages, 404) are
always rendered: they summarise the whole dataset, and there are few of them. A template in
`LOOKUPS` whose source reaches into `site` in a way not listed is treated the same way, so a
template edit can make the build slower but never stale (`template_is_covered`).

The record of fingerprints is saved only after the build was published (`output_swap`
calls `after_publish`), so a failed build never leaves a record that describes files it did
not publish. tests/test_incremental.py checks that a rebuild equals a clean build.

The same cache folder keeps rendered Markdown by content hash (`MarkdownStore`), so a
rebuild parses only the texts that changed.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

from .dates import PartialDate
from .model import Actor, Country, Event, Law, Source
from .text import Text

logger = logging.getLogger(__name__)

FORMAT = 1
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
        (r"site\.statuses", lambda site, v: tuple((row.country.code, row.country.name) for row in site.statuses), False),
        (r"site\.events_of_country\.get\(row\.country\.code, \(\)\)\|length",
         lambda site, v: tuple((code, len(events)) for code, events in site.events_of_country.items()), False),
        (r"site\.kinds_used", lambda site, v: site.kinds_used, False),
    ),
    "law.html": (
        (r"site\.events_of_law\.get\(law\.slug, \(\)\)", lambda site, v: site.events_of_law.get(v["law"].slug, ()), True),
    ),
    "actor.html": (
        (r"site\.quotes_of_actor\.get\(actor\.slug, \(\)\)", lambda site, v: site.quotes_of_actor.get(v["actor"].slug, ()), True),
        (r"site\.events_of_actor\.get\(actor\.slug, \(\)\)", lambda site, v: site.events_of_actor.get(v["actor"].slug, ()), True),
    ),
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
    `repr` is computed in C and hashed; a model object stands in as the digest of its own
    fields, so an event is walked once however many pages show it.
    """

    def __init__(self, source_path: Callable[[Source], str]) -> None:
        self._source_path = source_path
        self._memo: dict[int, bytes] = {}
        self._keep: list[Any] = []  # memo keys are ids: keep the objects alive

    def digest(self, value: Any) -> bytes:
        return hashlib.blake2b(repr(self._plain(value)).encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _model(self, value: Any) -> bytes:
        key = id(value)
        done = self._memo.get(key)
        if done is None:
            plain = [type(value).__name__]
            for name in _field_names(type(value)):
                plain.append(self._plain(getattr(value, name)))
            if isinstance(value, Source):
                plain.append(self._source_path(value))
            done = self._memo[key] = hashlib.blake2b(
                repr(plain).encode("utf-8", "surrogatepass"), digest_size=16
            ).digest()
            self._keep.append(value)
        return done

    def _plain(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is str or kind is int or kind is float or kind is bool:
            return value
        if kind is Text:
            return value.values
        if kind is PartialDate:
            return (value.year, value.month, value.day)
        if kind in _MODEL_TYPES:
            return self._model(value)
        if kind is tuple or kind is list:
            return tuple([self._plain(item) for item in value])
        if isinstance(value, enum.Enum):
            return (kind.__name__, value.value)
        if isinstance(value, str):  # Markup
            return (kind.__name__, str(value))
        if isinstance(value, dict):
            return ("dict",) + tuple((self._plain(key), self._plain(item)) for key, item in value.items())
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (kind.__name__,) + tuple(self._plain(getattr(value, name)) for name in _field_names(kind))
        raise TypeError(f"cannot fingerprint a {kind.__name__}")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    """Dataclass field names, without `line` (where an entry sits in events.yaml is never shown)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.name != "line")
    return names


class Fingerprints:
    """The fingerprint of each page spec, or None for pages that are always rendered."""

    def __init__(self, site: Any, covered: frozenset[str], global_hash: str | None) -> None:
        self.site = site
        self.covered = covered
        self.global_hash = global_hash
        self.digester = Digester(site.path)
        self._shared: dict[tuple[str, str], bytes] = {}

    def of(self, spec: Any) -> str | None:
        if self.global_hash is None or spec.template not in self.covered:
            return None
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update(self.global_hash.encode())
        header = [spec.path, spec.template, spec.title, spec.description, spec.og_type]
        hasher.update(json.dumps(header).encode())
        hasher.update(json.dumps(spec.jsonld, sort_keys=True, ensure_ascii=False).encode())
        hasher.update(self.digester.digest(spec.variables))
        for pattern, read, per_page in LOOKUPS[spec.template]:
            if per_page:
                hasher.update(self.digester.digest(read(self.site, spec.variables)))
            else:
                key = (spec.template, pattern)
                shared = self._shared.get(key)
                if shared is None:
                    shared = self._shared[key] = self.digester.digest(read(self.site, spec.variables))
                hasher.update(shared)
        return hasher.hexdigest()


def _tree_digest(hasher: Any, folder: Path, suffixes: tuple[str, ...]) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            hasher.update(path.relative_to(folder).as_posix().encode() + b"\x00")
            hasher.update(path.read_bytes())


def global_digest(settings: dict[str, Any], theme_templates: Iterable[Path]) -> str | None:
    """Hash of what every page depends on; None when pages cannot be fingerprinted."""
    if settings.get("EXPLAINER_DATASET") is not None:
        return None  # a Dataset handed in by a test: no file to compare with
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(b"format %d\x00" % FORMAT)
    _tree_digest(hasher, Path(__file__).resolve().parent, (".py",))
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
                chosen[key] = json.loads(json.dumps(value, sort_keys=True, default=repr)) if not isinstance(value, plain) else value
            except (TypeError, ValueError):
                return None
    hasher.update(json.dumps(chosen, sort_keys=True, default=repr).encode())
    hasher.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    return hasher.hexdigest()


def _record_path(cache_dir: Path, output_path: Path) -> Path:
    key = hashlib.blake2b(str(output_path.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / f"pages-{key}.json"


def _write_json_atomically(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=path.name, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class PageRecord:
    """Fingerprints of the pages of the published site, and of the build in progress."""

    def __init__(self, cache_dir: Path | None, output_path: Path, global_hash: str | None) -> None:
        self.output_path = output_path
        self.global_hash = global_hash
        self.path = _record_path(cache_dir, output_path) if cache_dir is not None else None
        self.previous: dict[str, list[Any]] = {}
        self.current: dict[str, list[Any]] = {}
        if self.path is None or global_hash is None:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("global") == global_hash and isinstance(data.get("pages"), dict):
            self.previous = data["pages"]

    @property
    def enabled(self) -> bool:
        return self.path is not None and self.global_hash is not None

    def unchanged(self, relative: str, fingerprint: str) -> bool:
        """True when the published file was made from the same inputs and is still there."""
        before = self.previous.get(relative)
        if not before or before[0] != fingerprint:
            return False
        try:
            return (self.output_path / relative).stat().st_size == before[1]
        except OSError:
            return False

    def note(self, relative: str, fingerprint: str, size: int) -> None:
        self.current[relative] = [fingerprint, size]

    def keep(self, relative: str) -> None:
        self.current[relative] = self.previous[relative]

    def save(self) -> None:
        """Called after publishing: the record now describes the published files."""
        if self.enabled and self.path is not None:
            _write_json_atomically(self.path, {"global": self.global_hash, "pages": self.current})


class MarkdownStore:
    """Rendered Markdown by SHA-256 of the source text, kept between builds in the cache folder."""

    def __init__(self, cache_dir: Path | None, version: str) -> None:
        self.version = version
        self.path = cache_dir / "markdown.json" if cache_dir is not None else None
        self.entries: dict[str, list[str]] = {}
        self.used: dict[str, list[str]] = {}
        if self.path is None:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == version and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, text: str) -> list[str] | None:
        key = self.key(text)
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, text: str, html: str, words: str) -> None:
        self.used[self.key(text)] = [html, words]

    def save(self) -> None:
        """Keep what this build used (so the file does not grow without bound)."""
        if self.path is None or self.used == self.entries:
            return
        _write_json_atomically(self.path, {"version": self.version, "entries": self.used})
