"""The explainer's Pelican plugin: our pages from events.yaml, our Markdown reader, atomic output.

Loaded from pelicanconf.py (`PLUGIN_PATHS = ["plugins"]`, `PLUGINS = ["explainer"]`).
"""
from __future__ import annotations

from pelican import signals

from .generator import get_generators, install_template_helpers
from .output_swap import install as install_atomic_output
from .reader import use_markdown_it


def register() -> None:
    """Connect the plugin to Pelican's signals (called once per Pelican instance)."""
    signals.initialized.connect(install_atomic_output)
    signals.readers_init.connect(use_markdown_it)
    signals.generator_init.connect(install_template_helpers)
    signals.get_generators.connect(get_generators)
