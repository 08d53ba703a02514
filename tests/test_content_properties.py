"""Property tests: whatever a content/ page holds, the build makes a site or stops with
EventsFileError (a line per problem), never with anything else.

Mangled copies of a real country page and of the About page (bytes changed, lines shuffled or
dropped, random metadata lines, random Markdown) go through a real in-process Pelican build.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.data.problems import EventsFileError
from tests.conftest import ROOT, build_in_process
from tests.site_sample import sample_dataset

COUNTRY = (ROOT / "content" / "countries" / "kg.md").read_bytes()
ABOUT = (ROOT / "content" / "pages" / "about.md").read_bytes()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])

metadata_line = st.builds(
    lambda key, value: f"{key}: {value}\n".encode("utf-8", "surrogatepass"),
    st.sampled_from(["Title", "Country", "Summary", "Slug", "Save_as", "Template", "Status", "Url", "title", "X-y"]),
    st.text(max_size=40))
markdown = st.lists(st.sampled_from([
    "[a](javascript:alert(1))", "[b](//evil.example)", "![c](https://evil.example/i.png)", "<script>x</script>",
    "[d]: data:x", "# heading", "- item", "`code`", "| a |\n|---|\n| 1 |", "[e](/about/)", "\\", "*", "\x00", "\u2028",
    "{{ 7*7 }}", "{% raw %}", "\r", "\t", "é", "\ufeff",
]), max_size=8).map(lambda parts: " ".join(parts).encode("utf-8", "surrogatepass"))


@st.composite
def mangled(draw: st.DrawFn, original: bytes) -> bytes:
    lines = original.splitlines(keepends=True)
    choice = draw(st.integers(0, 3))
    if choice == 0 and lines:  # change bytes
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if choice == 1:  # drop or repeat lines
        picked = draw(st.lists(st.sampled_from(lines), max_size=len(lines) + 2)) if lines else []
        return b"".join(picked)
    if choice == 2:  # other metadata on top
        return b"".join(draw(st.lists(metadata_line, max_size=5))) + original
    return original + b"\n" + draw(markdown) + b"\n"


def build_with(tmp_path: Path, country: bytes, about: bytes) -> None:
    output = tmp_path / "output"
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir(parents=True)
    data = sample_dataset()
    try:
        # The sample's KG page and the About page replaced by the mangled bytes.
        build_in_process(output, EXPLAINER_DATASET=data, extra_pages={}, _replace={
            "countries/kg.md": country, "pages/about.md": about})
    except EventsFileError as error:
        assert error.problems and all(problem.line >= 1 and problem.column >= 1 for problem in error.problems)
        assert not (output / "index.html").exists()
        return
    assert (output / "countries" / "kg" / "index.html").is_file()


@SETTINGS
@given(country=mangled(COUNTRY), about=mangled(ABOUT))
def test_mangled_pages_build_or_stop_with_problems(tmp_path_factory, country: bytes, about: bytes) -> None:  # type: ignore[no-untyped-def]
    build_with(tmp_path_factory.mktemp("mangled"), country, about)
