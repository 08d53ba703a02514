"""The fast load (entry by entry, with a cache between builds) gives exactly what the whole-file
load gives: the same Dataset for every valid file, and for every invalid one the same problems
(because it then hands over to the whole-file load). Real files and real cache folders only.
"""
from __future__ import annotations

import pickle
import re
import zlib
from pathlib import Path

import pytest

from benchmarks import corpus as corpus_mod
from explainer.data import entries, load
from explainer.data.entry_cache import PREFIX, REWRITE_MINIMUM, EntryCache
from explainer.data.model import Dataset
from explainer.data.problems import EventsFileError
from tests.dataset_facts import facts

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = (FIXTURES / "valid" / "minimal.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus_text() -> str:
    return corpus_mod.generate(300).events_yaml


def whole(text: str) -> Dataset:
    """Today's load: the whole file composed and validated at once."""
    return load._whole(text, "events.yaml")


def whole_problems(text: str) -> list[str]:
    with pytest.raises(EventsFileError) as caught:
        whole(text)
    return [str(problem) for problem in caught.value.problems]


def fast(text: str, cache_dir: Path | None = None, jobs: int = 1) -> Dataset | None:
    return load._fast(text, cache_dir, jobs)


def load_file(tmp_path: Path, text: str, cache_dir: Path) -> Dataset:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return load.load_dataset(path, "events.yaml", cache_dir=cache_dir, jobs=1)


def problems_of(tmp_path: Path, text: str, cache_dir: Path) -> list[str]:
    with pytest.raises(EventsFileError) as caught:
        load_file(tmp_path, text, cache_dir)
    return [str(problem) for problem in caught.value.problems]


def event_ids(text: str) -> list[str]:
    return re.findall(r"^  - id: (\S+)$", text, re.MULTILINE)


def cached_digests(cache_dir: Path) -> set[str]:
    return set(EntryCache(cache_dir).read())


# -- the same Dataset -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["events.yaml", "minimal"])
def test_real_files_load_the_same_either_way(name: str) -> None:
    text = (ROOT / "events.yaml" if name == "events.yaml" else FIXTURES / "valid" / "minimal.yaml").read_text("utf-8")
    quick = fast(text)
    assert quick is not None, "the plain layout should take the fast way"
    assert facts(quick) == facts(whole(text))


def test_generated_corpus_loads_the_same_in_workers_and_here(corpus_text: str) -> None:
    expected = facts(whole(corpus_text))
    here = fast(corpus_text, jobs=1)
    assert here is not None and facts(here) == expected
    # More text than PARALLEL_ABOVE goes to forked workers; their records assemble the same.
    assert len(corpus_text) > load.PARALLEL_ABOVE
    in_workers = fast(corpus_text, jobs=2)
    assert in_workers is not None and facts(in_workers) == expected


def test_lines_are_those_of_the_file(corpus_text: str) -> None:
    dataset = fast(corpus_text)
    assert dataset is not None
    lines = corpus_text.split("\n")
    for event in dataset.events:
        assert lines[event.line - 1] == f"  - id: {event.id}"
    for law in dataset.laws.values():
        assert lines[law.line - 1] == f"  {law.slug}:"


def test_references_are_shared_objects(corpus_text: str) -> None:
    dataset = fast(corpus_text)
    assert dataset is not None
    event = next(e for e in dataset.events if e.laws)
    assert event.laws[0] is dataset.laws[event.laws[0].slug]
    assert event.countries[0] is dataset.countries[event.countries[0].code]


def test_digests_name_the_entry_text(corpus_text: str) -> None:
    dataset = fast(corpus_text)
    assert dataset is not None
    assert all(event.digest for event in dataset.events)
    assert len({event.digest for event in dataset.events}) == len(dataset.events)
    assert whole(corpus_text).events[0].digest == ""  # the whole-file load does not know them


# -- the cache between builds ---------------------------------------------------------------------
def test_warm_load_after_editing_one_event(tmp_path: Path, corpus_text: str) -> None:
    cache = tmp_path / "cache"
    first = load_file(tmp_path, corpus_text, cache)
    before = cached_digests(cache)
    assert len(before) == sum(1 for p in entries.split(corpus_text) or () if p.collection)
    edited_id = event_ids(corpus_text)[150]
    edited = corpus_mod.edit_summary(corpus_text, edited_id)
    second = load_file(tmp_path, edited, cache)
    assert facts(second) == facts(whole(edited))
    # One entry read anew is not worth rewriting the records file: the next load reads it again.
    assert cached_digests(cache) == before
    assert facts(load_file(tmp_path, edited, cache)) == facts(second)
    old = {e.id: e.digest for e in first.events}
    changed = [e.id for e in second.events if e.digest != old[e.id]]
    assert changed == [edited_id]
    assert corpus_mod.EDIT_MARKER in next(e for e in second.events if e.id == edited_id).summary.en


def test_warm_load_after_adding_removing_and_moving_entries(tmp_path: Path, corpus_text: str) -> None:
    cache = tmp_path / "cache"
    load_file(tmp_path, corpus_text, cache)
    before = cached_digests(cache)
    head, events = corpus_text.split("\nevents:\n")
    items = re.split(r"(?m)^(?=  - id: )", events)[1:]
    new_event = items[0].replace(f"id: {event_ids(corpus_text)[0]}", "id: a-brand-new-event")
    variants = {
        "moved": head + "\nevents:\n" + "".join(items[1:] + items[:1]),
        "removed": head + "\nevents:\n" + "".join(items[:5] + items[6:]),
        "added on top": head + "\nevents:\n" + new_event + "".join(items),
        "lines added above": "# a comment\n\n" + corpus_text,
    }
    for name, text in variants.items():
        assert facts(load_file(tmp_path, text, cache)) == facts(whole(text)), name
        # Each variant reads at most one entry anew and leaves few unused: the file stays.
        assert cached_digests(cache) == before, name


def test_the_records_file_is_rewritten_once_enough_changed(tmp_path: Path, corpus_text: str) -> None:
    cache = tmp_path / "cache"
    load_file(tmp_path, corpus_text, cache)
    original = cached_digests(cache)
    ids = event_ids(corpus_text)
    assert len(ids) > REWRITE_MINIMUM
    edited = corpus_text
    for event_id in ids[:3]:
        edited = corpus_mod.edit_summary(edited, event_id)
    load_file(tmp_path, edited, cache)
    assert cached_digests(cache) == original  # a few entries are read again next time instead
    for event_id in ids[3:REWRITE_MINIMUM]:
        edited = corpus_mod.edit_summary(edited, event_id)
    assert facts(load_file(tmp_path, edited, cache)) == facts(whole(edited))
    assert cached_digests(cache) == {p.digest for p in entries.split(edited) or () if p.collection}


def test_renaming_a_law_gives_the_whole_loads_messages(tmp_path: Path, corpus_text: str) -> None:
    cache = tmp_path / "cache"
    load_file(tmp_path, corpus_text, cache)
    renamed = corpus_text.replace("\n  kg-law-0001:\n", "\n  kg-law-renamed:\n", 1)
    assert renamed != corpus_text
    expected = whole_problems(renamed)
    assert any("unknown law 'kg-law-0001'" in problem for problem in expected)
    assert problems_of(tmp_path, renamed, cache) == expected
    # A failed load leaves the cache as the last good load wrote it.
    assert cached_digests(cache) == {p.digest for p in entries.split(corpus_text) or () if p.collection}


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "garbage", "empty", "not a dict", "bad record"])
def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path: Path, corpus_text: str, damage: str) -> None:
    cache = tmp_path / "cache"
    load_file(tmp_path, corpus_text, cache)
    [file] = cache.glob(f"{PREFIX}*.pickle")
    data = file.read_bytes()
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped byte":
        data = data[:-100] + bytes([data[-100] ^ 0x20]) + data[-99:]
    elif damage == "garbage":
        data = b"\x80\x05not a pickle at all" * 10
    elif damage == "empty":
        data = b""
    else:  # a well-formed file of the right checksum holding the wrong thing
        records: object = ["not", "records"]
        if damage == "bad record":
            records = dict(EntryCache(cache).read())
            records[next(iter(records))] = b"\x00junk"
        payload = pickle.dumps(records)
        data = b"explainer-entries\n" + zlib.crc32(payload).to_bytes(4, "big") + payload
    file.write_bytes(data)
    assert facts(load_file(tmp_path, corpus_text, cache)) == facts(whole(corpus_text))
    assert len(cached_digests(cache)) == sum(1 for p in entries.split(corpus_text) or () if p.collection)
    assert b"\x00junk" not in cache.joinpath(file.name).read_bytes()  # rewritten whole


def test_records_of_another_code_version_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    stale = cache / f"{PREFIX}0000000000000000.pickle"
    stale.write_bytes(b"old")
    load_file(tmp_path, MINIMAL, cache)
    assert not stale.exists()
    assert len(list(cache.glob(f"{PREFIX}*.pickle"))) == 1


def test_without_a_cache_folder_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    load.load_dataset(path)
    assert [p.name for p in tmp_path.iterdir()] == ["events.yaml"]


# -- layouts the fast way does not take -------------------------------------------------------------
NOT_PLAIN = {
    "document marker": "---\n" + MINIMAL,
    "document end": MINIMAL + "...\n",
    "directive": "%YAML 1.1\n---\n" + MINIMAL,
    "flow collection on the top-level line": MINIMAL.replace("actors:\n", "actors: {}\nx_actors:\n"),
    "inline empty collection": MINIMAL.replace("laws:\n", "laws: {}\nold_laws:\n"),
    "repeated top-level key": MINIMAL + "countries:\n  KZ:\n    name: Kazakhstan\n",
    "unknown top-level key": MINIMAL + "notes:\n  - hello\n",
    "missing required collection": MINIMAL.replace("countries:\n", "nations:\n"),
    "carriage returns": MINIMAL.replace("\n", "\r\n"),
    "text before the first collection": "hello\n" + MINIMAL,
    "quoted top-level key": MINIMAL.replace("events:", '"events":'),
    "key of another form": MINIMAL.replace("\n  gknb:\n", '\n  "gk nb":\n'),
}


def assert_loads_as_whole(text: str) -> None:
    """The loader's outcome for `text` is the whole-file load's: the same Dataset, or the same problems."""
    try:
        expected = facts(whole(text))
    except EventsFileError as error:
        with pytest.raises(EventsFileError) as caught:
            load.load_dataset_from_text(text)
        assert caught.value.problems == error.problems
    else:
        assert facts(load.load_dataset_from_text(text)) == expected


@pytest.mark.parametrize("name", list(NOT_PLAIN))
def test_other_layouts_take_the_whole_way_and_agree(name: str) -> None:
    text = NOT_PLAIN[name]
    assert fast(text) is None
    assert_loads_as_whole(text)


def test_events_at_column_0_and_collections_indented_4(corpus_text: str) -> None:
    head, events = corpus_text.split("\nevents:\n")
    at_column_0 = head + "\nevents:\n" + "\n".join(line[2:] for line in events.split("\n"))
    indented = re.sub(r"(?m)^(?= )", "  ", corpus_text)  # every collection's entries at 4
    for text in (at_column_0, indented):
        assert entries.split(text) is not None
        quick = fast(text)
        assert quick is not None and facts(quick) == facts(whole(text))


SPLIT_ACROSS = {
    # A boundary-looking line inside a quoted scalar or a flow list: the entry before it fails alone.
    "quoted": MINIMAL.replace("role: State Committee for National Security of Kyrgyzstan",
                              'role: "State Committee\n  occrp-kg:\n  for National Security"'),
    "flow": MINIMAL.replace("sources: [occrp-kg]\n", "sources: [occrp-kg,\n  - id: x\n  ]\n", 1),
    "alias to another entry": MINIMAL.replace("name: Kyrgyzstan", "name: &n Kyrgyzstan")
                                     .replace("name: GKNB", "name: *n"),
}


@pytest.mark.parametrize("name", list(SPLIT_ACROSS))
def test_constructs_across_entries_take_the_whole_way(name: str) -> None:
    text = SPLIT_ACROSS[name]
    assert text != MINIMAL
    assert fast(text) is None
    assert_loads_as_whole(text)


# -- every invalid fixture, with a warm cache -------------------------------------------------------
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))


def test_invalid_fixtures_give_the_same_messages_with_a_warm_cache(tmp_path: Path) -> None:
    from tests.test_validation_fixtures import expectations

    cache = tmp_path / "cache"
    load.load_dataset(FIXTURES / "valid" / "minimal.yaml", cache_dir=cache)
    assert cached_digests(cache)
    for fixture in INVALID:
        with pytest.raises(EventsFileError) as caught:
            load.load_dataset(fixture, display_name=fixture.name, cache_dir=cache, jobs=1)
        assert [p.position for p in caught.value.problems] == expectations(fixture), fixture.name


def test_the_build_keeps_entries_in_its_cache_folder(tmp_path: Path) -> None:
    from explainer.glue.generator import load_events

    events = tmp_path / "events.yaml"
    events.write_text(MINIMAL, encoding="utf-8")
    settings = {"EXPLAINER_EVENTS": str(events), "EXPLAINER_CACHE_DIR": str(tmp_path / "cache"), "EXPLAINER_JOBS": 1}
    dataset = load_events(settings)
    assert facts(dataset) == facts(whole(MINIMAL))
    assert len(list((tmp_path / "cache").glob(f"{PREFIX}*.pickle"))) == 1
    assert load_events({**settings, "EXPLAINER_DATASET": dataset}) is dataset


# -- objects kept from an earlier load (the preview's build server) ------------------------------
def test_a_prepared_load_takes_unchanged_objects_and_builds_the_rest(tmp_path: Path, corpus_text: str) -> None:
    cache = tmp_path / "cache"
    earlier = load_file(tmp_path, corpus_text, cache)
    ids = event_ids(corpus_text)
    lines = corpus_text.split("\n")
    grown = lines.index(f"  - id: {ids[10]}")
    summary = next(i for i in range(grown, len(lines)) if lines[i] == "    summary: |")
    variants = {
        "summary": corpus_mod.edit_summary(corpus_text, ids[20]),
        # A summary one line longer: every later entry moves down a line.
        "longer summary": "\n".join(lines[:summary + 1] + ["      One more line."] + lines[summary + 1:]),
        "law name": corpus_text.replace('short_name: "', 'short_name: "Renamed ', 1),
        "removed event": corpus_text.replace(f"  - id: {ids[5]}\n", f"  - id: {ids[5]}-gone\n", 1),
    }
    load.prepare(earlier)
    try:
        for name, text in variants.items():
            assert text != corpus_text, name
            dataset = load_file(tmp_path, text, cache)
            assert facts(dataset) == facts(whole(text)), name  # lines included
            kept = sum(before is after for before, after in zip(earlier.events, dataset.events, strict=True))
            if name == "summary":
                assert kept == len(earlier.events) - 1  # all but the edited event, as they were
                assert all(dataset.laws[key] is law for key, law in earlier.laws.items())
            elif name == "law name":
                assert kept == 0  # an entry other than an event changed: everything is built
    finally:
        load.prepare(None)
