"""Fingerprints: which pages a rebuild can keep because nothing they show changed.

After an editor changes one event, almost every page of a 10,000-event site would come out
byte for byte the same. Rendering them all again is most of the cost of a rebuild, so each
page gets a *fingerprint*: a hash of everything its template can show. A page whose
fingerprint matches the one recorded when the current site was published (`caches.OutputRecord`),
and whose published file is still there, is not rendered: the published file is kept.

What a fingerprint covers:
- the page spec: path, template, title, its head (description and JSON-LD, unless they are
  derived from the variables when the page is rendered) and its variables, hashed deeply (an
  event brings its laws, actors, sources and countries: see `digests.Digester`). The spec
  carries every value its template presents; templates read nothing else, which
  tests/test_templates.py checks with jinja2.meta;
- a *global* hash of the theme's templates, this plugin's code, the versions of the
  libraries that write output, the settings that reach templates, SOURCE_DATE_EPOCH and the
  day of the build (statuses go out of date): any change there renders everything.

A rebuild need not compute every fingerprint. The record keeps, per page, the digests of the
model objects its fingerprint met (`Fingerprints.with_models`; each digest covers what the
object refers to), and the *shape* of the site context (`Fingerprints.shape`). When the
shape is the recorded one, a page all of whose recorded digests are still digests of this
build's objects has its recorded fingerprint (`OutputRecord.models_unchanged`); only the
others are fingerprinted. This holds because a page spec's own fields (title, head) come
from its variables or from plain values of the site context (see `pages.all_pages`).

The other files the plugin writes (data files, feeds, the sitemap) are fingerprinted by
their inputs (`Fingerprints.of_inputs`) and recorded the same way. tests/test_incremental.py
checks that a rebuild equals a clean build.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..data import dates
from .digests import Digester, Shape

FORMAT = 6
"""Bump to invalidate every record written by an older version of this code."""


class Fingerprints:
    """The fingerprint of each page spec (None for pages that are always rendered), and of the
    inputs of the other files a build writes."""

    def __init__(self, site: Any, global_hash: str | None) -> None:
        self.site = site
        self.global_hash = global_hash
        self._key = global_hash.encode() if global_hash is not None else b""
        self.digester = Digester(site.path)

    def with_models(self, spec: Any) -> tuple[str | None, tuple[str, ...]]:
        """The page's fingerprint, and the digests of the model objects its inputs name directly
        (a model object's digest covers the objects it refers to), each once. The spec carries
        every value its template presents (templates read nothing else: see
        tests/test_templates.py), so hashing the spec covers the page."""
        if self.global_hash is None:
            return None, ()
        digester = self.digester
        reached: list[str] = []
        digester.reached = reached
        try:
            # A head derived from the variables (pages.Head made on demand) is covered by them and
            # by the code that derives it (in the global hash); a given head is hashed.
            head = spec.head if not callable(spec.head) else None
            parts = [spec.path, spec.lang, spec.template, spec.title, spec.og_type, digester._plain(head),
                     digester._plain(spec.variables)]
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
        # Field by field: the repr of the whole context at once took 150 MB at 50,000 events.
        shape, hasher = Shape(self.site.dataset), hashlib.blake2b(digest_size=16)
        try:
            for field in dataclasses.fields(self.site):
                plain = repr(shape.plain(getattr(self.site, field.name)))
                hasher.update(f"{field.name} {len(plain)}\x00".encode() + plain.encode("utf-8", "surrogatepass"))
        except TypeError:  # something in the context that cannot be hashed: no shortcut
            return None
        return hasher.hexdigest()

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


