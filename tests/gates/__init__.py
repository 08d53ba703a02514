"""Quality gates: external checkers run on the built site (docs/quality-gates.md)."""
