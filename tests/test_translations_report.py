"""`translations` lists, per language, every entry whose texts are not translated yet."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from explainer.data.load import load_dataset, load_dataset_from_text
from explainer.tools.translations import missing
from tests.conftest import ROOT

EVENTS = """\
countries:
  KG:
    name: {en: Kyrgyzstan, ru: Кыргызстан}
    checked: "2024-05-01"
actors:
  kg-ministry:
    name: {en: The ministry, ru: Министерство}
    kind: authority
    role: {en: Ministry, ru: Министерство}
sources:
  src-a:
    title: A headline
    publisher: An outlet
    url: https://example.org/a
events:
  - id: kg-block
    date: "2024-04-18"
    title:
      en: Kyrgyzstan blocks TikTok
      ru: Кыргызстан блокирует TikTok
    summary: The ministry ordered the block.
    kind: block
    countries: [KG]
    actors: [kg-ministry]
    sources: [src-a]
    quotes:
      - text: {en: We block it, ru: Мы его блокируем}
        by: kg-ministry
        source: src-a
    tiktok_status:
      KG: blocked
"""


def test_entries_with_untranslated_texts_are_listed_with_their_fields() -> None:
    dataset = load_dataset_from_text(EVENTS)
    found = {(gap.lang, gap.label): gap.fields for gap in missing(dataset, ("en", "ru", "kk"))}
    assert found[("ru", "event kg-block")] == ("summary",)
    assert ("ru", "source src-a") not in found  # a headline and its publisher are cited as published
    assert ("ru", "country KG") not in found
    assert found[("kk", "country KG")] == ("name",)
    assert found[("kk", "event kg-block")] == ("title", "summary", "quotes[1].text")
    assert all(lang != "en" for lang, _label in found)


def test_the_command_prints_file_and_line(tmp_path: Path) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(EVENTS, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "explainer", "translations", str(events), "--lang", "ru"],
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "plugins")}, check=False)
    assert result.returncode == 0, result.stderr
    assert f"{events}:16: [ru] event kg-block: summary" in result.stdout
    assert "ru: 1 entry with texts not yet translated" in result.stderr
    strict = subprocess.run([sys.executable, "-m", "explainer", "translations", str(events), "--strict"],
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "plugins")}, check=False)
    assert strict.returncode == 1


def test_the_real_events_file_is_wholly_in_russian() -> None:
    """The Russian edition is complete only when every text of events.yaml has its Russian."""
    dataset = load_dataset(ROOT / "events.yaml")
    gaps = missing(dataset, ("ru",))
    assert [f"events.yaml:{gap.line}: {gap.label}: {', '.join(gap.fields)}" for gap in gaps] == []
