"""content/ checked like events.yaml: every problem a `content/countries/kg.md:LINE:COL: message`.

Editors and contributors write the Markdown pages of `content/`: one page per country in the
countries folder (named by the country's code, `kg.md`) and the other pages (About) in
`content/pages/`. Pelican would read them as it finds them: follow a symbolic link out of the
checkout, drop a file that is not UTF-8 with a logged error and still exit 0, save a page wherever
its `Save_as` says, and turn a `javascript:` link into plain text without a word. So the build
checks the whole folder first (`check`), and stops before anything is written when a rule is
broken, as it does for events.yaml:

- no symbolic link anywhere, and nothing but regular files and folders;
- Markdown files only, in the countries folder or a page folder, each at most `MAX_BYTES`;
- UTF-8 text without control characters, reported at the line and column of the bad byte;
- metadata lines first (`Title: ...`), with only the names the folder allows, each once and
  with a value: nothing that names a path, a template or a status;
- a country page named after a country of events.yaml, saying so in its `Country:` line, and a
  page for every country; a page's slug a plain slug that no part of the site uses;
- a translation named after its English page and its language (`kg.ru.md`, `about.ru.md`), in a
  language texts may have, beside that page, and without a slug of its own;
- links and images by the rules of `markdown.link_problems`, and some text after the metadata.
"""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .fields import CODE_PATTERN, MAX_SLUG_LENGTH, SLUG_PATTERN, TEXT_CONTROL_CHARACTERS
from .markdown import link_problems
from .model import Country
from .problems import Problem
from .text import DEFAULT_LANGUAGE, LANGUAGES

MAX_BYTES = 1_000_000
"""Largest content file: a country page is a few kilobytes; more is a mistake (or an attack)."""
COUNTRY_FIELDS = ("title", "country", "summary")
"""Metadata of a country page, all required: its heading, its code, one sentence for link previews."""
PAGE_FIELDS = ("title", "slug", "description")
"""Metadata a page may have; only the title is required (the slug defaults to the file name)."""
MARKDOWN_SUFFIXES = (".md", ".markdown")
RESERVED_SLUGS = frozenset({"timeline", "countries", "events", "laws", "actors", "sources", "feeds", "data",
                            "theme", "404", "index", "sitemap", "robots"})
"""First path segments the explainer's own pages and files use: a page there would replace them."""

_META_LINE = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_-]*):\s*(?P<value>.*)")
_CONTROL = re.compile(TEXT_CONTROL_CHARACTERS)  # a carriage return is a line end in Markdown
_SLUG = re.compile(SLUG_PATTERN)
_CODE = re.compile(CODE_PATTERN)
_LANGUAGE_SUFFIX = re.compile(r"\.([a-z]{2,3})")
"""A file's second suffix that names a language: `about.ru.md`."""


def language_of(path: Path) -> tuple[str, str]:
    """(the name of the English page, the language) of a content file: `kg.ru.md` is the Russian
    translation of `kg`, `kg.md` the English page."""
    stem = path.stem
    found = _LANGUAGE_SUFFIX.fullmatch(Path(stem).suffix)
    return (Path(stem).stem, found.group(1)) if found else (stem, DEFAULT_LANGUAGE)


@dataclass(frozen=True, slots=True)
class MetaField:
    """One `Key: value` line at the head of a content file."""

    key: str
    """Lower-cased, as Pelican reads it."""
    value: str
    line: int
    value_column: int


@dataclass(frozen=True, slots=True)
class PageText:
    """A content file split into its metadata lines and its Markdown body."""

    fields: tuple[MetaField, ...]
    body: str
    body_line: int
    """Line of the file where the body starts (1-based)."""

    @property
    def metadata(self) -> dict[str, str]:
        """Key -> value; a repeated key keeps its last value, as Pelican's readers do."""
        return {field.key: field.value for field in self.fields}


def parse_page(text: str) -> PageText:
    """Leading `Key: value` lines up to the first blank line (or the first line that is not
    one) are metadata; the rest is the Markdown body."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    fields: list[MetaField] = []
    index = 0
    for index, line in enumerate(lines):
        if not line.strip():
            index += 1
            break
        match = _META_LINE.fullmatch(line.rstrip("\r\n"))
        if match is None:
            break
        value = match["value"].strip()
        fields.append(MetaField(match["key"].lower(), value, index + 1,
                                match.start("value") + 1 + (len(match["value"]) - len(match["value"].lstrip()))))
    else:
        index = len(lines)
    return PageText(tuple(fields), "".join(lines[index:]), index + 1)


def check(content: Path, countries_dir: Path, page_dirs: Iterable[Path], countries: Mapping[str, Country],
          events_path: str) -> list[Problem]:
    """Every problem in `content` (the folder Pelican reads), the countries folder and the page
    folders, and every country of events.yaml without a page (reported at its line there)."""
    checker = _Checker(countries)
    country_dir = _absolute(countries_dir)
    pages = [_absolute(folder) for folder in page_dirs]
    root = _absolute(content)
    checker.walk(root, country_dir, pages)
    if not country_dir.is_relative_to(root):
        checker.walk(country_dir, country_dir, pages)
    for code, country in countries.items():
        page = countries_dir / f"{code.lower()}.md"
        if not page.is_file() and not page.is_symlink():
            checker.problems.append(Problem(
                events_path, country.line or 1, 3,
                f"country {code!r} has no page: write {shown(page)} (lines 'Title: {country.name.en}', "
                f"'Country: {code}' and 'Summary: ...', a blank line, then the text; see CONTRIBUTING.md, "
                "Country pages)"))
    return checker.problems


def links_in(paths: Iterable[Path]) -> list[Problem]:
    """A problem for each symbolic link among `paths` or inside those that are folders: the other
    inputs that reach the site (events.yaml and its schema, published as data files; the theme,
    whose static files are copied) must not bring in a file from outside the repository either."""
    checker = _Checker({})
    for path in paths:
        path = _absolute(path)
        if path.is_symlink():
            checker.refuse_link(path)
        elif path.is_dir():
            for folder, folders, files in os.walk(path, followlinks=False):
                for name in sorted(folders + files):
                    if (Path(folder) / name).is_symlink():
                        checker.refuse_link(Path(folder) / name)
    return checker.problems


def shown(path: Path) -> str:
    """A path as problems print it: relative to the working directory when it is under it, so an
    editor sees `content/countries/kg.md:3:1: ...`, not a long absolute path."""
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        return path.relative_to(Path.cwd()).as_posix()
    return path.as_posix()


def _absolute(path: Path) -> Path:
    # Made absolute without resolving links: a linked folder must be seen as a link.
    return Path(os.path.abspath(path))


class _Checker:
    def __init__(self, countries: Mapping[str, Country]) -> None:
        self.countries = countries
        self.problems: list[Problem] = []
        self.slugs: dict[str, str] = {}
        """Page slug -> the file that claims it."""

    def report(self, path: Path, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(shown(path), line, column, message))

    def walk(self, root: Path, country_dir: Path, page_dirs: list[Path]) -> None:
        if root.is_symlink():
            self.refuse_link(root)
            return
        if not root.is_dir():
            return
        for folder, folders, files in os.walk(root, followlinks=False):
            here = Path(folder)
            for name in sorted(folders):
                if (here / name).is_symlink():
                    self.refuse_link(here / name)
            folders[:] = sorted(name for name in folders if not name.startswith(".") and not (here / name).is_symlink())
            for name in sorted(files):
                path = here / name
                if path.is_symlink():
                    self.refuse_link(path)
                elif not name.startswith("."):  # Pelican ignores hidden files (IGNORE_FILES)
                    self.check_file(path, country_dir, page_dirs)

    def refuse_link(self, path: Path) -> None:
        target = os.readlink(path)
        self.report(path, 1, 1, f"is a symbolic link (to {target!r}); links are refused, so that nothing outside "
                                "the repository can be published: replace it with the file itself")

    def check_file(self, path: Path, country_dir: Path, page_dirs: list[Path]) -> None:
        mode = path.lstat().st_mode
        if not stat.S_ISREG(mode):
            self.report(path, 1, 1, "is not a regular file (a pipe, socket or device): remove it")
            return
        if path == country_dir or path in page_dirs:
            self.report(path, 1, 1, "should be a folder of Markdown pages, not a file: move the file away and "
                                    "make the folder")
            return
        if path.parent == country_dir:
            kind = "countries"
        elif any(path.is_relative_to(folder) for folder in page_dirs):
            kind = "pages"
        else:
            self.report(path, 1, 1, f"is not read: country pages go in {shown(country_dir)}/ and other pages in "
                                    f"{' or '.join(shown(folder) + '/' for folder in page_dirs)}; move or remove it")
            return
        allowed = (".md",) if kind == "countries" else MARKDOWN_SUFFIXES  # country pages are <code>.md
        if path.suffix.lower() not in allowed:
            self.report(path, 1, 1, "is not a Markdown page: only .md files are read here; rename it to .md or "
                                    "remove it")
            return
        if path.stat().st_size > MAX_BYTES:
            self.report(path, 1, 1, f"is {path.stat().st_size:,} bytes, over the limit of {MAX_BYTES:,} for a page: "
                                    "is this the right file?")
            return
        text = self.decoded(path)
        if text is None:
            return
        page = parse_page(text)
        original, lang = language_of(path)
        if original != path.stem and not self.check_translation(path, original, lang):
            return
        if kind == "countries":
            self.check_country(path, original, page)
        else:
            self.check_page(path, page, translation=original != path.stem)
        self.check_body(path, page)

    def check_translation(self, path: Path, original: str, lang: str) -> bool:
        """A translation names a language texts may have and sits beside its English page."""
        others = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
        if lang not in others:
            self.report(path, 1, 1, f"the file name gives the language {lang!r}, which is not one of those a "
                                    f"translation may have ({', '.join(others)}); an English page is named "
                                    f"without one ({original}{path.suffix})")
            return False
        if not any((path.parent / f"{original}{suffix}").is_file() for suffix in MARKDOWN_SUFFIXES):
            self.report(path, 1, 1, f"is a translation of {original}{path.suffix}, which is not in "
                                    f"{shown(path.parent)}/: write the English page first, or correct the name")
            return False
        return True

    def decoded(self, path: Path) -> str | None:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line, column = _position(data, error.start)
            self.report(path, line, column, f"is not UTF-8: the byte 0x{data[error.start]:02X} here cannot be read; "
                                            "save the file with the UTF-8 encoding")
            return None
        control = _CONTROL.search(text.removeprefix("\ufeff").replace("\r\n", "\n"))
        if control is not None:
            offset = control.start() + (1 if text.startswith("\ufeff") else 0)
            before = text.replace("\r\n", "\n")[:offset]
            self.report(path, before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1,
                        f"holds the invisible control character U+{ord(control.group()):04X}: remove it")
            return None
        return text

    def check_metadata(self, path: Path, page: PageText, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
        if not page.fields:
            self.report(path, 1, 1, "starts without metadata: begin with lines such as "
                                    f"'{allowed[0].capitalize()}: ...', then a blank line, then the text")
            return
        seen: dict[str, int] = {}
        for field in page.fields:
            if field.key not in allowed:
                self.report(path, field.line, 1, f"unknown metadata {field.key.capitalize()!r}; a page here may have "
                                                 f"{', '.join(name.capitalize() for name in allowed)}")
            elif field.key in seen:
                self.report(path, field.line, 1, f"{field.key.capitalize()!r} is given twice (first on line "
                                                 f"{seen[field.key]}): keep one")
            elif not field.value:
                self.report(path, field.line, 1,
                            f"{field.key.capitalize()!r} has no value: write one, or remove the line")
            seen.setdefault(field.key, field.line)
        for name in required:
            if name not in seen:
                self.report(path, 1, 1, f"has no {name.capitalize()!r} line: add '{name.capitalize()}: ...' "
                                        "to the metadata at the top")

    def check_country(self, path: Path, original: str, page: PageText) -> None:
        self.check_metadata(path, page, COUNTRY_FIELDS, COUNTRY_FIELDS)
        code = original.upper()
        if not _CODE.fullmatch(code) or code not in self.countries:
            known = ", ".join(f"{key.lower()}.md" for key in self.countries)
            self.report(path, 1, 1, f"names no country of events.yaml: a country page is named after its code "
                                    f"({known}); add the country to events.yaml first, or rename the file")
            return
        for field in page.fields:
            if field.key == "country" and field.value and field.value != code:
                self.report(path, field.line, field.value_column,
                            f"'Country: {field.value}' does not match the file name: write 'Country: {code}'")

    def check_page(self, path: Path, page: PageText, translation: bool = False) -> None:
        if translation:
            # Its address is its English page's, in the edition of its language.
            for field in page.fields:
                if field.key == "slug":
                    self.report(path, field.line, 1, "a translation has the address of its English page: remove "
                                                     "the 'Slug' line")
            fields = tuple(field for field in page.fields if field.key != "slug")
            self.check_metadata(path, PageText(fields, page.body, page.body_line),
                                tuple(name for name in PAGE_FIELDS if name != "slug"), ("title",))
            return
        self.check_metadata(path, page, PAGE_FIELDS, ("title",))
        given = next((field for field in page.fields if field.key == "slug"), None)
        slug = given.value if given is not None and given.value else path.stem
        line, column = (given.line, given.value_column) if given is not None else (1, 1)
        if not _SLUG.fullmatch(slug) or len(slug) > MAX_SLUG_LENGTH:
            where = "its slug" if given is not None else "the file name (its slug)"
            self.report(path, line, column, f"{where} {slug!r} is not a plain slug: use lower-case letters, digits "
                                            f"and single hyphens, at most {MAX_SLUG_LENGTH} characters")
        elif slug in RESERVED_SLUGS:
            self.report(path, line, column, f"the slug {slug!r} is used by the site's own pages: choose another")
        elif slug in self.slugs:
            self.report(path, line, column, f"the slug {slug!r} is already used by {self.slugs[slug]}: choose another")
        else:
            self.slugs[slug] = shown(path)

    def check_body(self, path: Path, page: PageText) -> None:
        if not page.body.strip():
            self.report(path, page.body_line, 1, "has no text after its metadata: write the page below a blank line")
            return
        for problem in link_problems(page.body):
            before = page.body[:problem.offset]
            self.report(path, page.body_line + before.count("\n"), problem.offset - (before.rfind("\n") + 1) + 1,
                        problem.message)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of byte `offset` of a file that is UTF-8 up to there."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
