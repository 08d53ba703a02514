"""Every page carries a language: its spec, its address, its fingerprint, its <html lang>.

The site is published in English only for now; these tests hold the plumbing a second
edition will use (`urls.edition`, `PageSpec.lang`)."""
from __future__ import annotations

import dataclasses

import pytest

from explainer.data.load import load_dataset
from explainer.output.fingerprints import Fingerprints
from explainer.site import urls
from explainer.site.pages import PageSpec, all_pages
from explainer.site.site_context import SiteContext, build_site_context
from explainer.site.words import Words
from tests.conftest import ROOT, BuiltSite
from tests.site_html import soup


@pytest.fixture(scope="module")
def site() -> SiteContext:
    return build_site_context(load_dataset(ROOT / "events.yaml"))


def test_the_default_edition_is_at_the_root_and_another_under_its_code(site: SiteContext) -> None:
    english = list(all_pages(site, "", "Site"))
    russian = list(all_pages(site, "", "Site", Words("ru")))
    assert {spec.lang for spec in english} == {"en"} and {spec.lang for spec in russian} == {"ru"}
    assert [f"ru/{spec.path}" for spec in english] == [spec.path for spec in russian]
    assert urls.edition("en", urls.TIMELINE) == "timeline/" and urls.edition("kk", urls.HOME) == "kk/"


def test_a_fingerprint_depends_on_the_language(site: SiteContext) -> None:
    prints = Fingerprints(site, "global")
    spec: PageSpec = next(iter(all_pages(site, "", "Site")))
    assert prints.of_page(spec) != prints.of_page(dataclasses.replace(spec, lang="ru"))


def test_every_page_says_its_language(built_site: BuiltSite) -> None:
    for page in ("index.html", "timeline/index.html", "about/index.html", "404.html"):
        html = soup(built_site.output / page).find("html")
        assert html is not None and html.get("lang") == "en", page
