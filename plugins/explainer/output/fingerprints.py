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

Every page is fingerprinted at every build: a model object is digested once however many
pages show it, so the 12,953 pages of 10,000 events take about 0.25 s on one core. (Earlier
versions kept recorded fingerprints through three tiers of shortcut, for about that much
time, at the cost of most of this package's code.)

The other files the plugin writes (data files, feeds, the sitemap) are fingerprinted by
their inputs (`Fingerprints.of_inputs`) and recorded the same way. tests/test_incremental.py
checks that a rebuild equals a clean build.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..data import dates
from .digests import Digester

FORMAT = 8
"""Bump to invalidate every record written by an older version of this code."""


class Fingerprints:
    """The fingerprint of each page spec, and of the inputs of the other files a build writes;
    None for everything when pages cannot be fingerprinted (no cache, or a Dataset handed in
    by a test)."""

    def __init__(self, site: Any, global_hash: str | None) -> None:
        self.global_hash = global_hash
        self._key = global_hash.encode() if global_hash is not None else b""
        self.digester = Digester(site.path)

    def of_page(self, spec: Any) -> str | None:
        """The hash of everything the page shows. The spec carries every value its template
        presents (templates read nothing else: see tests/test_templates.py); a head derived from
        the variables (pages.Head made on demand) is covered by them and by the code that
        derives it (in the global hash), a given head is hashed."""
        head = spec.head if not callable(spec.head) else None
        return self.of_inputs("page", spec.path, spec.lang, spec.template, spec.title, spec.og_type, head,
                              spec.variables)

    def of_inputs(self, name: str, *values: Any) -> str | None:
        """Fingerprint of a file made by this plugin's code from `values` alone (a page from its
        spec; data files, feeds, the sitemap from their inputs)."""
        if self.global_hash is None:
            return None
        return hashlib.blake2b(
            repr((name, self.digester.plain(values))).encode("utf-8", "surrogatepass"), digest_size=16, key=self._key
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
        if Path(folder).is_dir():
            _tree_digest(hasher, Path(folder), (".html", ".xml", ".txt", ".j2", ".po"))
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


