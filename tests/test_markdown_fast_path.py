"""The Markdown fast path renders exactly what markdown-it renders, or leaves the text to it."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer import markdown
from explainer.markdown import Rendered, _parsed, _simple


def check(text: str) -> Rendered | None:
    fast = _simple(text)
    if fast is not None:
        assert fast == _parsed(text), text
    return fast


# Characters that mean something somewhere in CommonMark, with ordinary text around them.
MARKUP = list("*[]()!\n \"'.,:;-+#>=_`&<~|\\/%\t") + ["**", "\n\n", "](", "](https://a.example/x)", "1. ", "* ", "é", "’", "\u00a0"]
WORDS = ["a", "word", "Text", "2024", "7", "Émile", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MARKUP + WORDS), max_size=40).map("".join))
def test_any_text_renders_as_markdown_it_does(text: str) -> None:
    check(text)


def sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS + ["the", "law", "“quoted”", "(OCCRP)", "it's", "\"so\""]), min_size=1, max_size=8))
    text = " ".join(words)
    form = draw(st.sampled_from(["plain", "strong", "em", "link", "nested", "punct"]))
    if form == "strong":
        text = f"**{text}**"
    elif form == "em":
        text = f"*{text}*"
    elif form == "link":
        address = draw(st.sampled_from(["https://a.example/x", "https://a.example/a_b?c=1", "javascript:alert(1)", "/about/", "mailto:a@b.example", "HTTPS://A.EXAMPLE/%41"]))
        text = f"see [{text}]({address})"
    elif form == "nested":
        text = f"**{words[0]} *{text}* end**"
    elif form == "punct":
        text = f"*{text}.*"
    return text + draw(st.sampled_from([".", "", ",", "!", "?"]))


@st.composite
def prose(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        line = " ".join(sentence(draw) for _ in range(draw(st.integers(1, 3))))
        lines.append(line + draw(st.sampled_from(["\n", "\n", "\n\n", " \n", "\n\n\n"])))
    return "".join(lines)


@settings(max_examples=400, deadline=None)
@given(prose())
def test_prose_renders_as_markdown_it_does(text: str) -> None:
    check(text)


def test_corpus_summaries_take_the_fast_path() -> None:
    from benchmarks import corpus

    rng = random.Random(7)
    texts = ["\n".join(corpus._summary(rng, 80, f"https://news.example.org/{n:05d}/r.html")) + "\n" for n in range(200)]
    assert all(check(text) is not None for text in texts)


@pytest.mark.parametrize("text", [
    "Plain prose over\ntwo lines.\n\nAnd a second paragraph.\n",
    "A **strong** word, an *emphasised* one, and [a link](https://example.org/a).\n",
    "**A whole sentence in bold.** Then *more.*\n",
    "Quotes \"are\" escaped, apostrophes aren't.\n",
])
def test_common_texts_take_the_fast_path(text: str) -> None:
    assert check(text) is not None


@pytest.mark.parametrize("text", [
    "# Heading", "- item", "1. item", "> quote", "    code", "a `code` span", "a <b>tag</b>", "a & b",
    "[ref]: https://example.org", "![image](https://example.org/i.png)", "a_b_", "~~gone~~", "a | b",
    "***both***", "*open only", "a*b*c", "[bad](javascript:alert(1))", "line with trailing  \nspaces",
    "", "\n\n",
])
def test_everything_else_is_left_to_markdown_it(text: str) -> None:
    assert _simple(text) is None
    assert markdown.rendered(text) == _parsed(text)
