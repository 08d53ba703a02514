"""The explainer's Pelican plugin: our pages from events.yaml, our Markdown reader, atomic output.

Loaded from pelicanconf.py (`PLUGIN_PATHS = ["plugins"]`, `PLUGINS = ["explainer"]`).
"""
from __future__ import annotations

import logging

from pelican import signals

from .data.problems import EventsFileError, SiteError
from .glue.generator import get_generators, install_template_helpers
from .glue.reader import use_markdown_it
from .output.publish import install as install_atomic_output


class _ProblemsAreListed(logging.Filter):
    """Pelican logs the exception that ends a build with its traceback. For problems in
    events.yaml or content/, which the build has already printed one per line, and for a
    `SiteError`, whose message says what to do, nobody needs a traceback: the record becomes
    one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, EventsFileError):
            count = len(error.problems)
            record.msg = "the build stopped before writing anything: %d problem%s, listed above"
            record.args = (count, "" if count == 1 else "s")
            record.exc_info = None
        elif isinstance(error, SiteError):
            record.msg, record.args, record.exc_info = "%s", (str(error),), None
        return True


def register() -> None:
    """Connect the plugin to Pelican's signals (called once per Pelican instance)."""
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(existing, _ProblemsAreListed) for existing in pelican_logger.filters):
        pelican_logger.addFilter(_ProblemsAreListed())
    signals.initialized.connect(install_atomic_output)
    signals.readers_init.connect(use_markdown_it)
    signals.generator_init.connect(install_template_helpers)
    signals.get_generators.connect(get_generators)
