"""Templates read only what they are given: a page's spec carries every value its template
presents, so hashing the spec covers the page (`fingerprints`), and every word and number
on a page comes from one place.

jinja2.meta lists the names each template reads from its context; each must be a variable of
that template's specs, one of the variables every page gets, or a global the plugin installs.
"""
from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes
import pytest

from explainer.data.load import load_dataset
from explainer.data.text import as_published
from explainer.glue.generator import PAGE_DEFAULTS
from explainer.site import fragments, urls
from explainer.site.pages import PageSpec, all_pages
from explainer.site.site_context import build_site_context
from tests.conftest import ROOT

TEMPLATES = ROOT / "themes" / "explainer" / "templates"
COMMON = {"SITEURL", "SITEROOT", "SITENAME", "DEFAULT_LANG", "page_path", "page_title", "page_description", "og_type",
          "jsonld",
          "page_lang",
          *PAGE_DEFAULTS}
"""What `generator._render` gives every page besides its spec's variables."""
GLOBALS = {"urls", "markdown", "words", "SITEROOT", "_", "gettext", "ngettext"}
"""What `generator.install_template_helpers` installs for every template (gettext's names
come with jinja2.ext.i18n)."""
PELICAN_PAGE = {"page", "output_file", "page_fallback", "page_content"}
"""What Pelican gives page.html, for the pages of content/."""


def names_read(path: Path) -> set[str]:
    """The names `path` reads from its context, parsed with the theme's filters installed."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     extensions=["jinja2.ext.i18n"])
    environment.filters.update(path=urls.of, external=urls.external, published=as_published)
    fragments.install(environment)
    tree = environment.parse(path.read_text(encoding="utf-8"))
    # `{% import "_x.html" as x %}` outside the blocks: the blocks find `x` in the context.
    imported = {node.target for node in tree.find_all(jinja2.nodes.Import)}
    return set(jinja2.meta.find_undeclared_variables(tree)) - imported


@pytest.fixture(scope="module")
def specs() -> list[PageSpec]:
    return list(all_pages(build_site_context(load_dataset(ROOT / "events.yaml")), "https://example.org", "Site"))


def test_every_page_template_reads_only_its_spec(specs: list[PageSpec]) -> None:
    given: dict[str, set[str]] = {}
    for spec in specs:
        given.setdefault(spec.template, set()).update(spec.variables)
    assert set(given) == {path.name for path in TEMPLATES.glob("*.html")
                          if not path.name.startswith("_") and path.name not in ("base.html", "page.html")}
    stray = {template: sorted(names_read(TEMPLATES / template) - variables - COMMON - GLOBALS)
             for template, variables in given.items()}
    assert {template: names for template, names in stray.items() if names} == {}


def test_partials_read_only_what_every_page_gets() -> None:
    """Macros take what they show as arguments; the layout reads only the common variables."""
    for path in TEMPLATES.glob("*.html"):
        if path.name.startswith("_") or path.name == "base.html":
            assert names_read(path) - COMMON - GLOBALS == set(), path.name
    assert names_read(TEMPLATES / "page.html") - COMMON - GLOBALS - PELICAN_PAGE == set()


def test_the_check_catches_a_template_that_reaches_past_its_spec(tmp_path: Path) -> None:
    law = tmp_path / "law.html"
    law.write_text((TEMPLATES / "law.html").read_text(encoding="utf-8").replace(
        "cards.event_lines(events,", "cards.event_lines(site.events_of_law[law.slug],"), encoding="utf-8")
    assert "site" in names_read(law) and "site" not in names_read(TEMPLATES / "law.html")
