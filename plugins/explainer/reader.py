"""Pelican reader for content/*.md, rendering with markdown-it-py instead of Python-Markdown.

A file starts with Pelican-style metadata lines (`Title: About this site`), then a blank
line, then the Markdown body. The body goes through `explainer.markdown.render`, the same
renderer as the Markdown fields of events.yaml.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pelican.readers import BaseReader

from .markdown import render

MARKDOWN_EXTENSIONS = ("md", "markdown")
_META_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*):\s*(?P<value>.*)$")


def split_metadata(text: str) -> tuple[dict[str, str], str]:
    """Split leading `Key: value` lines from the body; keys are lower-cased."""
    metadata: dict[str, str] = {}
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    index = 0
    for index, line in enumerate(lines):
        if not line.strip():
            index += 1
            break
        match = _META_LINE.match(line.rstrip("\r\n"))
        if match is None:
            break
        metadata[match["key"].lower()] = match["value"].strip()
    else:
        index = len(lines)
    return metadata, "".join(lines[index:])


class MarkdownItReader(BaseReader):
    """Reads .md and .markdown files for Pelican's page generator."""

    enabled = True
    file_extensions = list(MARKDOWN_EXTENSIONS)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        raw, body = split_metadata(Path(source_path).read_text(encoding="utf-8"))
        metadata = {key: self.process_metadata(key, value) for key, value in raw.items()}
        return str(render(body)), metadata


def use_markdown_it(readers: Any) -> None:
    """`readers_init` receiver: route Markdown files to our reader, and nothing else.

    Python-Markdown is not installed, and reStructuredText or raw HTML pages would bypass
    our link checks, so those readers are switched off too.
    """
    for ext in ("md", "markdown", "mkd", "mdown", "rst", "htm", "html"):
        readers.reader_classes.pop(ext, None)
    for ext in MARKDOWN_EXTENSIONS:
        readers.reader_classes[ext] = MarkdownItReader
