"""The interface catalogs are complete: every string the templates and the site code ask for
has a translation in every language, none is fuzzy, none is left over, and the committed
template (messages.pot) is what `python3 run.py catalogs` extracts now."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOGS = ROOT / "themes" / "explainer" / "translations"
LANGUAGES = ("ru", "kk", "ky")


def extract(tmp_path: Path) -> Catalog:
    """The messages `python3 run.py catalogs` would extract now (same command, same options)."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "N_", "-o", str(pot), "--no-location", "--sort-output", "--omit-header", str(ROOT)],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return extract(tmp_path_factory.mktemp("pot"))


def test_the_committed_template_is_up_to_date(extracted: Catalog) -> None:
    with (CATALOGS / "messages.pot").open("rb") as handle:
        committed = read_po(handle)
    assert sorted(str(m.id) for m in committed if m.id) == sorted(str(m.id) for m in extracted if m.id), \
        "themes/explainer/translations/messages.pot is out of date: run `python3 run.py catalogs`"


def problems(catalog: Catalog, wanted: Catalog) -> list[str]:
    found = []
    for message in wanted:
        if not message.id:
            continue
        have = catalog.get(message.id)
        strings = (have.string if isinstance(have.string, (list, tuple)) else (have.string,)) if have else ()
        if have is None:
            found.append(f"missing: {message.id!r}")
        elif have.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        elif not strings or not all(strings):
            found.append(f"not translated: {message.id!r}")
    ids = {message.id for message in wanted if message.id}
    found += [f"not used any more: {message.id!r}" for message in catalog if message.id and message.id not in ids]
    found += [f"obsolete: {key!r}" for key in catalog.obsolete]
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_translates_every_string(lang: str, extracted: Catalog) -> None:
    with (CATALOGS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    assert problems(catalog, extracted) == []


def test_the_check_catches_gaps(extracted: Catalog) -> None:
    """A catalog with a string left out, one fuzzy and one left over fails."""
    catalog = Catalog(locale="ru")
    ids = [message.id for message in extracted if message.id and isinstance(message.id, str)]
    for message_id in ids[1:]:
        catalog.add(message_id, "перевод")
    catalog.add(ids[1], "перевод", flags=["fuzzy"])
    catalog.add("A string no template uses", "перевод")
    found = problems(catalog, extracted)
    assert f"missing: {ids[0]!r}" in found and f"fuzzy: {ids[1]!r}" in found
    assert "not used any more: 'A string no template uses'" in found
