"""Pick one page of every type from a built site, for the browser gates (axe, keyboard, Lighthouse).

The page types follow `explainer.site.urls`. Where a type has many pages (events, countries, laws,
actors, years, kinds) the largest file is taken: it has the most of what that template can show
(quotes, figures, disputed dates), so it exercises the most markup.
"""
from __future__ import annotations

import runpy
from pathlib import Path

__all__ = ["PAGE_TYPES", "sample_pages"]

# type -> a fixed page, or a pattern for the pages of that type: the sub-folders of a folder
# (`timeline/*/index.html`), or the files of a section (`events/*.html`: the page of one event,
# law or actor is a file beside its section's index.html, which is not of that type)
_ENGLISH_TYPES: dict[str, str] = {
    "home": "index.html",
    "timeline": "timeline/index.html",
    "timeline year": "timeline/*/index.html",
    "timeline by country": "timeline/country/*/index.html",
    "timeline by kind": "timeline/kind/*/index.html",
    "event": "events/*.html",
    "country": "countries/*/index.html",
    "laws": "laws/index.html",
    "law": "laws/*.html",
    "actors": "actors/index.html",
    "actor": "actors/*.html",
    "sources": "sources/index.html",
    "about": "about/index.html",
    "404": "404.html",
}
OTHER_EDITIONS: tuple[str, ...] = tuple(
    runpy.run_path(str(Path(__file__).resolve().parents[2] / "pelicanconf.py"))["EXPLAINER_EDITIONS"][1:])
"""The editions published besides English (EXPLAINER_EDITIONS in pelicanconf.py), each in the
folder of its language with the same site map: every gate runs on a page of every type in each."""
PAGE_TYPES: dict[str, str] = {
    **_ENGLISH_TYPES,
    **{f"{lang} {kind}": f"{lang}/{pattern}" for lang in OTHER_EDITIONS for kind, pattern in _ENGLISH_TYPES.items()},
}
"""'home', 'timeline', ... for English; 'ru home', 'ru timeline', ... for each other edition."""


def _url_path(file: Path, root: Path) -> str:
    relative = file.relative_to(root).as_posix()
    return relative.removesuffix("index.html") or "./"


def sample_pages(root: Path) -> dict[str, str | None]:
    """Map each page type to the URL path (relative to the site root) of one page of it.

    A type with no page built maps to None, so that callers can report it as missing.
    """
    picked: dict[str, str | None] = {}
    for kind, pattern in PAGE_TYPES.items():
        candidates = sorted(root.glob(pattern))
        if kind.endswith("timeline year"):
            candidates = [c for c in candidates if c.parent.name.isdigit()]
        elif pattern.endswith("/*.html"):
            candidates = [c for c in candidates if c.name != "index.html"]
        if not candidates:
            picked[kind] = None
            continue
        # Largest first; the path breaks ties so that the choice is stable.
        best = max(candidates, key=lambda file: (file.stat().st_size, file.as_posix()))
        picked[kind] = _url_path(best, root)
    return picked
