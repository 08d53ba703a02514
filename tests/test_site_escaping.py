"""Nothing from the data reaches a page as markup unless our Markdown renderer produced it:
templates autoescape, raw HTML in Markdown is escaped, unsafe link schemes are dropped."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from explainer.data.markdown import is_safe_link, plain_text, render
from explainer.data.problems import EventsFileError
from tests.conftest import BuiltSite, build_in_process
from tests.site_html import soup
from tests.site_sample import sample_dataset

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_in_process(tmp_path_factory.mktemp("hostile") / "output",
                            EXPLAINER_DATASET=sample_dataset(hostile_title=HOSTILE))


@pytest.mark.parametrize(
    "page", ["events/kg-gknb-order.html", "timeline/2024/", "countries/kg/", "laws/kg-child-protection.html"]
)
def test_hostile_title_is_text_not_markup(hostile_site: BuiltSite, page: str) -> None:
    document = soup(hostile_site.page(page))
    scripts = [tag for tag in document.find_all("script") if tag.get("type") != "application/ld+json"]
    assert scripts == []
    assert document.find("img") is None
    assert any(HOSTILE in link.get_text() for link in document.find_all(["a", "h1"]))


def test_hostile_title_in_head_and_json_ld(hostile_site: BuiltSite) -> None:
    path = hostile_site.page("events/kg-gknb-order.html")
    raw = path.read_text(encoding="utf-8")
    assert "<script>alert" not in raw
    document = soup(path)
    assert document.title.get_text().startswith(HOSTILE)
    assert document.find("meta", property="og:title")["content"] == HOSTILE
    data = json.loads(document.find("script", type="application/ld+json").string)
    assert data["headline"] == HOSTILE


def test_hostile_markdown_summary_loses_its_links_and_html(hostile_site: BuiltSite) -> None:
    summary = soup(hostile_site.page("events/kg-gknb-order.html")).find("div", class_="summary")
    assert [a.get("href") for a in summary.find_all("a")] == []
    assert "<script>alert(3)</script>" in summary.get_text()


def test_source_addresses_are_percent_encoded_in_their_href(tmp_path: Path) -> None:
    hostile = "https://example.org/a?q=\"><script>alert(1)</script>&t={{7*7}} x"
    site = build_in_process(tmp_path / "output", EXPLAINER_DATASET=sample_dataset(occrp_url=hostile))
    page = soup(site.page("events/kg-block.html"))
    hrefs = [a["href"] for a in page.find_all("a", href=True) if a["href"].startswith("https://example.org/a")]
    assert hrefs and set(hrefs) == {"https://example.org/a?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&t=%7B%7B7*7%7D%7D%20x"}
    assert page.find("script", type=lambda value: value != "application/ld+json") is None


def test_a_non_http_source_address_stops_the_build(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with pytest.raises(Exception, match="not an http"):
        build_in_process(output, EXPLAINER_DATASET=sample_dataset(occrp_url="javascript:alert(1)"))
    assert not output.exists()


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java%09script:alert(1)", "%6Aavascript:alert(1)", "\u200bjavascript:alert(1)", "jav&#x09;ascript:x",
    "data:text/html,<b>x</b>", "vbscript:x", "file:///etc/passwd", "ftp://example.org/", "x:y",
    "//evil.example/x", "\\\\evil.example/x", "/\\evil.example/x", " //evil.example/x", "%2F%2Fevil.example",
])
def test_unsafe_schemes_are_refused(url: str) -> None:
    assert not is_safe_link(url)


@pytest.mark.parametrize("url", [
    "https://example.org/a?b#c", "HTTP://EXAMPLE.ORG", "mailto:editors@example.org", "../data/events.json",
    "/timeline/", "#anchor", "a/b:c", "?q=1",
])
def test_safe_links_are_kept(url: str) -> None:
    assert is_safe_link(url)


def test_render_escapes_raw_html_and_drops_bad_links() -> None:
    html = render('<b>bold</b> [a](javascript:alert(1)) [e](jav&#x09;ascript:x) [b](https://example.org) '
                  '<https://example.org/x>\n\n| a |\n|---|\n| 1 |\n')
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.org">b</a>' in html
    assert "<table>" in html


def test_render_is_cached_per_text() -> None:
    text = "Some *cached* text."
    assert render(text) is render(text)
    assert plain_text(text) == "Some cached text."


def test_plain_text_drops_markup() -> None:
    assert plain_text("A *b* [c](https://x.org)\nd") == "A b c d"


def test_content_pages_use_markdown_it(tmp_path: Path) -> None:
    """A content page with raw HTML is read by our reader: the HTML shows as text."""
    site = build_in_process(tmp_path / "output", EXPLAINER_DATASET=sample_dataset(), extra_pages={
        "hostile.md": "Title: Hostile\nSlug: hostile\n\n<script>alert(1)</script> [x](/about/) ~~gone~~\n"})
    document = soup(site.page("hostile/"))
    main = document.find("main")
    assert main.find("script") is None and "<script>alert(1)</script>" in main.get_text()
    assert [a.get("href") for a in main.find_all("a")] == ["/about/"]
    assert main.find("s") is not None  # strikethrough: markdown-it, not Python-Markdown


def test_a_content_page_with_an_unsafe_link_stops_the_build(tmp_path: Path) -> None:
    """The renderer would drop a javascript: link silently; the build refuses the page instead."""
    with pytest.raises(EventsFileError) as caught:
        build_in_process(tmp_path / "output", EXPLAINER_DATASET=sample_dataset(), extra_pages={
            "hostile.md": "Title: Hostile\nSlug: hostile\n\nA [x](javascript:alert(1)) link\n"})
    (problem,) = caught.value.problems
    assert problem.path.endswith("pages/hostile.md") and (problem.line, problem.column) == (4, 7)
    assert problem.message.startswith("the link 'javascript:alert(1)' is not allowed")
    assert not (tmp_path / "output").exists()
