"""Fragment filters: a partial's macro, rendered once per distinct arguments per build."""
from __future__ import annotations

from jinja2 import DictLoader, Environment, StrictUndefined
from markupsafe import Markup

from explainer.data.text import as_published
from explainer.site import fragments


def environment(calls: list[str]) -> Environment:
    env = Environment(
        loader=DictLoader({
            "_part.html": '{% macro shout(word, times=1) %}{{ note(word) }}<b>{{ word * times }}</b>{% endmacro %}',
            "page.html": "{{ 'a<'|shout }} {{ 'a<'|shout }} {{ 'a<'|shout(2) }}",
        }),
        autoescape=True, undefined=StrictUndefined,
    )
    env.globals["note"] = lambda word: calls.append(word) or ""
    return env


def test_a_cached_macro_renders_once_per_arguments_and_escapes_as_the_macro() -> None:
    calls: list[str] = []
    env = environment(calls)
    env.filters["shout"] = fragments.CachedMacro(env, "_part.html", "shout")
    html = env.get_template("page.html").render()
    assert html == "<b>a&lt;</b> <b>a&lt;</b> <b>a&lt;a&lt;</b>"
    assert calls == ["a<", "a<"]  # ('a<',) once, ('a<', 2) once
    direct = env.get_template("_part.html").module.shout("a<")
    assert isinstance(env.filters["shout"]("a<"), Markup) and env.filters["shout"]("a<") == direct


def test_install_adds_every_filter_and_starts_empty_again() -> None:
    env = Environment()
    fragments.install(env)
    first = env.filters["card"]
    assert set(fragments.CACHED) <= set(env.filters)
    fragments.install(env)
    assert env.filters["card"] is not first


def test_every_cached_macro_exists_in_the_theme() -> None:
    from pathlib import Path

    from jinja2 import FileSystemLoader

    from explainer.data.markdown import render
    from explainer.site import urls

    root = Path(__file__).resolve().parent.parent
    env = Environment(loader=FileSystemLoader(root / "themes" / "explainer" / "templates"), autoescape=True)
    env.globals.update(urls=urls, markdown=render, SITEURL="")
    env.filters.update(path=urls.of, external=urls.external, published=as_published)
    fragments.install(env)
    for template, macro in fragments.CACHED.values():
        assert callable(getattr(env.get_template(template).module, macro)), (template, macro)
