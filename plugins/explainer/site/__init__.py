"""Stage 2, site: what each page shows, derived from the model.

`site_context` works out everything pages show once (statuses, timelines, indexes), `pages`
turns it into one `PageSpec` per page, with `urls` for addresses and `seo` for each page's
head; `feeds` and `data_export` make the Atom feed and the data files.
"""
