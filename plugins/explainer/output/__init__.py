"""Stage 3, output: writing the pages and publishing them.

`page_writer` renders the pages whose fingerprint (`fingerprints`) changed and writes them into
the spare build folder; `publish` makes OUTPUT_PATH show that folder in one atomic swap.
"""
