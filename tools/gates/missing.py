"""The error a gate raises when an external tool it needs is not installed."""
from __future__ import annotations

__all__ = ["ToolMissing"]


class ToolMissing(RuntimeError):
    """Java, Node, Chromium or an npm package is missing; the message says how to install it."""
