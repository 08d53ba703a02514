"""Texts in several languages as a page of one edition shows them (`explainer.data.text`), and
the links of a translated page of content/ (`urls.shared_links_in_edition`)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from explainer.data.text import Text, as_published, script_language, show_in
from explainer.site.urls import shared_links_in_edition


@pytest.fixture
def kazakh_edition() -> Iterator[None]:
    show_in(("kk", "ru", "en"))
    yield
    show_in(("en",))


def test_a_fallback_text_is_marked_untranslated_in_its_language(kazakh_edition: None) -> None:
    title = Text((("en", "Blocked"), ("ru", "Заблокирован")))
    assert title.__html__() == '<span lang="ru" class="untranslated">Заблокирован</span>'
    assert Text((("en", "A"), ("kk", "Ә"))).__html__() == "Ә"
    assert Text.english("<b>").__html__() == '<span lang="en" class="untranslated">&lt;b&gt;</span>'


def test_a_headline_is_cited_as_published_in_the_language_of_its_script(kazakh_edition: None) -> None:
    assert str(as_published(Text.english("Kyrgyzstan blocks TikTok"))) == (
        '<span lang="en">Kyrgyzstan blocks TikTok</span>')
    assert str(as_published(Text.english("Блокировка TikTok: что говорит глава ГКНБ"))) == (
        '<span lang="ru">Блокировка TikTok: что говорит глава ГКНБ</span>')
    assert str(as_published(Text.english("Қазақстанда TikTok <шектеледі>"))) == "Қазақстанда TikTok &lt;шектеледі&gt;"
    assert str(as_published(Text((("en", "Title"), ("kk", "Тақырып"))))) == "Тақырып"
    assert "untranslated" not in str(as_published(Text.english("Title")))
    # A Russian headline given beside our English translation: a Kazakh page shows the Russian.
    headline = Text((("en", "Blocking TikTok (in Russian)"), ("ru", "Блокировка TikTok")))
    assert str(as_published(headline)) == '<span lang="ru">Блокировка TikTok</span>'


def test_the_script_says_the_language() -> None:
    assert [script_language(text) for text in ("OCCRP", "Жогорку Кеңеш", "Өкмөт", "Үкімет", "Правительство")] == [
        "en", "ky", "ky", "kk", "ru"]


def test_a_role_opens_a_sentence_in_every_language() -> None:
    role = Text((("en", "Member of parliament"), ("ru", "депутат Жогорку Кенеша")))
    assert role.sentence().values == (("en", "Member of parliament"), ("ru", "Депутат Жогорку Кенеша"))


def test_links_of_a_translated_page_stay_in_its_edition_except_to_shared_files() -> None:
    html = ('<a href="../data/events.json">d</a> <a href="../sources/">s</a> <a href="../theme/x.css">t</a> '
            '<a href="https://example.org/data/">e</a> <a href="/data/x">r</a> <a href="#top">a</a> '
            '<img src="../data/chart.svg" alt="">')
    assert shared_links_in_edition(html, "about/", "ru") == (
        '<a href="../../data/events.json">d</a> <a href="../sources/">s</a> <a href="../../theme/x.css">t</a> '
        '<a href="https://example.org/data/">e</a> <a href="/data/x">r</a> <a href="#top">a</a> '
        '<img src="../../data/chart.svg" alt="">')
    assert shared_links_in_edition(html, "about/", "en") == html
