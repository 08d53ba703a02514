"""Gate: every internal link, asset and #fragment resolves, at the root and under a subpath."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SUBPATH_SITEURL, BuiltSite
from tools.gates.links import check_site, sitemap_problems

pytestmark = pytest.mark.gate


def _report(problems: list) -> str:
    return f"{len(problems)} link problem(s):\n" + "\n".join(map(str, problems[:60]))


def test_links_resolve_at_the_root(site: Path) -> None:
    problems = check_site(site, "")
    assert not problems, _report(problems)


def test_links_resolve_under_a_subpath(subpath_site: BuiltSite) -> None:
    assert subpath_site.siteurl == SUBPATH_SITEURL
    problems = check_site(subpath_site.output, subpath_site.siteurl)
    assert not problems, _report(problems)


def test_the_subpath_build_applies_the_prefix(subpath_site: BuiltSite) -> None:
    """Every page links somewhere under /sub/: the checker above really saw prefixed links."""
    pages = subpath_site.html_files()
    missing = [p for p in pages if f'href="{SUBPATH_SITEURL}/' not in p.read_text("utf-8")]
    assert not missing, f"pages with no link under {SUBPATH_SITEURL}/: {missing[:10]}"


def test_the_sitemap_lists_every_indexable_page(site: Path, subpath_site: BuiltSite) -> None:
    problems = sitemap_problems(site) + sitemap_problems(subpath_site.output, subpath_site.siteurl)
    assert not problems, _report(problems)


def test_the_sitemap_check_finds_gaps(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>home</title>", "utf-8")
    (tmp_path / "a" / "index.html").write_text("<!doctype html><title>a</title>", "utf-8")
    (tmp_path / "b" / "index.html").write_text(
        '<!doctype html><title>b</title><meta name="robots" content="noindex">', "utf-8")
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.org/sub/</loc></url><url><loc>https://example.org/sub/</loc></url>"
        "<url><loc>https://example.org/sub/b/</loc></url></urlset>", "utf-8")
    problems = {(p.address, p.message) for p in sitemap_problems(tmp_path, SUBPATH_SITEURL)}
    assert problems == {
        ("", "listed twice"),
        ("https://example.org/sub/a/", "indexable page missing from the sitemap"),
        ("https://example.org/sub/b/", "lists a page marked noindex (or the 404 page)"),
    }


def test_the_checker_finds_broken_links(tmp_path: Path) -> None:
    """The gate can fail: each kind of defect it exists for is reported."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<!doctype html><title>a</title><p id="here">', "utf-8")
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>t</title><link rel="stylesheet" href="/sub/missing.css">'
        '<a href="/sub/a/#here">ok</a><a href="/sub/a/#gone">bad fragment</a>'
        '<a href="/elsewhere/">outside</a><a href="/sub/nothing/">missing</a>'
        '<a href=" JaVa&#9;Script:alert(1)">js</a><img src="/sub/x.png" alt=""'
        ' srcset="/sub/a/ 1x, /sub/y.png 2x"><a href="https://other.example/">external</a>', "utf-8")
    # 404.html is served at any missing address: a relative link in it breaks; '#main' does not.
    (tmp_path / "404.html").write_text(
        '<!doctype html><title>404</title><a href="#main">skip</a><main id="main">'
        '<a href="a/">relative</a><a href="/sub/a/">absolute</a></main>', "utf-8")
    (tmp_path / "robots.txt").write_text("User-agent: *\nSitemap: https://example.org/sub/sitemap.xml\n", "utf-8")
    problems = {(p.address, p.message.split(": ", 1)[1]) for p in check_site(tmp_path, SUBPATH_SITEURL)}
    assert problems == {
        ("a/", "no such file: no/such/deep/page/a"),
        ("https://example.org/sub/sitemap.xml", "no such file: sitemap.xml"),
        ("/sub/missing.css", "no such file: missing.css"),
        ("/sub/a/#gone", "no id 'gone' in a/index.html"),
        ("/elsewhere/", "internal address outside the site's path /sub/"),
        ("/sub/nothing/", "no such file: nothing"),
        (" JaVa\tScript:alert(1)", "javascript: address"),
        ("/sub/x.png", "no such file: x.png"),
        ("/sub/y.png", "no such file: y.png"),
    }
