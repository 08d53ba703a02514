"""Problems found in events.yaml, and the one exception the loader raises for them.

Every defect the loader finds, from a stray tab to a reference to an undefined law, becomes a
`Problem` pointing at a line and column, so an editor sees `events.yaml:12:10: message` and can
jump straight to it. The loader collects them all and raises a single `EventsFileError`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Line breaks and other control characters a message might quote from the file: shown escaped,
# so one problem is always one line (and cannot forge extra lines in a CI log).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True, slots=True, order=False)
class Problem:
    """One defect at one place in the file."""

    path: str
    """File name as shown to the editor (usually `events.yaml`)."""
    line: int
    """1-based line number."""
    column: int
    """1-based column number (in characters, not bytes)."""
    message: str
    """What is wrong and how to fix it, in plain English; always a single line."""

    def __post_init__(self) -> None:
        if _UNPRINTABLE.search(self.message):
            object.__setattr__(self, "message", _UNPRINTABLE.sub(_escape, self.message))

    @property
    def position(self) -> str:
        """`LINE:COL: message`, the form fixtures declare their expectations in."""
        return f"{self.line}:{self.column}: {self.message}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04x}")


class SiteError(Exception):
    """A build cannot go on for a reason outside events.yaml and content/ that a maintainer can
    fix (the output folder is a file, a disk is full): the message names the file and says what
    to do, and is shown without a traceback."""


class EventsFileError(Exception):
    """events.yaml (or content/) cannot be used as it is; `.problems` says every reason, file by
    file (the first problem's file first), each in line order."""

    problems: list[Problem]

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("EventsFileError needs at least one problem")
        self.problems = sorted(problems, key=lambda p: (p.path != problems[0].path, p.path, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))
