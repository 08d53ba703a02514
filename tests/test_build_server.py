"""The preview's build server: each build forked from a process that imported everything once
gives exactly what a `pelican` run gives, fails like one, and picks up code after a restart."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import IO

import pytest

from benchmarks import corpus as corpus_mod
from benchmarks import scale
from explainer.tools.build_server import Client

N_EVENTS = 40


def _tree(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes()
            for path in sorted(output.rglob("*")) if path.is_file()}


def _client(project: Path, output: Path, log: IO[str]) -> Client:
    env = {**scale.build_env(), "PYTHONPATH": str(project / "plugins")}
    return Client(["content", "-s", "pelicanconf.py", "-o", str(output)], cwd=project, env=env, stderr=log)


@pytest.fixture(scope="module")
def corpus() -> corpus_mod.Corpus:
    return corpus_mod.generate(N_EVENTS)


def test_forked_builds_equal_pelican_runs_and_fail_like_them(tmp_path: Path, corpus: corpus_mod.Corpus) -> None:
    project = scale.make_project(corpus, tmp_path / "project")
    output, log = tmp_path / "output", tmp_path / "server.log"
    edited = corpus_mod.edit_summary(corpus.events_yaml, corpus.event_ids[5])
    with log.open("a", encoding="utf-8") as stream, _client(project, output, stream) as builds:
        first = builds.build()
        assert first.ok and first.wall > 0 and first.user > 0 and first.max_rss_kb > 0
        built = _tree(output)
        assert f"events/{corpus.event_ids[5]}.html" in built

        # A mistake: the build fails with the validator's message; the site stays as it was.
        broken = corpus.events_yaml.replace(f"  - id: {corpus.event_ids[7]}\n",
                                            f"  - id: {corpus.event_ids[7]}\n    colour: red\n", 1)
        (project / "events.yaml").write_text(broken, encoding="utf-8")
        failed = builds.build()
        assert not failed.ok
        assert _tree(output) == built
        assert "events.yaml:" in log.read_text(encoding="utf-8")

        # Fixed, with an edit: the same server builds again, and the site is a clean build's.
        (project / "events.yaml").write_text(edited, encoding="utf-8")
        assert builds.build().ok
    # Each build's staging folder is removed by the server between builds.
    assert not list(tmp_path.glob(".output-staging-*"))
    clean = scale.make_project(corpus, tmp_path / "clean")
    (clean / "events.yaml").write_text(edited, encoding="utf-8")
    result = subprocess.run(scale.our_build_command(clean, tmp_path / "clean-output"), cwd=clean,
                            env=scale.build_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert _tree(output) == _tree(tmp_path / "clean-output")


def test_restart_runs_the_code_as_it_is_now(tmp_path: Path, corpus: corpus_mod.Corpus) -> None:
    project = scale.make_project(corpus, tmp_path / "project")
    output, log = tmp_path / "output", tmp_path / "server.log"
    with log.open("a", encoding="utf-8") as stream, _client(project, output, stream) as builds:
        assert builds.build().ok
        # Plugin code changed after the server imported it: a forked build runs the old code...
        init = project / "plugins" / "explainer" / "__init__.py"
        init.write_text(init.read_text(encoding="utf-8") + "\nimport sys\nprint('plugin code v2', file=sys.stderr)\n",
                        encoding="utf-8")
        assert builds.build().ok
        assert "plugin code v2" not in log.read_text(encoding="utf-8")
        # ...until the server is started again, as the preview does when plugins/ change.
        builds.restart()
        assert builds.build().ok
        assert "plugin code v2" in log.read_text(encoding="utf-8")


def test_a_server_that_cannot_start_says_so(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "nowhere")}
    with (
        Client(["content"], cwd=tmp_path, env=env, stderr=subprocess.DEVNULL) as builds,
        pytest.raises(RuntimeError, match="did not start"),
    ):
        builds.build()
