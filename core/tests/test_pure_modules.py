"""The engines (every module under an app's rules/) and core's pure modules import no Django, not
even through what they import: read from the source (function-level imports included) and
followed through the project's own modules and the packages they sit in. ruff (TID251, see
pyproject.toml) flags a Django import written in one of these files; this test also catches one
reached through another module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE_CORE = ("core/params.py", "core/period.py", "core/uscc.py", "core/workdays.py", "core/jsonlimits.py")
FORBIDDEN = ("django", "rest_framework")
SKIP = {".venv", "node_modules", "static", "var", "migrations", "tests"}


def _engines() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/rules/**/*.py") if not SKIP & set(p.relative_to(ROOT).parts))


def _module_file(name: str) -> Path | None:
    """The project's file for a dotted module name (None for third-party modules)."""
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _packages(name: str) -> list[str]:
    """Importing a.b.c runs a/__init__.py and a/b/__init__.py first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.append(module)
            # `from core import uscc` imports the module core.uscc
            names.extend(f"{module}.{alias.name}" for alias in node.names if _module_file(f"{module}.{alias.name}"))
    return names


def _django_chain(start: Path) -> list[str] | None:
    """The chain of modules from `start` to a Django import, or None when there is none."""
    start_name = ".".join(start.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    queue: list[tuple[str, list[str]]] = [(name, [start_name]) for name in _packages(start_name)]
    queue.append((start_name, []))
    seen: set[str] = set()
    while queue:
        name, chain = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is None:
            continue
        for imported in _imports(path):
            if imported.split(".")[0] in FORBIDDEN:
                return [*chain, name, imported]
            for module in [*_packages(imported), imported]:
                if module not in seen and _module_file(module):
                    queue.append((module, [*chain, name]))
    return None


def test_the_engines_and_the_pure_modules_reach_no_django() -> None:
    modules = [*_engines(), *(ROOT / p for p in PURE_CORE)]
    assert len(modules) > 20  # both engines' modules are found
    found = {str(m.relative_to(ROOT)): _django_chain(m) for m in modules}
    assert {m: " → ".join(chain) for m, chain in found.items() if chain} == {}


def test_the_check_sees_a_django_import_through_another_module() -> None:
    # The chain of a module that is known to reach Django: the tabular kernel's package.
    chain = _django_chain(ROOT / "core/tabular/cells.py")
    assert chain is not None and chain[0] == "core.tabular.cells" and chain[-1].startswith("django")
