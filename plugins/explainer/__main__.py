"""`python -m explainer ...`: see `cli` (plugins/ must be on PYTHONPATH)."""
from __future__ import annotations

import sys

from .tools.cli import main

sys.exit(main())
