"""The apps' dependency rule (docs/architecture.md): readiness ← catalog ← assessments.

An app imports only from the apps to its left — at module level or inside a function — so
every module of ``readiness`` and ``catalog`` is read here for what it imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What each app must never import (the apps to its right, and the development app).
FORBIDDEN = {
    "readiness": ("catalog", "assessments", "demo"),
    "catalog": ("assessments", "demo"),
    "assessments": ("demo",),
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(app: str) -> list[Path]:
    return [p for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_imports_only_from_the_apps_to_its_left(app):
    breaches = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & set(FORBIDDEN[app]))
        for path in modules(app)
    }
    assert {path: apps for path, apps in breaches.items() if apps} == {}


def test_the_reader_sees_imports_inside_functions_too(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from assessments.selectors import x\n    import demo.data\n")
    assert imported_apps(module) == {"assessments", "demo"}
