"""The tree shows the pipeline: one subpackage per stage, and a stage never imports a later one.

The stages, in order (see docs/architecture.md): support, data, site, output, glue, tools. The
package's own `__init__` (Pelican's entry point) and `__main__` may import any stage.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "explainer"
STAGES = ("support", "data", "site", "output", "glue", "tools")
MAX_LINES = 450
"""About 400 lines: a module longer than this does more than one thing."""


def modules() -> list[Path]:
    return sorted(path for path in PLUGIN.rglob("*.py") if "__pycache__" not in path.parts)


def stage_of(module: str) -> str | None:
    """The stage of a dotted module name inside the plugin (None: the package itself, or outside)."""
    parts = module.split(".")
    if parts[0] != "explainer" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in STAGES else None


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `path` that names a module of the plugin."""
    relative = path.relative_to(PLUGIN.parent).with_suffix("")
    package = list(relative.parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            else:
                target = node.module or ""
            # `from ..site import urls` names a module through its package: keep both.
            found.append((node.lineno, target))
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.split(".")[0] == "explainer"]


def test_every_module_is_in_a_stage() -> None:
    loose = [path.name for path in PLUGIN.glob("*.py") if path.name not in ("__init__.py", "__main__.py")]
    assert loose == []
    folders = sorted(path.name for path in PLUGIN.iterdir() if path.is_dir() and path.name != "__pycache__")
    assert folders == sorted(STAGES)


@pytest.mark.parametrize("path", modules(), ids=lambda path: path.relative_to(PLUGIN).as_posix())
def test_a_stage_never_imports_a_later_one(path: Path) -> None:
    own = stage_of(".".join(path.relative_to(PLUGIN.parent).with_suffix("").parts))
    if own is None:
        return  # the package's __init__ and __main__ wire the stages together
    later = [f"{path.relative_to(PLUGIN)}:{line} imports {name}" for line, name in imports_of(path)
             if (stage := stage_of(name)) is not None and STAGES.index(stage) > STAGES.index(own)]
    assert later == []


def test_the_import_rule_sees_relative_imports() -> None:
    """The rule is not vacuous: it finds what the generator (glue) takes from the data stage."""
    names = [name for _line, name in imports_of(PLUGIN / "glue" / "generator.py")]
    assert "explainer.data.model" in names and "explainer.site.urls" in names


@pytest.mark.parametrize("path", modules(), ids=lambda path: path.relative_to(PLUGIN).as_posix())
def test_no_module_is_long(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PLUGIN)} has {lines} lines: split it along what it does"
