"""The Pelican generator that turns events.yaml into the explainer's pages, feeds and data files.

Order of work: the data is loaded and validated when the generator is created, before any
generator reads or writes anything, so a bad events.yaml stops the build at once with its
`events.yaml:LINE:COL: message` lines; then `generate_context` derives the site context once,
and `generate_output` renders every page with templates compiled once per build.
"""
from __future__ import annotations

import gc
import hashlib
import io
import json
import logging
import re
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, cast

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket
from pelican.generators import Generator

from ..data import content_rules
from ..data.country_pages import CountryPage, in_languages, read_country_pages
from ..data.markdown import render_text, trusted_page_html
from ..data.model import Dataset
from ..data.problems import EventsFileError
from ..data.text import DEFAULT_LANGUAGE, UNTRANSLATED, as_published, show_in
from ..output import page_writer
from ..site import data_export, feeds, fragments, seo, urls
from ..site.editions import Edition, alternates, editions
from ..site.pages import PageSpec, all_pages
from ..site.site_context import SiteContext, build_site_context
from ..site.words import ENGLISH, Words
from ..support import cachefile

logger = logging.getLogger(__name__)


def load_events(settings: dict[str, Any]) -> Dataset:
    """The Dataset to build from: EXPLAINER_DATASET if given (tests), else events.yaml loaded."""
    given = settings.get("EXPLAINER_DATASET")
    if given is not None:
        return cast(Dataset, given)
    from ..data.load import load_dataset

    path = Path(content_rules.shown(Path(settings["EXPLAINER_EVENTS"])))
    cache_dir = settings.get("EXPLAINER_CACHE_DIR")
    try:
        # With a cache folder, the entries read by the last successful load are kept there, so a
        # rebuild reads only the entries that changed.
        return load_dataset(path, cache_dir=None if cache_dir is None else Path(cache_dir),
                            jobs=settings.get("EXPLAINER_JOBS"))
    except EventsFileError as error:
        # Print the problems plainly (one per line, editor-clickable) before Pelican logs
        # the exception; the exception makes `pelican` exit non-zero with no site written.
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        raise


def countries_dir(settings: dict[str, Any], content: str) -> Path:
    return Path(settings.get("EXPLAINER_COUNTRIES_DIR") or Path(content) / "countries")


def check_content(settings: dict[str, Any], content: str, dataset: Dataset) -> None:
    """Stop the build, before anything is read or written, when content/ breaks a rule
    (`content_rules`); the problems are printed one per line, as for events.yaml."""
    problems = content_rules.check(
        Path(content), countries_dir(settings, content),
        [Path(content) / folder for folder in settings.get("PAGE_PATHS") or ()], dataset.countries,
        content_rules.shown(Path(settings.get("EXPLAINER_EVENTS") or "events.yaml")))
    published = ("EXPLAINER_EVENTS", "EXPLAINER_YAML_SCHEMA", "THEME")
    problems += content_rules.links_in(Path(settings[name]) for name in published if settings.get(name))
    if problems:
        for problem in problems:
            print(str(problem), file=sys.stderr)
        raise EventsFileError(problems)


def install_template_helpers(generator: Any) -> None:
    """`generator_init` receiver: helpers every template may use, in every generator's env.

    Pelican's own page generator renders content/pages with our base.html, so the helpers
    are installed there too, not only in ExplainerGenerator.
    """
    # SITEURL as a global (not only a render variable) lets macros imported without
    # context build links, so Jinja can cache those imported modules.
    generator.env.globals.update(
        urls=urls, markdown=render_text, SITEURL=generator.settings["SITEURL"],
        SITEROOT=generator.settings["SITEURL"], words=ENGLISH,
    )
    generator.env.filters["external"] = urls.external
    generator.env.filters["published"] = as_published
    if hasattr(generator.env, "install_null_translations"):  # jinja2.ext.i18n, set in JINJA_ENVIRONMENT
        generator.env.install_null_translations(newstyle=True)
    fragments.install(generator.env)
    folder = page_writer.cache_dir(generator.settings)
    if folder is not None:
        # Compiled templates, keyed by each template's source: compiling ours costs more than a
        # rebuild after one edit renders. Every generator's environment: Pelican's own page
        # generator renders content/pages with our base.html (~40 ms to compile).
        try:
            (folder / "jinja").mkdir(parents=True, exist_ok=True)
        except OSError as error:  # a file, a dangling link, no permission, a full disk
            _note_unusable_cache(folder, error)
            return
        generator.env.bytecode_cache = CheckedBytecodeCache(str(folder / "jinja"))


_noted: set[str] = set()


def _note_unusable_cache(folder: Path, error: OSError) -> None:
    if str(folder) not in _noted:  # once, not once per generator (each asks for the cache)
        _noted.add(str(folder))
        logger.warning("explainer: the cache folder %s cannot be used (%s); building without it",
                       folder, error.strerror or error)


class CheckedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, each file sealed by `cachefile` (a hash checked on
    every read). A compiled template cut short would fail every build, and one changed by a
    character would run as code in every page; either is now compiled again from its source."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = cachefile.unseal(Path(self._get_cache_filename(bucket)).read_bytes())
            bucket.load_bytecode(io.BytesIO(data))
        except Exception:  # missing, damaged or stale: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        out = io.BytesIO()
        bucket.write_bytecode(out)
        try:
            cachefile.replace(Path(self._get_cache_filename(bucket)), out.getvalue())
        except OSError:
            pass  # a cache that cannot be written costs the next build time, nothing else


MAIN_START = '<main id="main" class="wrap" tabindex="-1">'
"""How base.html opens a page's main content, where the note on untranslated texts goes."""
_FALLBACK_LANGUAGE = re.compile(f'lang="([a-z]+)" class="{UNTRANSLATED}"')

PAGE_DEFAULTS: dict[str, Any] = {"listing": None, "listing_size": None, "filter_country": None, "filter_kind": None,
                                 "noindex": False, "alternates": ()}
"""Optional page variables: templates run with StrictUndefined, so every name they test exists."""


class ExplainerGenerator(Generator):
    """Writes the explainer pages, feeds, data files, sitemap, robots.txt and 404 page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # generator_init: install_template_helpers
        started = time.perf_counter()
        self.dataset = load_events(self.settings)
        check_content(self.settings, self.path, self.dataset)
        # The Dataset lives as long as the build: out of the collector's sight, the many small
        # objects made after it (site context, page specs, fingerprints) do not make every
        # full collection walk its ~1 million objects again (0.2-0.3 s per rebuild).
        gc.freeze()
        page_writer.open_markdown_store(self.settings)
        logger.info("explainer: loaded %d events in %.2f s", len(self.dataset.events), time.perf_counter() - started)
        self.site: SiteContext | None = None
        self.country_pages: dict[str, dict[str, CountryPage]] = {}
        self._written: set[str] = set()
        self._files: page_writer.SiteWriter | None = None

    def generate_context(self) -> None:
        folder = countries_dir(self.settings, self.path)
        started = time.perf_counter()
        self.country_pages = read_country_pages(folder, self.dataset.countries)
        self.site = build_site_context(self.dataset, *in_languages(self.country_pages, (DEFAULT_LANGUAGE,)))
        gc.freeze()
        logger.info("explainer: site context in %.2f s", time.perf_counter() - started)
        self.env.filters["path"] = self.site.path
        self.context["explainer"] = self.site

    def generate_output(self, writer: Any) -> None:
        """Every edition's pages, one edition after the other: each installs its words (gettext,
        dates, counts) and the languages its texts are shown in before its pages render; the
        data files, feeds and sitemap come with the last edition."""
        del writer  # we write our own files; Pelican's Writer re-reads settings per page
        assert self.site is not None
        siteurl = self.settings["SITEURL"]
        sitename = self.settings["SITENAME"]
        all_editions = editions(self.settings, Path(self.theme) / "translations")
        paths: list[tuple[str, str]] = []
        started = time.perf_counter()
        self._files = page_writer.SiteWriter(self)
        count = 0
        try:
            for number, edition in enumerate(all_editions):
                show_in(edition.shown_in)
                site = self.site if number == 0 else build_site_context(
                    self.dataset, *in_languages(self.country_pages, edition.shown_in), words=edition.words)
                base = edition.base(siteurl)
                self._use_words(edition, base, siteurl)
                name = edition.words.gettext(sitename)
                specs = list(all_pages(site, base, name, edition.words))
                for spec in specs:
                    self._claim(urls.to_file(spec.path))
                    if not spec.variables.get("noindex"):  # each edition's 404 page
                        paths.append((spec.path, spec.lang))
                common = {"SITEURL": base, "SITEROOT": siteurl, "SITENAME": name,
                          "DEFAULT_LANG": self.settings.get("DEFAULT_LANG", "en")}
                paths += self._content_pages(edition, all_editions, siteurl, common)
                last = number == len(all_editions) - 1
                self._files.pages(specs, partial(self._render, common=common, edition=edition,
                                                 all_editions=all_editions, siteurl=siteurl),
                                  partial(self._write_other_files, paths) if last else None)
                # Each edition's feeds while its texts are shown in its language (the other
                # files come with the last edition, whatever its language).
                self._write_feeds(base, sitename, edition.words)
                count += len(specs)
        finally:
            show_in(all_editions[0].shown_in)
            self._use_words(all_editions[0], siteurl, siteurl)
        self._files.finish()
        logger.info("explainer: %d pages in %d edition%s and the other files in %.2f s", count, len(all_editions),
                    "" if len(all_editions) == 1 else "s", time.perf_counter() - started)

    def _content_pages(self, edition: Edition, all_editions: list[Edition], siteurl: str,
                       common: dict[str, Any]) -> list[tuple[str, str]]:
        """The pages of content/ (About, ...) in one edition, at their English page's address in
        it: each in the first of the edition's languages it is written in (`about.ru.md` for
        Russian), so that every link of the edition leads to a page of it. A page shown in a
        fallback language is marked as such, and its reader sees a note. Pelican reads these
        pages (PAGE_SAVE_AS is empty) and this writes them, with the edition's interface."""
        written = []
        template = self.get_template("page")
        for english in self.context.get("pages", ()):
            versions = {page.lang: page for page in (english, *getattr(english, "translations", ()))}
            lang = next(lang for lang in edition.shown_in if lang in versions)
            path = urls.edition(edition.lang, english.url)
            page = versions[lang]
            content = trusted_page_html(urls.shared_links_in_edition(page.content, english.url, edition.lang))
            variables = {**common, "page": page, "page_content": content, "page_fallback": lang != edition.lang,
                         "page_lang": edition.lang, "page_path": english.url,
                         "alternates": alternates(all_editions, siteurl, english.url) if len(all_editions) > 1 else ()}
            self._write(urls.to_file(path), partial(template.render, variables))
            written.append((path, edition.lang))
        return written

    def _use_words(self, edition: Edition, base: str, siteurl: str) -> None:
        """Make the templates speak the edition's language: gettext, `words`, and SITEURL for
        the macros imported without context, whose cached fragments are dropped."""
        self.env.install_gettext_translations(edition.words.translations, newstyle=True)
        self.env.globals.update(SITEURL=base, SITEROOT=siteurl, words=edition.words)
        fragments.install(self.env)

    def _write_other_files(self, paths: list[tuple[str, str]]) -> None:
        """Data files, the sitemap and robots.txt."""
        started = time.perf_counter()
        siteurl = self.settings["SITEURL"]
        # Cards are only shown on pages; dropping them before the data files keeps the peak down.
        fragments.install(self.env)
        self._write_data()
        listed = tuple(sorted(set(paths)))
        self._write(urls.SITEMAP, lambda: seo.sitemap_xml(siteurl, listed), (listed,))
        self._write(urls.ROBOTS, lambda: seo.robots_txt(siteurl))
        logger.info("explainer: data files and sitemap in %.2f s", time.perf_counter() - started)

    def _render(self, spec: PageSpec, common: dict[str, Any], edition: Edition, all_editions: list[Edition],
                siteurl: str) -> str:
        template = self.get_template(spec.template.removesuffix(".html"))
        head = spec.resolved_head()
        relative = edition.relative(spec.path)
        variables = {
            **PAGE_DEFAULTS,
            **spec.variables,
            "page_path": relative,
            "alternates": alternates(all_editions, siteurl, relative) if len(all_editions) > 1 else (),
            "page_title": spec.title,
            "page_description": head.description,
            "og_type": spec.og_type,
            "jsonld": head.jsonld,
            "page_lang": spec.lang,
        }
        return self._with_untranslated_note(str(template.render(common, **variables)))

    def _with_untranslated_note(self, html: str) -> str:
        """The page with a note at the top of its main content when it shows texts in a fallback
        language, saying in which. Known only once the page is rendered: a text's language is
        decided where it is shown (`Text.__html__`), and cards are rendered once per build."""
        languages = tuple(sorted(set(_FALLBACK_LANGUAGE.findall(html))))
        if not languages:
            return html
        note = self.env.filters["untranslated_note"](languages)
        return html.replace(MAIN_START, f"{MAIN_START}\n{note}", 1)

    def _write_feeds(self, siteurl: str, sitename: str, words: Words = ENGLISH) -> None:
        """The Atom feeds of one edition (`siteurl` is its address), in its language."""
        data = self.dataset
        assert self.site is not None
        lang = words.lang
        name = words.gettext(sitename)
        entries = feeds.latest(data.events)
        self._write(urls.edition(lang, urls.FEED_ALL), lambda: feeds.atom_feed(
            words.feed_title(name), urls.FEED_ALL, urls.TIMELINE, siteurl, entries,
            name, words), (lang, entries))
        for code, country in data.countries.items():
            entries = feeds.latest(self.site.events_of_country.get(code, ()))
            self._write(urls.edition(lang, urls.feed(country)), partial(
                feeds.atom_feed, f"{name}: {country.name}", urls.feed(country), urls.country(country), siteurl,
                entries, name, words), (lang, country.name, entries))

    def _write_data(self) -> None:
        events = self.dataset.events
        assert self._files is not None
        files = self._files
        self._write(urls.DATA_JSON,
                    lambda: data_export.events_json(events, files.cached("json", data_export.event_json)),
                    (events,))
        self._write(urls.DATA_CSV, lambda: data_export.events_csv(events, files.cached("csv", data_export.event_csv)),
                    (events,))
        self._write(urls.DATA_SCHEMA, data_export.schema_text, ())
        events_file = self.settings.get("EXPLAINER_EVENTS")
        if events_file and Path(events_file).is_file():
            # As bytes (10 MB at 10,000 events), with line ends made "\n" as reading it as text would.
            data = Path(events_file).read_bytes()
            if b"\r" in data:
                data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            self._write(urls.DATA_YAML, lambda: data, (hashlib.blake2b(data).digest(),))
        schema = self.settings.get("EXPLAINER_YAML_SCHEMA")
        if schema and Path(schema).is_file():
            # Re-serialise so that a malformed schema fails the build instead of being published.
            text = json.dumps(json.loads(Path(schema).read_text(encoding="utf-8")), ensure_ascii=False, indent=1)
            self._write(urls.DATA_YAML_SCHEMA, lambda: text + "\n")

    def _claim(self, relative: str) -> None:
        if relative in self._written:
            raise RuntimeError(f"two outputs would be written to {relative}")
        self._written.add(relative)

    def _write(self, relative: str, make: Callable[[], str | bytes], inputs: tuple[Any, ...] | None = None) -> None:
        """Stage the file `make()` writes; with `inputs`, only when they changed (`SiteWriter.file`)."""
        self._claim(relative)
        assert self._files is not None
        self._files.file(relative, make, inputs)


def get_generators(_pelican: Any) -> type[ExplainerGenerator]:
    return ExplainerGenerator
