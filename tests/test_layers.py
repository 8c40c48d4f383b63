"""The layers point down: the import graph of the installed package, read from the source files.

cli on top; then the analyst commands; then the flows; then the stages (tasks/); then the core
(settings, db, resources), which imports nothing else of the project. import-linter cannot see this
layout (flows/ and tasks/ are mapped into forumwatch from top-level folders), so the test walks the
files itself, function-level imports included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"forumwatch": ROOT / "forumwatch", "forumwatch.flows": ROOT / "flows", "forumwatch.tasks": ROOT / "tasks"}
CORE = {
    "forumwatch",
    "forumwatch.db",
    "forumwatch.identity",
    "forumwatch.rekey",
    "forumwatch.settings",
    "forumwatch.resources",
    "forumwatch.wheels",
    "forumwatch.lake",
    "forumwatch.sql",
    "forumwatch.seeds",
}
TOP = {"forumwatch.cli"}
RANKS = {"top": 4, "commands": 3, "flows": 2, "stages": 1, "core": 0}


def layer(module: str) -> str:
    if module in TOP:
        return "top"
    if module in CORE or module.startswith(("forumwatch.sql.", "forumwatch.seeds.")):
        return "core"
    if module == "forumwatch.flows" or module.startswith("forumwatch.flows."):
        return "flows"
    if module == "forumwatch.tasks" or module.startswith("forumwatch.tasks."):
        return "stages"
    return "commands"  # forumwatch.analyst, summary, snapshot_server, ...


def project_modules() -> dict[str, Path]:
    modules = {}
    for package, folder in FOLDERS.items():
        for path in sorted(folder.glob("*.py")):
            modules[package if path.stem == "__init__" else f"{package}.{path.stem}"] = path
    return modules


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every project module a file imports, at any depth of the file (function-level imports too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    # `from forumwatch.tasks import load` names a module; `from forumwatch.db import connect` a function
    return {name if name in modules else name.rsplit(".", 1)[0] for name in names} & modules.keys()


def upward_imports() -> list[str]:
    modules = project_modules()
    problems = []
    for module, path in modules.items():
        for target in sorted(imports_of(path, modules)):
            if RANKS[layer(target)] > RANKS[layer(module)]:
                problems.append(f"{module} ({layer(module)}) imports {target} ({layer(target)})")
    return problems


def test_no_module_imports_a_higher_layer():
    assert upward_imports() == []


def test_the_core_imports_nothing_above_itself():
    modules = project_modules()
    for module in ("forumwatch.db", "forumwatch.settings", "forumwatch.resources"):
        assert imports_of(modules[module], modules) <= CORE, module


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The walk is not vacuous: a stage importing a flow is reported."""
    bad = tmp_path / "tasks"
    bad.mkdir()
    (bad / "sneaky.py").write_text("def f():\n    from forumwatch.flows.ingest import ingest\n", encoding="utf-8")
    monkeypatch.setitem(FOLDERS, "forumwatch.tasks", bad)
    problems = upward_imports()
    assert problems == ["forumwatch.tasks.sneaky (stages) imports forumwatch.flows.ingest (flows)"]


@pytest.mark.parametrize("name", ["tasks", "flows"])
def test_no_generic_top_level_package_is_installed(name):
    import importlib.metadata as md

    files = md.distribution("forumwatch").read_text("top_level.txt") or ""
    assert name not in files.split()
