"""Stage 1, data: events.yaml and content/ read, checked, and turned into the typed model.

`yamlsource` reads the bytes, `fields` describes every record, `read_values`, `validate` and
`build` read the node tree by it (values, then references, then model objects, with `light`
and `messages` between them), `dataset_rules` and
`content_rules` check what spans entries and the Markdown pages, `load` ties it together
(with `entry_cache` for unchanged entries), and `model` holds the frozen dataclasses the later
stages read. Nothing here knows about pages.
"""
