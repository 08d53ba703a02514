"""Stage 5, tools for editors and maintainers: `python -m explainer` (`cli`), `new-event`
(`scaffold`) and the preview's build server (`build_server`)."""
