"""Command line: `python -m explainer validate [PATH] [--github]`, `translations` and `schema`.

`validate` checks the file and, when there is one beside it, the content/ folder (its country
pages and other pages, see `content_rules`); it prints each problem as
`events.yaml:LINE:COL: message` on stderr (the form editors'
tools make clickable), then a count, and exits 1; on success it prints what the file holds and
exits 0. `--github` adds GitHub Actions `::error` annotations so problems show on the lines of a
pull request.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import content_rules
from ..data.load import load_dataset
from ..data.problems import EventsFileError, Problem
from ..data.text import DEFAULT_LANGUAGE, LANGUAGES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explainer", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check events.yaml and report every problem")
    check.add_argument("path", nargs="?", default="events.yaml", help="the file to check (default: events.yaml)")
    check.add_argument("--github", action="store_true", help="also print GitHub Actions ::error annotations")
    check.add_argument("--countries", metavar="DIR", help="folder of the country pages, each country's <code>.md "
                       "(default: content/countries beside the file); content/ beside the file is checked too")
    gaps = commands.add_parser("translations", help="list, per language, the texts not yet translated")
    gaps.add_argument("path", nargs="?", default="events.yaml", help="the file to read (default: events.yaml)")
    gaps.add_argument("--lang", action="append", choices=[lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE],
                      help="only this language (repeatable; default: every language but English)")
    gaps.add_argument("--strict", action="store_true", help="exit 1 when any text is not translated")
    schema = commands.add_parser("schema", help="write schema/events.schema.json from the field definitions")
    schema.add_argument("--check", action="store_true", help="exit 1 if the committed schema is out of date")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate(args.path, github=args.github, countries=args.countries)
    if args.command == "translations":
        from .translations import report

        try:
            return report(args.path, tuple(args.lang or LANGUAGES), strict=args.strict)
        except EventsFileError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            print("fix these problems first: `python -m explainer validate`", file=sys.stderr)
            return 1
    return write_schema(check_only=args.check)


def validate(path: str, *, github: bool = False, countries: str | None = None) -> int:
    content = Path(path).parent / "content"
    folder = Path(countries) if countries else content / "countries"
    try:
        # The build's cache of entries beside the file (.cache/), when there is one: only the
        # entries changed since the last build are read again; any problem is still reported
        # by the whole-file reading, so the messages are the same.
        cache = Path(path).parent / ".cache"
        dataset = load_dataset(Path(path), display_name=path, cache_dir=cache if cache.is_dir() else None)
        if countries or content.is_dir():
            problems = content_rules.check(content, folder, [content / "pages"], dataset.countries, path)
            if problems:
                raise EventsFileError(problems)
    except EventsFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr, flush=True)
            if github:  # the Actions runner reads workflow commands from standard output
                print(github_annotation(problem), flush=True)
        count = len(error.problems)
        where = path if all(problem.path == path for problem in error.problems) else f"{path} and content/"
        print(f"{count} problem{'s' if count != 1 else ''} in {where}", file=sys.stderr)
        return 1
    print(
        f"{path} is valid: {len(dataset.countries)} countries, {len(dataset.laws)} laws, "
        f"{len(dataset.actors)} actors, {len(dataset.sources)} sources, {len(dataset.events)} events"
    )
    return 0


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that marks the problem on its line in a pull request."""
    file = _escape_property(Path(problem.path).as_posix())
    return f"::error file={file},line={problem.line},col={problem.column}::{_escape_data(problem.message)}"


def _escape_data(text: str) -> str:
    # GitHub's rules for the message part of a workflow command.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # Property values additionally escape the separators ':' and ','.
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_schema(*, check_only: bool) -> int:
    from ..data.schema import SCHEMA_PATH, render_schema
    from ..data.schema import write_schema as write

    if check_only:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != render_schema():
            print(f"{SCHEMA_PATH} is out of date: run `python -m explainer schema`", file=sys.stderr)
            return 1
        print(f"{SCHEMA_PATH} is up to date")
        return 0
    print(f"wrote {write()}")
    return 0
