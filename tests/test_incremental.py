"""An incremental rebuild writes exactly what a clean build of the same input writes.

Builds run as editors run them: `pelican` in a child process, into an output folder that
already holds the previous site (and with whatever caches the previous build left). The
result is compared, file by file and byte by byte, with a clean build of the edited input
in a fresh copy of the project (no output, no caches).
"""
from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks import corpus as corpus_mod
from benchmarks import scale
from explainer.data.text import Text
from explainer.output.caches import SAVE_MINIMUM, LineStore, MarkdownStore
from explainer.output.digests import Digester
from tests.site_sample import sample_dataset

N_EVENTS = 60


def _build(project: Path, output: Path, settings: dict[str, object] | None = None) -> None:
    result = subprocess.run(
        scale.our_build_command(project, output, settings), cwd=project, env=scale.build_env(),
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _tree(output: Path) -> dict[str, bytes]:
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def corpus() -> corpus_mod.Corpus:
    return corpus_mod.generate(N_EVENTS)


def _replace_line(text: str, startswith: str, new_line: str, after: str = "") -> str:
    """`text` with the first line starting with `startswith` (after the line `after`) replaced."""
    lines = text.split("\n")
    start = lines.index(after) if after else 0
    for index in range(start, len(lines)):
        if lines[index].startswith(startswith):
            lines[index] = new_line
            return "\n".join(lines)
    raise AssertionError(f"no line starts with {startswith!r}")


def _edits(corpus: corpus_mod.Corpus) -> dict[str, str]:
    """Edited versions of events.yaml, each touching what a different set of pages shows."""
    text = corpus.events_yaml
    middle = corpus.event_ids[N_EVENTS // 2]
    last = corpus.event_ids[-1]
    removed = text.split("\n")
    first = removed.index(f"  - id: {corpus.event_ids[1]}")
    end = removed.index(f"  - id: {corpus.event_ids[2]}")
    del removed[first:end]
    first_event = corpus.event_ids[0]
    new_source = (
        "sources:\n  aaa-new-source:\n    title: \"A source added later\"\n"
        "    publisher: \"AAA Monitor\"\n    url: \"https://monitor.example.org/a\""
    )
    cited = _replace_line(text.replace("sources:\n", new_source + "\n", 1), "    sources: ",
                          '    sources: ["aaa-new-source"]', after=f"  - id: {first_event}")
    # A law deleted with every mention of it: its page goes, and every page naming it changes.
    unlawful = (text.replace('"kz-law-0002", ', "").replace(', "kz-law-0002"', "")
                .replace('    laws: ["kz-law-0002"]\n', ""))
    law_lines = unlawful.split("\n")
    law_start = law_lines.index("  kz-law-0002:")
    law_end = next(index for index in range(law_start + 1, len(law_lines))
                   if law_lines[index][:3].strip() and not law_lines[index].startswith("    "))
    del law_lines[law_start:law_end]
    # A new event in the middle of the timeline: every later listing page shifts by one.
    lines = text.split("\n")
    block_start = lines.index(f"  - id: {middle}")
    block_end = next(index for index in range(block_start + 1, len(lines)) if lines[index].startswith("  - id: "))
    block = [f"  - id: {middle}-again", *lines[block_start + 1:block_end]]
    added = "\n".join(lines[:block_end] + block + lines[block_end:])
    # The oldest event moved into the middle event's year (and day): listings of both years re-paginate.
    middle_date = next(line for line in lines[block_start:block_end] if line.startswith("    date: "))
    moved = _replace_line(text, "    date: ", middle_date, after=f"  - id: {first_event}")
    return {
        "law removal": "\n".join(law_lines),
        "new event": added,
        "date into a busy year": moved,
        # Shown on the event's page and every listing and page that carries its card.
        "summary": corpus_mod.edit_summary(text, middle),
        "title": _replace_line(text, "    title: ", '    title: "A new title for the last event"',
                               after=f"  - id: {last}"),
        "removal": "\n".join(removed),
        # Moves an event to another year: listings on both sides re-paginate.
        "date": _replace_line(text, "    date: ", '    date: "2015-01-01"', after=f"  - id: {middle}"),
        # A law's name appears on every page of every event that invokes it.
        "law name": _replace_line(text, "    short_name: ", '    short_name: "Renamed law"', after="laws:"),
        # A source's title appears in the citations of every event citing it.
        "source title": _replace_line(text, "    title: ", '    title: "Retitled report"', after="sources:"),
        # A new source sorts first in the bibliography: entries move.
        "new source": cited,
        # The oldest event is on its countries' pages (their first page of events).
        "oldest summary": corpus_mod.edit_summary(text, first_event),
        # The newest event is on the home page, in every feed that carries it, and the
        # bibliography's "how to cite" example.
        "newest summary": corpus_mod.edit_summary(text, last),
        "newest title": _replace_line(text, "    title: ", '    title: "Retitled newest event"',
                                      after=f"  - id: {last}"),
        # An actor's name is on the index of actors, its country's page and its events' pages.
        "actor name": _replace_line(text, "    name: ", '    name: "Renamed actor"', after="actors:"),
        # Prose of an entry other than an event: the law's digest changes.
        "law summary": _replace_line(text, "      ", "      A law summary written again.", after="laws:"),
    }


EDITS = ["summary", "title", "removal", "date", "law name", "source title", "new source",
         "oldest summary", "newest summary", "newest title", "actor name", "law removal", "new event",
         "date into a busy year", "law summary"]


@pytest.mark.parametrize("description", EDITS)
def test_incremental_rebuild_equals_clean_build(tmp_path: Path, corpus: corpus_mod.Corpus, description: str) -> None:
    edited = _edits(corpus)[description]
    assert edited != corpus.events_yaml, description

    incremental = scale.make_project(corpus, tmp_path / "incremental")
    out = tmp_path / "incremental-output"
    _build(incremental, out)
    before = _tree(out)
    (incremental / "events.yaml").write_text(edited, encoding="utf-8")
    _build(incremental, out)
    after = _tree(out)

    clean = scale.make_project(corpus, tmp_path / "clean")
    (clean / "events.yaml").write_text(edited, encoding="utf-8")
    clean_out = tmp_path / "clean-output"
    _build(clean, clean_out)
    expected = _tree(clean_out)

    assert sorted(after) == sorted(expected), description
    different = [rel for rel in expected if after[rel] != expected[rel]]
    assert different == [], f"{description}: rebuilt files differ from a clean build: {different[:10]}"
    # The edit is visible: the rebuild did not simply keep the old site.
    assert after != before


def test_rebuild_with_forked_rendering_equals_clean_build(tmp_path: Path, corpus: corpus_mod.Corpus) -> None:
    """A rebuild whose pages render in two processes (as on a large site) equals a clean build."""
    forked = {"EXPLAINER_JOBS": 2, "EXPLAINER_PARALLEL_MINIMUM": 1}
    project = scale.make_project(corpus, tmp_path / "incremental")
    out = tmp_path / "incremental-output"
    _build(project, out, forked)
    edited = _edits(corpus)["summary"]
    (project / "events.yaml").write_text(edited, encoding="utf-8")
    _build(project, out, forked)
    clean = scale.make_project(corpus, tmp_path / "clean")
    (clean / "events.yaml").write_text(edited, encoding="utf-8")
    _build(clean, tmp_path / "clean-output")
    assert _tree(out) == _tree(tmp_path / "clean-output")


def test_country_summary_edit_rebuilds_like_a_clean_build(tmp_path: Path, corpus: corpus_mod.Corpus) -> None:
    """content/countries/<code>.md is shown on the country page (a lookup, not a page variable)."""
    code = next(iter(corpus.country_pages))
    edited = corpus.country_pages[code] + "\n\nA paragraph added later.\n"
    outputs = {}
    for name, steps in (("incremental", 2), ("clean", 1)):
        project = scale.make_project(corpus, tmp_path / name)
        out = tmp_path / f"{name}-output"
        if steps == 2:
            _build(project, out)
        (project / "content" / "countries" / f"{code.lower()}.md").write_text(edited, encoding="utf-8")
        _build(project, out)
        outputs[name] = _tree(out)
    assert outputs["incremental"] == outputs["clean"]
    assert "A paragraph added later." in outputs["clean"][f"countries/{code.lower()}/index.html"].decode()


def test_rebuild_without_changes_rewrites_nothing(tmp_path: Path, corpus: corpus_mod.Corpus) -> None:
    project = scale.make_project(corpus, tmp_path / "project")
    out = tmp_path / "output"
    _build(project, out)
    stamps = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in out.rglob("*") if path.is_file()}
    _build(project, out)
    restamped = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in out.rglob("*") if path.is_file()}
    assert restamped == stamps


def test_a_page_deleted_by_hand_is_made_again(tmp_path: Path, corpus: corpus_mod.Corpus) -> None:
    project = scale.make_project(corpus, tmp_path / "project")
    out = tmp_path / "output"
    _build(project, out)
    before = _tree(out)
    page = out / "events" / f"{corpus.event_ids[3]}.html"
    page.unlink()
    _build(project, out)
    assert _tree(out) == before


def test_forked_workers_build_the_same_site(tmp_path: Path, corpus: corpus_mod.Corpus) -> None:
    """Rendering split over two processes gives the same bytes as one process."""
    project = scale.make_project(corpus, tmp_path / "project")
    one, two = tmp_path / "one", tmp_path / "two"
    for output, settings in (
        (one, {"EXPLAINER_JOBS": 1}),
        (two, {"EXPLAINER_JOBS": 2, "EXPLAINER_PARALLEL_MINIMUM": 1}),
    ):
        result = subprocess.run(
            scale.our_build_command(project, output, {**settings, "EXPLAINER_CACHE_DIR": None}),
            cwd=project, env=scale.build_env(), capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert _tree(two) == _tree(one)


def test_digester_uses_the_loaders_digest_and_follows_references() -> None:
    """A model object's digest: its own fields when the loader gave no digest; else the
    loader's digest (its text is not read) plus the digests of what it refers to."""
    event = next(e for e in sample_dataset().events if e.laws and e.sources)

    def digest(item: object) -> str:
        return Digester(lambda source: f"sources/#{source.slug}").model(item)

    assert event.digest == ""
    assert digest(replace(event, title=Text.english("Other"))) != digest(event)
    with_digest = replace(event, digest="entry-text-hash")
    assert digest(replace(with_digest, title=Text.english("Other"))) == digest(with_digest)
    assert digest(replace(with_digest, digest="other-entry-text-hash")) != digest(with_digest)
    renamed_law = replace(event.laws[0], short_name=Text.english("Renamed"))
    assert digest(replace(with_digest, laws=(renamed_law, *event.laws[1:]))) != digest(with_digest)
    retitled_source = replace(event.sources[0], digest="source-hash", title=Text.english("Retitled"))
    moved = replace(with_digest, sources=(retitled_source, *event.sources[1:]))
    assert digest(moved) != digest(with_digest)
    # A source's place in the bibliography is part of it (links point there).
    assert Digester(lambda source: "sources/2/#x").model(with_digest) != digest(with_digest)


def test_markdown_store_round_trip_and_small_additions_wait(tmp_path: Path) -> None:
    store = MarkdownStore(tmp_path, "v1")
    texts = [f"text {n}" for n in range(SAVE_MINIMUM)]
    for text in texts:
        assert store.get(text) is None
        store.put(text, f"<p>{text}</p>", text)
    store.save()
    again = MarkdownStore(tmp_path, "v1")
    assert again.get("text 7") == ("<p>text 7</p>", "text 7")
    assert MarkdownStore(tmp_path, "v2").get("text 7") is None  # another renderer version
    again.put("one more", "<p>one more</p>", "one more")
    again.save()  # one new text is not worth rewriting the store
    assert MarkdownStore(tmp_path, "v1").get("one more") is None


def test_line_store_keeps_lines_by_key_under_the_global_hash(tmp_path: Path) -> None:
    made: list[str] = []

    def make(item: str) -> bytes:
        made.append(item)
        return item.upper().encode()

    store = LineStore(tmp_path, "g1")
    line = store.cached("json", make, key=lambda item: item)
    assert [line(item) for item in ("a", "b")] == [b"A", b"B"]
    store.save()  # no store on file yet: saved however few lines were made
    made.clear()
    line = LineStore(tmp_path, "g1").cached("json", make, key=lambda item: item)
    assert [line(item) for item in ("a", "b")] == [b"A", b"B"] and made == []
    line = LineStore(tmp_path, "g2").cached("json", make, key=lambda item: item)
    assert line("a") == b"A" and made == ["a"]
