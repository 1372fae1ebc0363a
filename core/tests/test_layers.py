"""The layers hold: core depends on none of our apps, every app only on the layers below it, and
what knows every app (the portal, the project package) sits on top. Read from the source's own
imports with `ast`, so a new back-arrow or circle fails here before anyone draws the tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Each app with its layer; an app may import only apps of a strictly lower layer.
LAYERS = {
    "core": 0,
    "accounts": 1,
    "regions": 2,
    "registry": 3,
    "selection": 4,
    "policies": 4,
    "portal": 5,
    "ecbase": 6,
}


def _modules(app: str) -> list[Path]:
    return [
        p
        for p in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in p.parts and "tests" not in p.relative_to(ROOT).parts
    ]


def imported_apps(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import of one of our apps, lazy ones in functions included."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.extend((node.lineno, name) for name in names if name.split(".")[0] in LAYERS)
    return found


def arrows() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for app in LAYERS:
        for path in _modules(app):
            for line, module in imported_apps(path):
                target = module.split(".")[0]
                if target != app:
                    edges.setdefault((app, target), []).append(f"{path.relative_to(ROOT)}:{line} {module}")
    return edges


def test_every_app_of_the_project_has_a_layer() -> None:
    ours = {name for name in settings.INSTALLED_APPS if (ROOT / name / "apps.py").exists()}
    assert ours - set(LAYERS) == set(), "give each new app its layer in LAYERS (and in docs/architecture.md)"


def test_no_module_imports_an_app_of_its_own_or_a_higher_layer() -> None:
    wrong = [
        where
        for (source, target), places in sorted(arrows().items())
        if LAYERS[target] >= LAYERS[source]
        for where in places
    ]
    assert wrong == []


def test_no_import_circle_between_apps() -> None:
    edges = arrows()
    graph: dict[str, set[str]] = {app: set() for app in LAYERS}
    for source, target in edges:
        graph[source].add(target)

    def reaches(start: str, goal: str) -> bool:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            app = todo.pop()
            if app == goal:
                return True
            if app not in seen:
                seen.add(app)
                todo.extend(graph[app])
        return False

    circles = sorted(app for app in LAYERS if reaches(app, app))
    assert circles == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from registry.models import Base\n", [(1, "registry.models")]),
        ("def f():\n    import selection.models\n", [(2, "selection.models")]),
        ("from .models import Base\nimport django\n", []),
    ],
)
def test_the_reader_sees_lazy_and_top_level_imports(
    tmp_path: Path, source: str, expected: list[tuple[int, str]]
) -> None:
    module = tmp_path / "m.py"
    module.write_text(source, encoding="utf-8")
    assert imported_apps(module) == expected
