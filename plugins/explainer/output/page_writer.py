"""Write the explainer's files: skip the unchanged ones, render the rest, on every core.

`SiteWriter.pages` is what the generator calls with the list of page specs. For each page it:

1. computes the page's fingerprint (`fingerprints.Fingerprints.of_page`) and, when the
   published site already holds this page made from the same inputs, keeps the published
   file without rendering it (a first build computes them while rendering, in the workers);
2. renders the others, in this process or split over forked workers (`parallel`), after
   rendering every Markdown text once (also split over the workers) so that no worker
   parses a text another one parsed;
3. writes each rendered page into the folder the build will publish (`publish.write`;
   identical bytes are left as they are), and records the fingerprints.

`SiteWriter.file` does the same for a data file, a feed or the sitemap, fingerprinted by
the inputs the generator names. The record and the Markdown cache are saved only once the
build has been published (`SiteWriter.finish`).

Settings: EXPLAINER_CACHE_DIR (folder for the record and the Markdown cache; None turns
incremental rendering off), EXPLAINER_JOBS (processes; None or unset: the usable cores,
at most four), EXPLAINER_PARALLEL_MINIMUM (fewest pages worth a fork).
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown_it

from ..data import markdown as markdown_mod
from ..site import urls
from ..support import parallel
from .caches import LineStore, MarkdownStore, OutputRecord
from .fingerprints import Fingerprints, global_digest
from .publish import after_publish, before_publish, prepare_folders, produced, published_path, still_there, write

logger = logging.getLogger(__name__)

PARALLEL_MINIMUM = 200
"""Fewer pages than this to render are not worth a fork."""
Todo = list[tuple[Any, str, str | None]]
"""Pages to render: (spec, file, fingerprint; None when computed while rendering, or never)."""


def markdown_version() -> str:
    """Changes whenever the Markdown output could: our renderer's code or markdown-it's version."""
    source = Path(markdown_mod.__file__).read_bytes()
    return hashlib.blake2b(source + markdown_it.__version__.encode(), digest_size=16).hexdigest()


def cache_dir(settings: dict[str, Any]) -> Path | None:
    folder = settings.get("EXPLAINER_CACHE_DIR")
    return Path(folder) if folder else None


def open_markdown_store(settings: dict[str, Any]) -> MarkdownStore:
    """The Markdown cache for this build, installed in `markdown` (called when the build starts)."""
    store = MarkdownStore(cache_dir(settings), markdown_version())
    markdown_mod.use_store(store)
    return store


class SiteWriter:
    """Stages one build's files: the pages (see the module docstring) and the other files,
    which are made only when their inputs changed (`file`)."""

    def __init__(self, generator: Any) -> None:
        self.generator = generator
        settings = generator.settings
        self.staging = Path(generator.output_path)
        published = published_path(self.staging)
        self.published = published is not None
        # The catalogs too: a changed translation changes the pages of its edition.
        template_dirs = [Path(generator.theme) / "templates", Path(generator.theme) / "translations"]
        folder = cache_dir(settings) if published is not None else None
        global_hash = global_digest(settings, template_dirs) if folder is not None else None
        self.record = OutputRecord(folder, published or self.staging, global_hash,
                                               still_there(self.staging))
        self.lines = LineStore(folder, global_hash if self.record.enabled else None)
        self.prints = Fingerprints(
            generator.site, global_hash if self.record.enabled else None
        )

    def pages(
        self, specs: list[Any], render: Callable[[Any], str], other_files: Callable[[], None] | None = None
    ) -> None:
        """Write every page of `specs`; `render(spec)` gives its HTML. `other_files()` (the data
        files, feeds and sitemap) runs beside the rendering of a rebuild's few pages, or else after
        the pages: never beside the workers of a large render, which would raise the build's peak
        of memory by the data files' size."""
        started = time.perf_counter()
        settings = self.generator.settings
        staging, record, prints = self.staging, self.record, self.prints
        # With no record to compare with (a first build, or the code or templates changed)
        # nothing can be kept: the fingerprints are then computed while rendering, in the workers.
        deferred = not record.previous
        todo: Todo = []
        kept: list[str] = []
        for spec in specs:
            relative = urls.to_file(spec.path)
            fingerprint = None if deferred else prints.of_page(spec)
            if record.unchanged(relative, fingerprint):
                assert fingerprint is not None
                record.note(relative, fingerprint)
                kept.append(relative)
            else:
                todo.append((spec, relative, fingerprint))
        produced(staging, kept, kept=True)
        produced(staging, [relative for _spec, relative, _print in todo])
        fingerprinted = time.perf_counter()

        def work(share: Todo) -> tuple[list[str], list[tuple[str, str]]]:
            same: list[str] = []
            notes: list[tuple[str, str]] = []
            for spec, relative, fingerprint in share:
                if not write(staging, relative, render(spec).encode("utf-8")):
                    same.append(relative)
                if deferred:
                    fingerprint = prints.of_page(spec)
                if fingerprint is not None:
                    notes.append((relative, fingerprint))
            return same, notes

        jobs = parallel.worker_count(settings.get("EXPLAINER_JOBS"))
        minimum = int(settings.get("EXPLAINER_PARALLEL_MINIMUM", PARALLEL_MINIMUM))
        forked = jobs > 1 and len(todo) >= minimum
        other_files_done = False
        prepare_folders(staging, [relative for _spec, relative, _print in todo])
        if forked:
            _render_markdown_in_workers(self.generator.dataset, jobs, minimum)
            units, weights = _units(todo)
            shares = [[item for unit in share for item in unit] for share in parallel.split(units, weights, jobs)]
            results = parallel.run_shares(shares, work)
        elif todo and other_files is not None and jobs > 1:
            # A rebuild's few pages render in one forked process while this one writes the data
            # files and feeds (~0.2 s at 10,000 events), instead of one after the other.
            results = parallel.run_shares([[], todo], work, other_files)
            other_files_done = True
        else:
            results = [work(todo)]
        for same, notes in results:
            produced(staging, same, kept=True)
            for relative, fingerprint in notes:
                record.note(relative, fingerprint)
        if other_files is not None and not other_files_done:
            other_files()
        logger.info(
            "explainer: %d pages: %d rendered, %d unchanged and kept; fingerprints %.2f s, rendering %.2f s "
            "(%d process%s)",
            len(specs), len(todo), len(kept), fingerprinted - started, time.perf_counter() - fingerprinted,
            jobs if forked else 1, "es" if forked else "",
        )

    def file(self, relative: str, make: Callable[[], str | bytes], inputs: tuple[Any, ...] | None = None) -> None:
        """Stage the file `make()` writes (text is written as UTF-8), unless `inputs` (everything
        it is made from besides this plugin's code and settings) are those of the published
        file, which is kept."""
        fingerprint = self.prints.of_inputs(relative, *inputs) if inputs is not None else None
        if fingerprint is not None and self.record.unchanged(relative, fingerprint):
            self.record.note(relative, fingerprint)
            produced(self.staging, (relative,), kept=True)
            return
        made = make()
        data = made.encode("utf-8") if isinstance(made, str) else made
        del made
        produced(self.staging, (relative,), kept=not write(self.staging, relative, data))
        if fingerprint is not None:
            self.record.note(relative, fingerprint)

    def cached(self, kind: str, make: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
        """`make(model object)`, remembered between builds by the object's digest (a line of
        a data file per event)."""
        return self.lines.cached(kind, make, self.prints.digester.model)

    def finish(self) -> None:
        """Save the record and the Markdown cache once (and only if) the build is published."""
        if not self.published:
            return
        before_publish(self.staging, self.record.forget)
        after_publish(self.staging, self.record.save)
        after_publish(self.staging, self.lines.save)
        store = markdown_mod.current_store()
        if store is not None:
            dataset = self.generator.dataset
            after_publish(self.staging, lambda: store.save(lambda: _markdown_texts(dataset)))


def _markdown_texts(dataset: Any) -> list[str]:
    """The Markdown texts of a dataset (each rendered once, whichever pages show it)."""
    texts = [event.summary for event in dataset.events] + [law.summary for law in dataset.laws.values()]
    return sorted({value for text in texts for _lang, value in text.values})


LISTING_WEIGHT = 35
"""What a timeline listing page (50 event cards) costs to render and write, where another
page costs 10: measured at 10,000 events (2.9 ms and 0.7 ms of CPU each, plus ~0.5 ms each
of file-system time for its folder and file)."""


def _units(todo: Todo) -> tuple[list[list[Any]], list[int]]:
    """Group pages so that no two workers render the same event cards, with a cost for each group.

    Event cards are rendered once per process and reused; timeline listings (by year,
    country and kind) show every event's card at the same heading level, so they go to one
    worker together, costed per listing page (`LISTING_WEIGHT`: a card rendered once costs
    about what reusing it does). Every other page is a group of its own.
    """
    listings: list[Any] = []
    units: list[list[Any]] = []
    weights: list[int] = []
    for item in todo:
        spec = item[0]
        if spec.template == "timeline.html" and spec.variables.get("listing") is not None:
            listings.append(item)
        else:
            units.append([item])
            weights.append(10)
    if listings:
        units.append(listings)
        weights.append(LISTING_WEIGHT * len(listings))
    return units, weights


def _render_markdown_in_workers(dataset: Any, jobs: int, minimum: int) -> None:
    """Render every summary not yet rendered, split over `jobs` processes, into this process's cache."""
    missing = [text for text in _markdown_texts(dataset) if not markdown_mod.is_cached(text)]
    if len(missing) < minimum:
        return
    shares = [missing[index::jobs] for index in range(jobs)]
    for pairs in parallel.run_shares(shares, lambda share: [(text, markdown_mod.rendered(text)) for text in share]):
        markdown_mod.prime(pairs)
