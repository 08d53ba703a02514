"""Large files are loaded in a forked child: same Dataset, same problems, as loading in-process."""
from __future__ import annotations

import os

import pytest

from benchmarks import corpus as corpus_mod
from explainer.data import load
from explainer.data.problems import EventsFileError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture(scope="module")
def big_text() -> str:
    text = corpus_mod.generate(1_200).events_yaml
    assert len(text) > load.ISOLATE_ABOVE
    return text


def _summary(dataset: object) -> list[tuple[object, ...]]:
    return [
        (e.id, e.date.iso, e.title.en, e.summary.en, e.kind, tuple(c.code for c in e.countries),
         tuple(law.slug for law in e.laws), tuple((s.slug, s.url) for s in e.sources), e.line)
        for e in dataset.events  # type: ignore[attr-defined]
    ]


def test_child_and_in_process_loads_agree(big_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    isolated = load.load_dataset_from_text(big_text)
    monkeypatch.setattr(load, "ISOLATE_ABOVE", len(big_text) + 1)
    local = load.load_dataset_from_text(big_text)
    assert _summary(isolated) == _summary(local)
    assert list(isolated.laws) == list(local.laws) and list(isolated.sources) == list(local.sources)
    # References stay shared objects after the trip through pickle, as the model promises.
    event = next(e for e in isolated.events if e.laws)
    assert event.laws[0] is isolated.laws[event.laws[0].slug]


def test_problems_from_the_child_keep_their_lines(big_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = big_text.replace("    kind: ", "    kind: not-a-kind-", 1)
    with pytest.raises(EventsFileError) as isolated:
        load.load_dataset_from_text(broken)
    monkeypatch.setattr(load, "ISOLATE_ABOVE", len(broken) + 1)
    with pytest.raises(EventsFileError) as local:
        load.load_dataset_from_text(broken)
    assert [str(p) for p in isolated.value.problems] == [str(p) for p in local.value.problems]
    assert isolated.value.problems
