"""Pelican reader for content/*.md, rendering with markdown-it-py instead of Python-Markdown.

A translation is named after its English page and its language (`about.ru.md`).
A file starts with Pelican-style metadata lines (`Title: About this site`), then a blank
line, then the Markdown body (`content_rules.parse_page`, which also checks every file before
the build reads it). The body goes through `explainer.data.markdown.render`, the same renderer as
the Markdown fields of events.yaml.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican.readers import BaseReader

from ..data.content_rules import language_of, parse_page
from ..data.markdown import render
from ..data.text import DEFAULT_LANGUAGE

MARKDOWN_EXTENSIONS = ("md", "markdown")


def split_metadata(text: str) -> tuple[dict[str, str], str]:
    """Split leading `Key: value` lines from the body; keys are lower-cased."""
    page = parse_page(text)
    return page.metadata, page.body


class MarkdownItReader(BaseReader):
    """Reads .md and .markdown files for Pelican's page generator."""

    enabled = True
    file_extensions = list(MARKDOWN_EXTENSIONS)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        path = Path(source_path)
        raw, body = split_metadata(path.read_text(encoding="utf-8"))
        original, lang = language_of(path)
        if lang != DEFAULT_LANGUAGE:
            # A translation (`about.ru.md`): Pelican pairs it with its English page by slug, and
            # the edition of its language shows it at that page's address.
            raw["lang"] = lang
            raw["slug"] = original_slug(path.parent, original)
        metadata = {key: self.process_metadata(key, value) for key, value in raw.items()}
        return str(render(body)), metadata


def original_slug(folder: Path, original: str) -> str:
    """The slug of the English page `original` in `folder`: its `Slug:` line, else its name."""
    for suffix in MARKDOWN_EXTENSIONS:
        english = folder / f"{original}.{suffix}"
        if english.is_file():
            return split_metadata(english.read_text(encoding="utf-8"))[0].get("slug") or original
    return original


def use_markdown_it(readers: Any) -> None:
    """`readers_init` receiver: route Markdown files to our reader, and nothing else.

    Python-Markdown is not installed, and reStructuredText or raw HTML pages would bypass
    our link checks, so those readers are switched off too.
    """
    for ext in ("md", "markdown", "mkd", "mdown", "rst", "htm", "html"):
        readers.reader_classes.pop(ext, None)
    for ext in MARKDOWN_EXTENSIONS:
        readers.reader_classes[ext] = MarkdownItReader
