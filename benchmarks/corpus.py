"""A synthetic but valid events.yaml of any size, for the scale benchmark.

`generate(n)` returns a `Corpus`: the text of an events.yaml with `n` events across up to 50
countries, n/20 laws, n/10 actors and n/5 sources, plus a Markdown summary per country.
Everything comes from one seeded `random.Random`, so the same `n` and seed always give the
same bytes (benchmarks compare like with like, and a failing run can be replayed).

`generate(n, languages=("en", "ru"))` (what the scale benchmark builds) gives every text of
events.yaml a Russian version beside the English, as `{en: ..., ru: ...}`: each English word
becomes a made-up Cyrillic word of about the same length, the same word always the same one,
and the Markdown (emphasis, strong text, links and their addresses) is kept. The Russian
words come from a second generator seeded from the same seed, so the English texts are the
same bytes in both corpora. Each country page gets its translation too (`kg.ru.md` beside
`kg.md`), written only when asked (`Corpus.write`), for a site that reads such pages.

The YAML is written by hand rather than dumped: it reads like a file an editor keeps (block
Markdown summaries, flow lists of slugs) and every scalar that YAML 1.1 could misread
(`NO` for Norway, dates) is quoted.

Run `python benchmarks/corpus.py --events 200 [--languages en,ru] DIR` to write a project folder for a look.
"""
from __future__ import annotations

import argparse
import calendar
import json
import random
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240418

# 50 ISO 3166-1 alpha-2 codes (EU for the European Union); NO and ON-like codes on purpose,
# because an unquoted `NO` is a YAML 1.1 boolean.
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("KG", "Kyrgyzstan"), ("KZ", "Kazakhstan"), ("RU", "Russia"), ("US", "United States"),
    ("EU", "European Union"), ("UZ", "Uzbekistan"), ("TJ", "Tajikistan"), ("TM", "Turkmenistan"),
    ("AZ", "Azerbaijan"), ("AM", "Armenia"), ("GE", "Georgia"), ("BY", "Belarus"),
    ("UA", "Ukraine"), ("MD", "Moldova"), ("TR", "Turkey"), ("IR", "Iran"), ("PK", "Pakistan"),
    ("IN", "India"), ("BD", "Bangladesh"), ("NP", "Nepal"), ("CN", "China"), ("MN", "Mongolia"),
    ("ID", "Indonesia"), ("MY", "Malaysia"), ("VN", "Vietnam"), ("PH", "Philippines"),
    ("AU", "Australia"), ("NZ", "New Zealand"), ("CA", "Canada"), ("MX", "Mexico"),
    ("BR", "Brazil"), ("AR", "Argentina"), ("GB", "United Kingdom"), ("FR", "France"),
    ("DE", "Germany"), ("NL", "Netherlands"), ("BE", "Belgium"), ("DK", "Denmark"),
    ("NO", "Norway"), ("SE", "Sweden"), ("FI", "Finland"), ("EE", "Estonia"), ("LV", "Latvia"),
    ("LT", "Lithuania"), ("PL", "Poland"), ("SN", "Senegal"), ("SO", "Somalia"),
    ("KE", "Kenya"), ("JO", "Jordan"), ("AF", "Afghanistan"),
)

EVENT_KINDS = (
    "proposal", "statement", "order", "block", "pause", "negotiation", "law-passed",
    "law-signed", "law-in-force", "draft-law", "investigation", "decision", "moderation",
    "withdrawal", "report",
)
TIKTOK_STATUSES = (
    "available", "under-discussion", "under-investigation", "restricted",
    "ordered-to-divest", "blocked",
)
LAW_STATUSES = ("draft", "passed", "signed", "in-force", "repealed")
ACTOR_KINDS = ("person", "authority", "company", "organisation")

# Vocabulary for filler prose. Neutral, generic civic wording; no sentence from any seed.
_SUBJECTS = (
    "The ministry", "A regulator", "The parliament committee", "A deputy", "The company",
    "A digital rights group", "The prosecutor's office", "A court", "The communications agency",
    "A university rector", "The security service", "An industry association",
)
_VERBS = (
    "asked", "told", "ordered", "reminded", "notified", "warned", "invited", "urged",
    "instructed", "informed",
)
_OBJECTS = (
    "internet providers", "the platform", "schools", "parents", "local operators",
    "app stores", "content moderators", "journalists", "the public", "lawmakers",
)
_PURPOSES = (
    "to restrict access to the application", "to remove a set of videos",
    "to publish a report on child safety", "to open a local office",
    "to store user data inside the country", "to answer questions within ten days",
    "to pause the measure for thirty days", "to register as a foreign platform",
    "to appoint a local representative", "to review the age checks it applies",
)
_CLAUSES = (
    "citing concerns about children", "after a hearing in the capital",
    "according to a statement published the same day", "without giving a deadline",
    "pending a review by the government", "in a letter seen by reporters",
    "following complaints from parents", "while talks with the company continued",
    "as part of a wider review of online platforms", "under the new rules",
)
_EMPHASIS = (
    "temporary", "preliminary", "binding", "voluntary", "partial", "nationwide", "regional",
)
_LINK_TEXTS = ("the full text", "the official notice", "a summary", "the report", "the statement")


@dataclass
class Corpus:
    """One generated project: the events.yaml text and the Markdown per country."""

    n: int
    events_yaml: str
    country_pages: dict[str, str]
    """Country code -> Markdown of content/countries/<code>.md."""
    event_ids: list[str] = field(default_factory=list)
    """Ids in file order."""
    countries: tuple[tuple[str, str], ...] = COUNTRIES
    translated_pages: dict[str, dict[str, str]] = field(default_factory=dict)
    """Language -> country code -> Markdown of content/countries/<code>.<lang>.md."""

    def write(self, project: Path, pages_from: Path | None = None, *, translated_pages: bool = True) -> None:
        """Write events.yaml and content/ into `project`; copy the real content/pages if given.
        `translated_pages=False` leaves out the country pages' translations."""
        project.mkdir(parents=True, exist_ok=True)
        (project / "events.yaml").write_text(self.events_yaml, encoding="utf-8")
        countries_dir = project / "content" / "countries"
        countries_dir.mkdir(parents=True, exist_ok=True)
        for code, text in self.country_pages.items():
            (countries_dir / f"{code.lower()}.md").write_text(text, encoding="utf-8")
        for lang, pages in self.translated_pages.items() if translated_pages else ():
            for code, text in pages.items():
                (countries_dir / f"{code.lower()}.{lang}.md").write_text(text, encoding="utf-8")
        if pages_from is not None and pages_from.is_dir():
            shutil.copytree(pages_from, project / "content" / "pages", dirs_exist_ok=True)


LANGUAGES = ("en", "ru")
"""Languages a corpus may be generated in: English, and optionally Russian beside it."""

_CYRILLIC_CONSONANTS = "бвгдзклмнпрстфхцчшж"
_CYRILLIC_VOWELS = "аеиоуыяэю"
_ENGLISH_WORD = re.compile(r"[A-Za-z]+(?:'s)?")
_LINK_TARGET = re.compile(r"(\]\([^)]*\))")
_KEPT_WORDS = frozenset({"TikTok"})
"""Names the Russian texts keep in Latin letters, as the real ones do."""


class Translation:
    """Made-up Russian for the corpus's English: each English word maps to one Cyrillic word
    of about its length (drawn from `rng` the first time the word is seen), capitals kept;
    digits, punctuation, Markdown and link addresses pass through."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words: dict[str, str] = {}

    def word(self, english: str) -> str:
        if english in _KEPT_WORDS:
            return english
        key = english.lower()
        russian = self.words.get(key)
        if russian is None:
            # Russian words run a little longer than English ones.
            length = max(1, round(len(key) * self.rng.uniform(1.0, 1.4)))
            letters = []
            vowel = self.rng.random() < 0.3
            for _ in range(length):
                letters.append(self.rng.choice(_CYRILLIC_VOWELS if vowel else _CYRILLIC_CONSONANTS))
                vowel = not vowel if self.rng.random() < 0.8 else vowel
            russian = self.words[key] = "".join(letters)
        return russian.capitalize() if english[0].isupper() else russian

    def __call__(self, text: str) -> str:
        parts = _LINK_TARGET.split(text)  # odd parts are "](address)": kept as they are
        return "".join(
            part if index % 2 else _ENGLISH_WORD.sub(lambda match: self.word(match.group()), part)
            for index, part in enumerate(parts)
        )


class _Texts:
    """Writes translatable fields: a plain string in an English corpus, {en: ..., ru: ...}
    in a two-language one."""

    def __init__(self, languages: tuple[str, ...], seed: int) -> None:
        if languages[:1] != ("en",) or not set(languages) <= set(LANGUAGES) or len(set(languages)) != len(languages):
            raise ValueError(f"languages must be 'en' optionally followed by 'ru', not {languages!r}")
        self.other = languages[1:]
        self.translate = Translation(random.Random(f"{seed}:ru"))

    def line(self, indent: str, key: str, english: str, *, quote: bool = True) -> str:
        """`key: text` on one line (`quote=False`: plain in an English corpus, for a text YAML
        cannot misread)."""
        if not self.other:
            return f"{indent}{key}: {q(english) if quote else english}"
        return f"{indent}{key}: {{en: {q(english)}, ru: {q(self.translate(english))}}}"

    def block(self, indent: str, key: str, lines: list[str]) -> list[str]:
        """`key: |` and a literal block of Markdown lines (one block per language)."""
        if not self.other:
            return [f"{indent}{key}: |", *(f"{indent}  {line}" if line else "" for line in lines)]
        out = [f"{indent}{key}:", f"{indent}  en: |", *(f"{indent}    {line}" if line else "" for line in lines)]
        out.append(f"{indent}  ru: |")
        out += [f"{indent}    {self.translate(line)}" if line else "" for line in lines]
        return out


CHECKED = "2025-01-31"
"""Every country's checked date: after every event date `_date` can give (2024 at the latest)."""


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def flow(values: list[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def _date(rng: random.Random, *, day_share: float = 0.7, month_share: float = 0.2) -> tuple[str, tuple[int, int, int]]:
    """A partial date between 2015 and 2024 at day, month or year precision."""
    year = rng.randint(2015, 2024)
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    roll = rng.random()
    if roll < day_share:
        return f"{year:04d}-{month:02d}-{day:02d}", (year, month, day)
    if roll < day_share + month_share:
        return f"{year:04d}-{month:02d}", (year, month, 0)
    return f"{year:04d}", (year, 0, 0)


def _later(rng: random.Random, start: tuple[int, int, int]) -> str:
    """A day-precision date strictly after every day `start` may stand for."""
    year = start[0] + 1 + rng.randint(0, 1)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
        f"{rng.choice(_PURPOSES)}, {rng.choice(_CLAUSES)}."
    )


def _summary(rng: random.Random, words: int, source_url: str) -> list[str]:
    """Markdown lines of about `words` words, with emphasis, strong text and one link."""
    sentences: list[str] = []
    count = 0
    while count < words:
        sentence = _sentence(rng)
        sentences.append(sentence)
        count += len(sentence.split())
    # Emphasis and a link, placed where an editor would put them.
    sentences[0] = sentences[0].replace(" ", f" *{rng.choice(_EMPHASIS)}* ", 1) if rng.random() < 0.5 else sentences[0]
    sentences[-1] = f"See [{rng.choice(_LINK_TEXTS)}]({source_url}). " + sentences[-1]
    if len(sentences) > 2:
        sentences[1] = f"**{sentences[1]}**"
    # Wrap as an editor's file would: a few sentences per line, a paragraph break midway.
    lines: list[str] = []
    half = len(sentences) // 2
    lines.append(" ".join(sentences[:half]))
    lines.append("")
    lines.append(" ".join(sentences[half:]))
    return lines


def generate(n: int = 10_000, seed: int = SEED, languages: tuple[str, ...] = ("en",)) -> Corpus:
    """Build the corpus for `n` events (n >= 20 keeps every collection non-empty), its texts in
    `languages` (English, or English and Russian)."""
    rng = random.Random(seed)
    texts = _Texts(tuple(languages), seed)
    n_laws = max(1, n // 20)
    n_actors = max(1, n // 10)
    n_sources = max(1, n // 5)
    # Every listed country must be named by an event and given a status (dataset_rules): the
    # first events go two to each country, each setting its status (so removing one event
    # leaves the country valid), and a small corpus lists only the countries it can cover.
    listed = COUNTRIES[:max(1, n // 2)]
    codes = [code for code, _ in listed]
    out: list[str] = [
        "# yaml-language-server: $schema=./schema/events.schema.json",
        f"# Synthetic corpus for the scale benchmark: {n} events, seed {seed}"
        + (f", texts in {', '.join(languages)}" if texts.other else "") + ". Not real facts.",
        "",
        "countries:",
    ]
    source_slugs = [f"source-{i:05d}" for i in range(1, n_sources + 1)]
    source_urls = {slug: f"https://news.example.org/{slug[-5:]}/report-{slug[-5:]}.html" for slug in source_slugs}

    for code, name in listed:
        out.append(f"  {q(code)}:")
        out.append(texts.line("    ", "name", name))
        out.append(f"    checked: {q(CHECKED)}")
        if rng.random() < 0.5:
            out.append("    figures:")
            year = rng.randint(2019, 2024)
            out.append(texts.line("      - ", "label", "TikTok users", quote=False))
            out.append(f"        value: {rng.randint(10_000, 90_000_000)}")
            out.append(f"        date: {q(str(year))}")
            out.append(f"        sources: {flow(rng.sample(source_slugs, 1))}")
            out.append(texts.line("      - ", "label", "Population", quote=False))
            out.append(f"        value: {rng.randint(300_000, 300_000_000)}")
            out.append(f"        date: {q(str(year))}")
            out.append(f"        sources: {flow(rng.sample(source_slugs, 1))}")

    out.append("")
    out.append("laws:")
    law_slugs: list[str] = []
    laws_by_country: dict[str, list[str]] = {code: [] for code in codes}
    for i in range(1, n_laws + 1):
        code = codes[(i - 1) % len(codes)] if i <= len(codes) else rng.choice(codes)
        slug = f"{code.lower()}-law-{i:04d}"
        law_slugs.append(slug)
        laws_by_country[code].append(slug)
        topic = rng.choice((
            "online platforms", "child protection", "personal data", "mass media", "information security",
            "foreign agents",
        ))
        out.append(f"  {slug}:")
        out.append(texts.line("    ", "official_name", f"Law No. {i} on {topic} and amendments to related acts"))
        out.append(texts.line("    ", "short_name", f"{topic.capitalize()} law {i}"))
        out.append(f"    country: {q(code)}")
        out += texts.block("    ", "summary", _summary(rng, 50, source_urls[rng.choice(source_slugs)]))
        status = rng.choice(LAW_STATUSES)
        out.append(f"    status: {status}")
        if status != "draft":
            passed, parts = _date(rng, day_share=0.6, month_share=0.3)
            out.append(f"    passed: {q(passed)}")
            if status != "passed":
                out.append(f"    signed: {q(_later(rng, parts))}")
        if rng.random() < 0.1:
            out.append(texts.line(
                "    ", "date_dispute", "One source gives an earlier date for the vote than the official gazette."))
        out.append(f"    sources: {flow(rng.sample(source_slugs, min(len(source_slugs), rng.randint(1, 3))))}")

    out.append("")
    out.append("actors:")
    actor_slugs: list[str] = []
    for i in range(1, n_actors + 1):
        kind = rng.choice(ACTOR_KINDS)
        slug = f"{kind}-{i:05d}"
        actor_slugs.append(slug)
        name = f"Person {i}" if kind == "person" else f"{kind.capitalize()} {i}"
        out.append(f"  {slug}:")
        out.append(texts.line("    ", "name", name))
        out.append(f"    kind: {kind}")
        role = rng.choice(
            ("Minister", "Member of parliament", "Spokesperson", "Regulator", "Platform", "Lawyer", "Rector")
        )
        out.append(texts.line("    ", "role", role))
        if kind != "company" or rng.random() < 0.5:
            out.append(f"    country: {q(rng.choice(codes))}")
        if rng.random() < 0.3:
            out.append(f"    sources: {flow(rng.sample(source_slugs, 1))}")

    out.append("")
    out.append("sources:")
    for i, slug in enumerate(source_slugs, start=1):
        out.append(f"  {slug}:")
        out.append(texts.line("    ", "title", f"Report {i} on platform regulation"))
        publisher = rng.choice(
            ("Example News", "Regional Review", "Daily Ledger", "Official Gazette", "Policy Monitor")
        )
        out.append(texts.line("    ", "publisher", publisher))
        if rng.random() < 0.6:
            out.append(f"    author: {q(f'Author {rng.randint(1, 500)}')}")
        if rng.random() < 0.9:
            published, _ = _date(rng, day_share=0.8, month_share=0.15)
            out.append(f"    published: {q(published)}")
        out.append(f"    url: {q(source_urls[slug])}")

    out.append("")
    out.append("events:")
    event_ids: list[str] = []
    for i in range(1, n + 1):
        covering = i <= 2 * len(codes)
        primary = codes[(i - 1) % len(codes)] if covering else rng.choice(codes)
        countries = [primary] + ([rng.choice([c for c in codes if c != primary])] if rng.random() < 0.3 else [])
        kind = rng.choice(EVENT_KINDS)
        event_id = f"{primary.lower()}-{kind}-{i:05d}"
        event_ids.append(event_id)
        date, parts = _date(rng)
        sources = rng.sample(source_slugs, min(len(source_slugs), rng.randint(1, 4)))
        local_laws = laws_by_country[primary] or law_slugs
        laws = sorted(set(rng.choices(local_laws, k=rng.randint(0, 3))))
        actors = rng.sample(actor_slugs, min(len(actor_slugs), rng.randint(0, 3)))
        out.append(f"  - id: {event_id}")
        out.append(f"    date: {q(date)}")
        if rng.random() < 0.05:
            out.append(f"    end_date: {q(_later(rng, parts))}")
        if parts[2] == 0 and rng.random() < 0.3:
            out.append(texts.line("    ", "date_note", "The source gives only the month or the year."))
        if rng.random() < 0.03:
            out.append(texts.line("    ", "date_dispute", "Two sources give dates a week apart."))
        title = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} ({i})"
        out.append(texts.line("    ", "title", title))
        out += texts.block("    ", "summary", _summary(rng, 80, source_urls[sources[0]]))
        out.append(f"    kind: {kind}")
        out.append(f"    countries: {flow(countries)}")
        if laws:
            out.append(f"    laws: {flow(laws)}")
        if actors:
            out.append(f"    actors: {flow(actors)}")
        out.append(f"    sources: {flow(sources)}")
        if actors and rng.random() < 0.15:
            out.append("    quotes:")
            out.append(texts.line("      - ", "text", _sentence(rng).rstrip(".")))
            out.append(f"        by: {actors[0]}")
            out.append(f"        source: {sources[0]}")
        if covering or rng.random() < 0.15:
            out.append("    tiktok_status:")
            out.append(f"      {q(primary)}: {rng.choice(TIKTOK_STATUSES)}")
    out.append("")

    country_pages = {}
    translated: dict[str, dict[str, str]] = {lang: {} for lang in texts.other}
    for code, name in listed:
        body = "\n".join(_summary(rng, 150, source_urls[rng.choice(source_slugs)]))
        summary = _sentence(rng)
        country_pages[code] = f"Title: {name}\nCountry: {code}\nSummary: {summary}\n\n{body}\n"
        for pages in translated.values():
            pages[code] = (f"Title: {texts.translate(name)}\nCountry: {code}\nSummary: {texts.translate(summary)}\n\n"
                           f"{texts.translate(body)}\n")
    return Corpus(n=n, events_yaml="\n".join(out), country_pages=country_pages, event_ids=event_ids,
                  countries=listed, translated_pages=translated)


EDIT_MARKER = "Benchmark edit: this sentence was added to one summary."
EDIT_MARKERS: Mapping[str, str] = {
    "en": EDIT_MARKER,
    "ru": "Правка для замера: это предложение добавлено в одну сводку.",
}
"""What `edit_summary` adds to each language's text of the summary."""


def edit_summary(events_yaml: str, event_id: str, markers: Mapping[str, str] = EDIT_MARKERS) -> str:
    """Return `events_yaml` with a marker prepended to the summary of event `event_id`, in every
    language the summary has (`markers[lang]`, else the English marker)."""
    lines = events_yaml.split("\n")
    start = lines.index(f"  - id: {event_id}")
    for index in range(start + 1, len(lines)):
        if lines[index] == "    summary: |":  # English only
            lines[index + 1] = f"      {markers['en']} {lines[index + 1].lstrip()}"
            return "\n".join(lines)
        if lines[index] == "    summary:":  # {en: |, ru: |, ...}, one block each
            edited = 0
            for inner in range(index + 1, len(lines)):
                line = lines[inner]
                if line and not line.startswith("      "):
                    break
                if line.startswith("      ") and line[6:7] != " " and line.endswith(": |"):
                    lang = line.strip().removesuffix(": |")
                    marker = markers.get(lang, markers["en"])
                    lines[inner + 1] = f"        {marker} {lines[inner + 1].lstrip()}"
                    edited += 1
            if edited:
                return "\n".join(lines)
            break
        if lines[index].startswith("  - id: "):
            break
    raise ValueError(f"event {event_id} has no block summary")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--languages", default="en",
                        help="languages of the texts, comma-separated: en (default) or en,ru")
    parser.add_argument("project", type=Path, help="folder to write events.yaml and content/ into")
    args = parser.parse_args()
    languages = tuple(lang.strip() for lang in args.languages.split(",") if lang.strip())
    corpus = generate(args.events, args.seed, languages)
    corpus.write(args.project)
    print(f"wrote {args.events} events in {', '.join(languages)} to {args.project}")


if __name__ == "__main__":
    main()
