"""Gate: hostile text in events.yaml and in Markdown never becomes live markup on the site.

Every payload in tools/gates/injection.py (script tags, event handlers, attribute break-outs,
javascript:/vbscript:/data: links in any case and spacing, template syntax) is written into
every text field of a copy of events.yaml (optional fields included) and into every Markdown
file under content/. Markdown links with unsafe addresses are refused by the events.yaml
validator and the content/ checks, so they go into the plain-text fields only (the metadata
lines of content/ pages among them), and separate tests check that the build refuses them in
Markdown, in events.yaml and in content/ alike. The copy is built with the `pelican` command, then every page and feed
entry is parsed with html5lib: nothing may appear that the theme does not emit on the real
site, no script may run, no address may use an unsafe scheme, no template syntax may be
evaluated. Every page must also carry a CSP that forbids inline script.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
import yaml

from tests.conftest import copy_project, run_pelican
from tools.gates.html_check import validate
from tools.gates.injection import (
    LINK_PAYLOADS,
    MARKERS,
    REFERENCE_TAIL,
    csp_problems,
    hostile_events,
    hostile_markdown,
    hostile_urls,
    live_markup,
    markup_signature,
    text_fields,
)

pytestmark = pytest.mark.gate


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    """A copy of the project with hostile text; and which field each value F<n> went into."""
    project = copy_project(tmp_path_factory.mktemp("hostile-project"))
    events = project / "events.yaml"
    data = yaml.safe_load(events.read_text("utf-8"))
    where = hostile_events(data)
    events.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), "utf-8")
    markdown = sorted((project / "content").rglob("*.md"))
    assert markdown, "no Markdown page under content/"
    for page in markdown:
        page.write_text(hostile_markdown(page.read_text("utf-8")), "utf-8")
    return project, where


@pytest.fixture(scope="module")
def hostile_site(hostile_project: tuple[Path, dict[int, str]]) -> Path:
    project, _where = hostile_project
    output = project / "output"
    result = run_pelican(project, output)
    assert result.returncode == 0, f"the hostile copy did not build:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return output


@pytest.fixture(scope="module")
def hostile_text(hostile_site: Path) -> str:
    """The visible text of every page (what a reader sees), joined."""
    texts = []
    for file in sorted(hostile_site.rglob("*.html")):
        tree = html5lib.parse(file.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
        texts.append("".join(tree.itertext()))
    return "\n".join(texts)


def test_no_live_markup_from_hostile_input(hostile_site: Path, site: Path) -> None:
    findings = live_markup(hostile_site, markup_signature(site))
    assert not findings, f"{len(findings)} finding(s):\n" + "\n".join(map(str, findings[:60]))


def test_template_syntax_is_shown_as_written(hostile_text: str) -> None:
    for _payload, (evaluated, literal) in MARKERS.items():
        assert literal in hostile_text, f"{literal!r} is not shown as written on any page"
        assert evaluated not in hostile_text


def test_every_text_field_reaches_a_page(hostile_project: tuple[Path, dict[int, str]], hostile_text: str) -> None:
    """The payloads were really rendered: every kind of text field shows on some page.

    A field that no page displays would make the gate above vacuous for it.
    """
    _project, where = hostile_project
    shown = {where[int(n)] for n in re.findall(r"\bF(\d+) <script>alert\(1\)</script>", hostile_text)}
    every = {f"{kind}.{name}" for kind, names in text_fields().items() for name in names}
    assert every - shown == set(), f"text fields never shown on any page: {sorted(every - shown)}"
    assert "MD <script>alert(1)</script>" in hostile_text, "the hostile Markdown title is not shown"


def test_feeds_and_data_still_parse(hostile_site: Path) -> None:
    for feed in sorted(hostile_site.rglob("*.xml")):
        ET.parse(feed)  # raises on a payload that broke the XML
    json.loads((hostile_site / "data" / "events.json").read_text("utf-8"))


def test_hostile_text_leaves_the_html_valid(vnu: None, hostile_site: Path) -> None:
    """Escaping must not break the document either: vnu finds no error in the hostile build."""
    errors = validate(hostile_site)
    assert not errors, f"{len(errors)} vnu error(s):\n" + "\n".join(map(str, errors[:30]))


def test_hostile_source_addresses_are_refused_or_stay_in_their_attribute(
        vnu: None, site: Path, tmp_path: Path) -> None:
    """A source url with quotes, <, >, braces after a valid https:// start: the validator
    refuses it (the build stops, naming it), or the site keeps it inside its href, escaped and
    valid (percent-encoded: no URL may contain these characters as written)."""
    project = copy_project(tmp_path / "project")
    events = project / "events.yaml"
    data = yaml.safe_load(events.read_text("utf-8"))
    hostile_urls(data)
    events.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), "utf-8")
    output = tmp_path / "output"
    result = run_pelican(project, output)
    if result.returncode != 0:  # refused: every source named with its line
        messages = result.stdout + result.stderr
        assert not (output / "index.html").exists()
        assert messages.count("events.yaml:") >= len(data["sources"]), messages[-3000:]
        return
    findings = live_markup(output, markup_signature(site))
    assert not findings, "\n".join(map(str, findings[:30]))
    page = html5lib.parse((output / "sources" / "index.html").read_bytes(),
                          treebuilder="etree", namespaceHTMLElements=False)
    hrefs = [a.get("href", "") for a in page.iter("a")]
    assert any("TPLE" in href and "onmouseover" in href for href in hrefs), "the hostile url left its href"
    errors = validate(output)
    assert not errors, (f"accepted but written as invalid addresses ({len(errors)} vnu errors): the validator "
                        "should refuse them or the site percent-encode them, e.g.\n" + "\n".join(map(str, errors[:3])))


def test_every_page_has_a_csp_forbidding_inline_script(site: Path, hostile_site: Path) -> None:
    problems = csp_problems(site) + csp_problems(hostile_site)
    assert not problems, "\n".join(map(str, problems[:40]))


def test_unsafe_markdown_links_in_events_yaml_stop_the_build(tmp_path: Path) -> None:
    """In a Markdown field of events.yaml, every unsafe link is refused with its line; no site."""
    project = copy_project(tmp_path / "project")
    events = project / "events.yaml"
    data = yaml.safe_load(events.read_text("utf-8"))
    data["events"][0]["summary"] = "Hostile links: " + " ".join(LINK_PAYLOADS) + "\n" + REFERENCE_TAIL
    events.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), "utf-8")
    result = run_pelican(project, tmp_path / "output")
    assert result.returncode != 0
    assert not (tmp_path / "output" / "index.html").exists()
    messages = re.sub(r"\s+", " ", result.stdout + result.stderr)
    refused = set(re.findall(r"the link '([^']*)'", messages))
    # The address inside "[x](...)", "![x](...)" or "<...>", as the validator quotes it.
    wanted = {(re.search(r"\((.*)\)|<(.*)>", p).group(1) or p.strip("<>")).strip() for p in LINK_PAYLOADS}
    assert wanted <= refused, f"not refused: {sorted(wanted - refused)}"
    assert "events.yaml:" in messages


def test_unsafe_markdown_links_in_content_stop_the_build(tmp_path: Path) -> None:
    """In a page of content/, every unsafe link is refused at its line and column; no site."""
    project = copy_project(tmp_path / "project")
    page = project / "content" / "countries" / "kg.md"
    page.write_text(page.read_text("utf-8") + "\n\n" + "\n\n".join(LINK_PAYLOADS) + "\n" + REFERENCE_TAIL, "utf-8")
    result = run_pelican(project, tmp_path / "output")
    assert result.returncode != 0
    assert not (tmp_path / "output" / "index.html").exists()
    refused = set(re.findall(r"^content/countries/kg\.md:\d+:\d+: the (?:link|image) '([^']*)'",
                             result.stderr, re.MULTILINE))
    wanted = {(re.search(r"\((.*)\)|<(.*)>", p).group(1) or p.strip("<>")).strip() for p in LINK_PAYLOADS}
    assert wanted <= refused, f"not refused: {sorted(wanted - refused)}"


def test_the_detector_finds_live_markup(tmp_path: Path) -> None:
    """The gate can fail: each kind of live markup is reported, and a page without CSP too."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>t</title><p>safe &lt;script&gt; text</p>', "utf-8")
    signature = markup_signature(tmp_path)
    (tmp_path / "bad.html").write_text(
        '<!doctype html><title>t</title><p onclick="x()">a</p><script>alert(1)</script>'
        '<a href=" JaVa&#10;Script:alert(1)">j</a><p>TPLA49TPLA</p>', "utf-8")
    found = "\n".join(str(f) for f in live_markup(tmp_path, signature))
    for expected in ("onclick", "executable <script>", "unsafe address", "template syntax evaluated",
                     "<a> element that the theme never emits"):
        assert expected in found, found
    assert {f.file for f in csp_problems(tmp_path)} == {"index.html", "bad.html"}
