"""Every domain app has the same skeleton (docs/architecture.md, "One skeleton"): a reader who knows
one app finds the models, actions, pages, forms and API of any other in the same places. Read from
the file tree, so a `views_notice.py` or a second `models.py` beside a package fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from core.tests.test_layers import LAYERS

ROOT = Path(settings.BASE_DIR)

# The apps of a domain: everything between core and the portal.
DOMAIN_APPS = [app for app, layer in LAYERS.items() if 0 < layer < LAYERS["portal"]]

# Packages every domain app has.
REQUIRED_PACKAGES = ("models", "views", "forms", "api", "tests")
# Packages an app has when it needs them; never a module of the same name.
OPTIONAL_PACKAGES = ("actions", "rules", "management", "migrations")


def _is_package(path: Path) -> bool:
    return path.is_dir() and (path / "__init__.py").exists()


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_required_packages(app: str) -> None:
    missing = [name for name in REQUIRED_PACKAGES if not _is_package(ROOT / app / name)]
    assert not missing, f"{app} 缺少包：{missing}（docs/architecture.md 的统一骨架）"


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_module_beside_or_instead_of_a_package(app: str) -> None:
    root = ROOT / app
    wrong = [f"{app}/{name}.py" for name in (*REQUIRED_PACKAGES, *OPTIONAL_PACKAGES) if (root / f"{name}.py").exists()]
    assert not wrong, f"这些应是包而不是模块：{wrong}"


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_numbered_or_suffixed_copies(app: str) -> None:
    """`views_review.py`, `forms_notice.py`, `urls_x.py`: a second file of a kind goes into the
    package of that kind (views/review.py), or into urls.py."""
    kinds = ("models", "views", "forms", "urls", "serializers", "actions", "filtersets")
    wrong = sorted(
        p.name
        for p in (ROOT / app).glob("*.py")
        if any(p.stem.startswith(f"{k}_") or p.stem.endswith(f"_{k}") for k in kinds) and p.stem != "public_urls"
    )
    assert not wrong, f"{app} 的这些文件应并入对应的包：{wrong}"


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_engines_live_in_rules(app: str) -> None:
    """An engine is a package named rules/ (ruff keeps Django out of it); `engine.py` or `rules.py`
    at the root would escape that ban."""
    root = ROOT / app
    assert not (root / "rules.py").exists() and not (root / "engine.py").exists()
    if (root / "rules").exists():
        assert _is_package(root / "rules")


def test_the_skeleton_is_what_the_docs_say() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name in (*REQUIRED_PACKAGES, "actions", "rules", "filtersets"):
        assert f"`{name}" in text, name
