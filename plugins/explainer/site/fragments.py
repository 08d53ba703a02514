"""HTML fragments that many pages show, rendered once per build: template filters.

A date, a link to a law, a bibliography line or an event card comes out the same on every
page that shows it. The macros that write them live in the theme's partials (`_date.html`,
`_citation.html`, ...), imported without context, so their HTML depends only on their
arguments and on what is fixed for the whole build (SITEURL, `urls`, the `path` filter).
`install` turns each macro of `CACHED` into a template filter that renders it once per
distinct arguments and hands back the same Markup afterwards:

    {{ event.date|date }}             is   dates.date(event.date), rendered once per date
    {{ law|link(law.short_name) }}    is   links.link(law, law.short_name), once per law

A filter is also cheaper to call than a macro even when the result is new, and a page
using only filters needs no `{% import %}`, which Jinja re-checks on every render. Argument
objects are cache keys: model objects (compared by identity) live as long as the build, and
dates, texts and enums compare by value.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

CACHED: dict[str, tuple[str, str]] = {
    # filter name: (partial template, macro name)
    "date": ("_date.html", "date"),
    "since_date": ("_date.html", "since_date"),
    "on_date": ("_date.html", "on_date"),
    "event_dates": ("_date.html", "event_dates"),
    "date_notes": ("_date.html", "date_notes"),
    "badge": ("_status_badge.html", "badge"),
    "link": ("_links.html", "link"),
    "kind_link": ("_links.html", "kind_link"),
    "citation": ("_citation.html", "citation"),
    "source_link": ("_citation.html", "source_link"),
    "source_entry": ("_citation.html", "source_entry"),
    "card": ("_event_card.html", "card"),
    "event_line": ("_event_card.html", "event_line"),
    "head_links": ("_layout.html", "head_links"),
    "site_header": ("_layout.html", "site_header"),
    "site_footer": ("_layout.html", "site_footer"),
    "untranslated_note": ("_layout.html", "untranslated_note"),
}
"""Macros rendered once per distinct arguments, by the filter name templates use."""


class CachedMacro:
    """A partial's macro as a filter: `value|name(*more)` is `macro(value, *more)`, rendered once."""

    __slots__ = ("_env", "_template", "_name", "_macro", "_done")

    def __init__(self, env: Any, template: str, name: str) -> None:
        self._env = env
        self._template = template
        self._name = name
        self._macro: Any = None
        self._done: dict[tuple[Any, ...], Markup] = {}

    def __call__(self, *args: Any) -> Markup:
        done = self._done.get(args)
        if done is None:
            if self._macro is None:
                # The module of a template imported without context: the macro sees only
                # its arguments and the environment's globals and filters.
                self._macro = getattr(self._env.get_template(self._template).module, self._name)
            done = self._done[args] = self._macro(*args)
        return done


def install(env: Any) -> None:
    """Add (or reset) the filters of `CACHED` in a Jinja environment, with empty caches.

    Called when a build starts, and for each edition; calling it again drops what was cached
    (the event cards of a large site weigh tens of MB), for example once the pages are written.
    """
    for filter_name, (template, macro) in CACHED.items():
        env.filters[filter_name] = CachedMacro(env, template, macro)
    # A template imported without context keeps, once made, the module built with the globals
    # of that moment (gettext, SITEURL): an edition installs its own, so every loaded
    # template's module is made again when next imported.
    for loaded in (env.cache or {}).values():
        loaded._module = None
