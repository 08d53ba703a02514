"""Pelican settings for the published site: `pelican content -s publishconf.py`.

Everything from pelicanconf.py, plus an absolute SITEURL taken from the environment, which
may include a project subpath (https://ORG.github.io/REPO): every link is SITEURL + '/' + path.
"""
from __future__ import annotations

import os
import runpy

# Loaded by path, not `from pelicanconf import *`, so it works whatever the current
# directory and never picks up a pelicanconf module imported earlier from elsewhere.
_base = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pelicanconf.py"))
globals().update({name: value for name, value in _base.items() if name.isupper()})

SITEURL = os.environ.get("SITEURL", "https://example.org").rstrip("/")
RELATIVE_URLS = False
