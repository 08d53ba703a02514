"""Every page carries a language: its spec, its address, its fingerprint, its <html lang>.

The real site is published in four editions (EXPLAINER_EDITIONS); these tests build it in three,
under a subpath, and check what a reader of each would see."""
from __future__ import annotations

import dataclasses
from pathlib import Path

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


@pytest.fixture(scope="module")
def editions_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built in English, Russian and Kazakh (Kazakh texts falling back to Russian)."""
    from tests.conftest import build_in_process

    site = build_in_process(tmp_path_factory.mktemp("editions") / "output", SITEURL="/sub",
                            EXPLAINER_EDITIONS=["en", "ru", "kk"], EXPLAINER_FALLBACKS={"kk": ["ru"]})
    return site.output


def test_each_edition_speaks_its_language(editions_site: Path) -> None:
    home = soup(editions_site / "ru" / "index.html")
    assert home.find("html")["lang"] == "ru"
    menu = [a.get_text() for a in home.select("header nav a")]
    assert "Хронология" in menu and "Законы" in menu
    event = next(event for event in load_dataset(ROOT / "events.yaml").events if event.date.precision.name == "DAY")
    page = soup(editions_site / "ru" / urls.event(event))
    assert page.find("h1").get_text(strip=True) == event.title.get("ru")
    assert "г." in page.find("time").get_text()  # "18 апреля 2024 г."
    summary = page.find("div", class_="summary")
    assert summary.find(attrs={"lang": True}) is None and summary.get_text(" ", strip=True)[:20] in " ".join(
        event.summary.get("ru").split())
    assert soup(editions_site / "kk" / "index.html").find("html")["lang"] == "kk"


def test_a_fallback_text_is_marked_with_its_language(editions_site: Path) -> None:
    """Kazakh has no texts yet: they come in Russian, each marked lang=ru, and the page says so
    at the top of its main content; the pages of content/ come in Russian too, with a note."""
    event = load_dataset(ROOT / "events.yaml").events[0]
    page = soup(editions_site / "kk" / urls.event(event))
    title = page.find("h1")
    assert title.find("span", attrs={"lang": "ru"}) is not None and title.get_text() == event.title.get("ru")
    assert page.find("div", class_="summary").find("div", attrs={"lang": "ru"}) is not None
    note = page.find("main").find(True)
    assert note.name == "p" and "note" in note["class"] and "орыс тілінде" in note.get_text()
    about = soup(editions_site / "kk" / "about" / "index.html")
    assert about.find("html")["lang"] == "kk" and about.find("div", attrs={"lang": "ru"}) is not None
    assert "орыс тілінде" in about.find("p", class_="note").get_text()
    assert about.find("h1")["lang"] == "ru" and about.find("h1").get_text() == "О сайте и методе работы"


def test_links_stay_inside_their_edition(editions_site: Path) -> None:
    """Every link of a Russian page to a page of the site stays under /sub/ru/; assets, data
    files and feeds are the site's own, at its root; and each such link leads to a file."""
    for path in [editions_site / "ru" / "index.html", *sorted((editions_site / "ru" / "laws").glob("*.html"))[:3]]:
        for anchor in soup(path).select("main a[href^='/'], header a[href^='/']"):
            href = anchor["href"].split("#")[0]
            assert href.startswith("/sub/ru/"), (path.name, href)
            target = editions_site / href.removeprefix("/sub/")
            assert (target / "index.html" if href.endswith("/") else target).is_file(), href
        css = soup(path).find("link", rel="stylesheet")["href"]
        assert css.startswith("/sub/theme/")


def test_every_page_names_its_translations(editions_site: Path) -> None:
    page = soup(editions_site / "ru" / "timeline" / "index.html")
    alternates = {link["hreflang"]: link["href"] for link in page.find_all("link", rel="alternate", hreflang=True)}
    assert alternates == {"en": "/sub/timeline/", "ru": "/sub/ru/timeline/", "kk": "/sub/kk/timeline/",
                          "x-default": "/sub/timeline/"}
    switcher = {a["lang"]: (a.get_text(), a.get("aria-current")) for a in page.select("nav.languages a")}
    assert switcher == {"en": ("English", None), "ru": ("Русский", "page"), "kk": ("Қазақ тілі", None)}


def test_a_fallback_text_in_an_attribute_stays_plain(editions_site: Path) -> None:
    """A text shown in a fallback language is marked with an element in running text, but an
    attribute can hold no element: there it is plain text."""
    for page in sorted((editions_site / "kk").rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert '="<span' not in html and "&lt;span lang" not in html, page.name


def test_each_edition_has_its_feeds_and_says_its_language(editions_site: Path) -> None:
    import json

    import feedparser

    feed = feedparser.parse((editions_site / "ru" / "feeds" / "events.atom.xml").read_text(encoding="utf-8"))
    assert feed.feed.get("language") == "ru" or 'xml:lang="ru"' in (
        editions_site / "ru" / "feeds" / "events.atom.xml").read_text(encoding="utf-8")
    by_id = {urls.event(event): event for event in load_dataset(ROOT / "events.yaml").events}
    first = feed.entries[0]
    assert first.title == by_id[first.link.split("/ru/", 1)[1]].title.get("ru")
    assert (editions_site / "ru" / "feeds" / "kg.atom.xml").is_file()
    # The English feed stays English, though the data files come with the last edition.
    english = feedparser.parse((editions_site / "feeds" / "events.atom.xml").read_text(encoding="utf-8"))
    assert english.entries[0].title == by_id[english.entries[0].link.split("/sub/", 1)[1]].title.en
    home = soup(editions_site / "ru" / "index.html")
    assert home.find("link", type="application/atom+xml")["href"] == "/sub/ru/feeds/events.atom.xml"
    jsonld = json.loads(home.find("script", type="application/ld+json").string)
    assert jsonld["inLanguage"] == "ru"


def test_the_sitemap_names_every_edition_of_a_page(editions_site: Path) -> None:
    from xml.etree import ElementTree

    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ElementTree.parse(editions_site / "sitemap.xml").getroot()
    entries = {url.find("s:loc", names).text: {link.get("hreflang"): link.get("href")
                                               for link in url.findall("x:link", names)}
               for url in root.findall("s:url", names)}
    assert entries["/sub/ru/timeline/"] == {
        "en": "/sub/timeline/", "ru": "/sub/ru/timeline/", "kk": "/sub/kk/timeline/", "x-default": "/sub/timeline/"}
    assert entries["/sub/kk/about/"]["en"] == "/sub/about/"


def test_a_page_of_content_comes_in_its_translation_with_every_edition_named(editions_site: Path) -> None:
    """about.ru.md is the Russian edition's About, at the English page's address; the English
    page, written by our generator too, names every edition (hreflang) like the other pages."""
    about = soup(editions_site / "ru" / "about" / "index.html")
    assert about.find("h1").get_text() == "О сайте и методе работы" and about.find(class_="note") is None
    english = soup(editions_site / "about" / "index.html")
    assert {link["hreflang"]: link["href"] for link in english.find_all("link", hreflang=True)} == {
        "en": "/sub/about/", "ru": "/sub/ru/about/", "kk": "/sub/kk/about/", "x-default": "/sub/about/"}
    # Its links to the data files climb out of the edition; its other links stay in it.
    links = [a["href"] for a in about.find("main").find_all("a", href=True)]
    assert "../../data/events.json" in links and "../sources/" in links


def test_a_country_page_comes_in_its_translation(editions_site: Path) -> None:
    page = soup(editions_site / "ru" / "countries" / "kg" / "index.html")
    summary = page.find("section", attrs={"aria-labelledby": "sec-summary"})
    assert "Кыргызстан" in summary.get_text() and summary.find(attrs={"lang": True}) is None
    assert page.find("meta", attrs={"name": "description"})["content"].startswith("Кыргызстан")
    assert page.find("main").find(class_="note") is None  # nothing on it is untranslated
