"""Quality gates: independent checkers run on a built site (see docs/quality-gates.md)."""
