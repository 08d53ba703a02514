"""Stage 4, glue: where Pelican calls us.

`generator` is the Pelican generator that loads the data, builds the site context and hands
the pages to `output`; `reader` reads content/ Markdown with markdown-it-py.
"""
