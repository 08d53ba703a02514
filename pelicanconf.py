"""Pelican settings for local builds: `pelican content -s pelicanconf.py` (or plain `pelican`).

Almost everything on the site comes from our plugin (plugins/explainer) and theme
(themes/explainer); Pelican itself only reads content/pages and copies the theme's static
files, so its blog machinery (articles, tags, categories, authors, archives, feeds) is off.
"""
from __future__ import annotations

import os

from jinja2 import StrictUndefined

_HERE = os.path.dirname(os.path.abspath(__file__))

SITENAME = "TikTok restrictions explained"
SITEURL = ""  # root-relative links ("/timeline/") for local builds and `pelican --listen`
RELATIVE_URLS = False
DEFAULT_LANG = "en"
TIMEZONE = "UTC"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "themes/explainer"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["explainer"]

# Our plugin's inputs.
EXPLAINER_EVENTS = os.path.join(_HERE, "events.yaml")
EXPLAINER_YAML_SCHEMA = os.path.join(_HERE, "schema", "events.schema.json")
EXPLAINER_COUNTRIES_DIR = os.path.join(_HERE, "content", "countries")
# Between builds: fingerprints of the published pages and rendered Markdown, so a rebuild
# renders only what changed (None turns this off; `rm -r .cache` forgets it).
EXPLAINER_CACHE_DIR = os.path.join(_HERE, ".cache")
# Processes that render pages on large sites: None = the usable cores (at most 4). Each
# worker adds memory; see the README's Performance section.
EXPLAINER_JOBS = None
# The editions published (English, the reference, first; the others under /ru/, /kk/, /ky/)
# and where an edition takes a text that has no translation in its language (English comes
# last anyway). Adding a language: see CONTRIBUTING.md, Translations.
EXPLAINER_EDITIONS = ["en", "ru", "kk", "ky"]
EXPLAINER_FALLBACKS = {"kk": ["ru"], "ky": ["ru"]}

# Every template escapes by default; HTML from Markdown arrives as Markup from
# explainer.data.markdown, the only place that marks HTML safe. A misspelt variable is an
# error (StrictUndefined), not a silently empty string on the published page.
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "undefined": StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    # Interface strings go through gettext ({% trans %}, _()); the catalogs are in
    # themes/explainer/translations/ and each edition installs its own (explainer.site.words).
    "extensions": ["jinja2.ext.i18n"],
}

# content/pages only (about, how to cite, ...), at pretty URLs; a page's slug is its file name
# unless it gives one. Pelican reads them, and our generator writes each in every edition (a
# translation, `about.ru.md`, in its own), so Pelican saves none itself.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS = ["pages"]
SLUGIFY_SOURCE = "basename"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = ""
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = ""
DRAFT_PAGE_URL = ""
DRAFT_PAGE_SAVE_AS = ""
STATIC_PATHS: list[str] = []
THEME_STATIC_DIR = "theme"
THEME_STATIC_PATHS = ["static"]
IGNORE_FILES = ["**/.*", "countries"]  # content/countries/*.md are read by our plugin

# Nothing of Pelican's blog output.
DIRECT_TEMPLATES: list[str] = []
PAGINATED_TEMPLATES: dict[str, None] = {}
ARTICLE_SAVE_AS = ARTICLE_LANG_SAVE_AS = DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# Reproducible output: no caches that could make a build depend on the previous one.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False  # our plugin publishes atomically and removes stale files
