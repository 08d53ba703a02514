"""Every interface word in the theme goes through gettext, so that it can be translated.

A template's text outside Jinja tags (the lexer's "data" tokens) is what a reader sees as it is
written; it must hold no letters once the HTML tags, comments and entities are taken out, so
that headings, labels, sentences and link texts come from `_()` / `gettext()` / `ngettext()`
or a `{% trans %}` block. The same goes for the attributes that people read or hear (alt, title,
aria-label, placeholder, the table cells' data-label that the stylesheet shows, ...), and for
string literals in expressions that look like words (a macro's "No events recorded." argument,
a menu label): those must be arguments of a gettext call.
"""
from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from tests.conftest import ROOT

TEMPLATES = ROOT / "themes" / "explainer" / "templates"

PLACEHOLDER = "\ue000"
"""Stands for a {{ expression }} in the text being checked: not a letter, so `<a>{{ name }}</a>`
passes and `title="{{ name }}: events"` does not."""

LETTER = re.compile(r"[^\W\d_]")
"""Any letter: A-Z, А-Я and the Kazakh and Kyrgyz ones (ә, ғ, қ, ң, ө, ұ, ү, һ, і) alike."""

ALLOWED = {
    # The names of the data downloads that the footer links to: files, named the same in
    # every language (what follows "Data:" is translated: "JSON Schema", "Atom feed").
    "events.json",
    "events.csv",
}
"""Text that may stay literal: not interface words. Keep this tiny."""

READABLE_ATTRIBUTES = {
    "alt", "title", "placeholder", "label", "aria-label", "aria-description", "aria-roledescription",
    "aria-placeholder", "aria-valuetext",
    "data-label",  # shown by the stylesheet on narrow screens: td[data-label]::before { content: attr(data-label) }
}
READABLE_META = {"description", "og:title", "og:description", "og:site_name", "og:image:alt",
                 "twitter:title", "twitter:description", "twitter:image:alt"}
"""<meta name|property=...> whose content is shown by search engines and link previews."""

GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


def _wordy(text: str) -> bool:
    for allowed in ALLOWED:
        text = re.sub(rf"(?<![\w.]){re.escape(allowed)}(?![\w.])", "", text)
    return bool(LETTER.search(text.replace(PLACEHOLDER, "")))


def _text_outside_tags(source: str) -> str:
    """The template as the reader's text: data tokens kept, each {{ ... }} a PLACEHOLDER, block
    tags and comments dropped, and the data of {% trans %} blocks (the messages) dropped too.
    Lines are kept where they were, for the messages."""
    out: list[str] = []
    tag: list[tuple[str, str]] = []
    in_trans = False
    for lineno, kind, value in jinja2.Environment(extensions=["jinja2.ext.i18n"]).lex(source):
        missing = lineno - 1 - sum(piece.count("\n") for piece in out)
        if missing > 0:
            out.append("\n" * missing)
        if kind in ("data",):
            if not in_trans:
                out.append(value)
        elif kind == "variable_begin":
            out.append(PLACEHOLDER)
        elif kind == "block_begin":
            tag = []
        elif kind == "block_end":
            names = [value for kind, value in tag if kind == "name"]
            if names and names[0] == "trans":
                in_trans = True
            elif names and names[0] == "endtrans":
                in_trans = False
        elif kind in ("name", "string", "operator"):
            tag.append((kind, value))
    return "".join(out)


class _ReadableText(HTMLParser):
    """Collects (line, text) for what a reader sees or hears in the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # entities arrive apart, and are skipped
        self.found: list[tuple[int, str]] = []
        self._raw = 0  # inside <script> or <style>: not text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._raw += 1
        given = dict(attrs)
        for name, value in attrs:
            readable = name in READABLE_ATTRIBUTES or (
                tag == "meta" and name == "content" and (given.get("name") or given.get("property")) in READABLE_META)
            if readable and value and _wordy(value):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._raw -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._raw = max(0, self._raw - 1)

    def handle_data(self, data: str) -> None:
        if not self._raw and _wordy(data):
            self.found.append((self.getpos()[0], " ".join(data.replace(PLACEHOLDER, "{{ }}").split())))


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of each piece of visible text or readable attribute outside gettext."""
    parser = _ReadableText()
    parser.feed(_text_outside_tags(source))
    parser.close()
    return parser.found


def untranslated_literals(source: str) -> list[tuple[int, str]]:
    """(line, string) of each string literal in an expression that looks like words (a capital
    letter, or letters and a space) and is not an argument of a gettext call. Template names,
    CSS classes and values such as 'page' or "website" are lower case without spaces."""
    found = []
    depth = 0  # parentheses open since a gettext call began; 0 = outside any
    after_gettext = False
    for lineno, kind, value in jinja2.Environment(extensions=["jinja2.ext.i18n"]).lex(source):
        if kind in ("whitespace",):
            continue
        if kind == "operator" and value == "(":
            if depth or after_gettext:
                depth += 1
        elif kind == "operator" and value == ")" and depth:
            depth -= 1
        elif kind == "string" and not depth:
            text = ast.literal_eval(value)
            if _wordy(text) and (re.search(r"[^\W\d_a-z]", text) or (re.search(r"\s", text.strip()))):
                found.append((lineno, text))
        after_gettext = kind == "name" and value in GETTEXT
    return found


TEMPLATE_FILES = sorted(TEMPLATES.glob("*.html"))


def test_the_theme_has_templates() -> None:
    assert len(TEMPLATE_FILES) >= 18


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda path: path.name)
def test_no_interface_text_outside_gettext(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert untranslated_text(source) == [], f"{path.name}: wrap these in _() or {{% trans %}}"
    assert untranslated_literals(source) == [], f"{path.name}: pass these strings through _()"


# The check itself: it must find the words that a template leaves outside gettext.

BEFORE = {
    # Lines as the templates had them before their strings went through gettext.
    "page.html": """{% extends "base.html" %}
{% block content %}
<h1>Page not found</h1>
<ul>
<li><a href="{{ SITEURL }}/">Home</a></li>
</ul>
{% endblock %}
""",
    "attributes.html": """{% macro pagination(listing) -%}
<nav class="pagination" aria-label="Pages of this listing">
<a href="#main">{{ _("Skip") }}</a>
{%- endmacro %}
<link rel="alternate" type="application/atom+xml" title="{{ country.name }}: events (Atom)" href="/x">
<td data-label="Set by">{{ link }}</td>
""",
    "partial.html": """{% macro badge(status) -%}
{% if status %}<span class="badge" title="{{ status.description }}">{{ status.label }}</span>{% else %}
<span class="badge badge-none">No status recorded</span>{% endif %}
{%- endmacro %}
<p>{{ event_count }} events. Оқиғалар.</p>
""",
    "literals.html": """{{ cards.event_lines(events, "No events recorded.") }}
{% for path, label in ((urls.TIMELINE, "Timeline"), (urls.LAWS, _("Laws"))) %}{% endfor %}
{{ event.kind|kind_link("kind") }} {% extends "base.html" %} {{ 'page' if exact else 'true' }}
""",
}


def test_the_check_finds_words_outside_gettext() -> None:
    assert untranslated_text(BEFORE["page.html"]) == [(3, "Page not found"), (5, "Home")]
    assert untranslated_text(BEFORE["attributes.html"]) == [
        (2, 'aria-label="Pages of this listing"'), (5, f'title="{PLACEHOLDER}: events (Atom)"'),
        (6, 'data-label="Set by"')]
    assert untranslated_text(BEFORE["partial.html"]) == [(3, "No status recorded"), (5, "{{ }} events. Оқиғалар.")]
    assert untranslated_literals(BEFORE["literals.html"]) == [(1, "No events recorded."), (2, "Timeline")]


def test_the_check_passes_gettext_trans_comments_and_markup() -> None:
    source = """{#- A comment with words. -#}
<!DOCTYPE html>
<h1 class="event-title" id="sec-laws">{{ _("Laws") }}</h1>
<p>{% trans name=country.name %}Atom feed for {{ name }}{% endtrans %} &middot; &#8211; 2024 (3): –</p>
<a href="{{ SITEURL }}/{{ urls.DATA_JSON }}" aria-label="{{ _('Data') }}">events.json</a>
<script type="application/ld+json">{{ jsonld|tojson }}</script>
{{ ngettext("%(num)s event", "%(num)s events", n) }} {{ cards.event_lines(events, _("No events recorded.")) }}
"""
    assert untranslated_text(source) == [] and untranslated_literals(source) == []


def test_the_check_finds_the_words_of_the_templates_before_gettext(tmp_path: Path) -> None:
    """The theme as it was before its strings went through gettext (commit d554432, copied from
    git into a temporary folder when this clone has it): the check finds words in every
    template that had any, 129 pieces in all."""
    import subprocess

    before = "d554432"
    listing = subprocess.run(["git", "ls-tree", "--name-only", f"{before}:themes/explainer/templates/"],
                             cwd=ROOT, capture_output=True, text=True)
    if listing.returncode != 0:
        pytest.skip(f"this clone does not have commit {before}")
    for name in listing.stdout.split():
        source = subprocess.run(["git", "show", f"{before}:themes/explainer/templates/{name}"],
                                cwd=ROOT, capture_output=True, text=True, check=True).stdout
        (tmp_path / name).write_text(source, encoding="utf-8")
    found = {path.name: untranslated_text(path.read_text(encoding="utf-8"))
             + untranslated_literals(path.read_text(encoding="utf-8")) for path in sorted(tmp_path.glob("*.html"))}
    assert len(found) == 18
    # Only the link partial and the two page shells had no interface words then.
    assert {name for name, words in found.items() if not words} == {"_links.html", "base.html", "page.html"}
    assert sum(map(len, found.values())) == 129
    assert (3, "Page not found") in found["404.html"] and (31, 'aria-label="Main"') in found["_layout.html"]
    assert (34, "People and institutions") in found["_layout.html"]  # a literal in an expression
    assert (33, 'data-label="Set by"') in found["country.html"]
