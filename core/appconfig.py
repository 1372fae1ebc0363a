"""How an app registers itself upward: its menu entries, the models `/api/me/` reports, and its
part of the demo data. The portal (the top layer) reads these from every installed app's config,
so nothing below the portal imports an app above it, and a new app appears everywhere by
declaring them in its own `apps.py`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.apps import AppConfig, apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the main menu. `order` places it among every app's entries."""

    order: int
    label: str | Promise
    url: str


@dataclass
class DemoPart:
    """What an app's demo seeding wrote: counts for the summary and one sentence for people."""

    counts: Mapping[str, int] = field(default_factory=dict)
    summary: str | Promise = ""


class EcbaseAppConfig(AppConfig):
    """The config every domain app inherits. Each hook is optional.

    An app's `apps.py` imports this module (`from core import appconfig`), not the class: Django
    picks the config of an `apps.py` only when it defines exactly one AppConfig subclass, and an
    imported class counts as one (it would then silently fall back to a plain AppConfig)."""

    # Model names of this app whose permissions `/api/me/` reports, in this order.
    api_models: ClassVar[tuple[str, ...]] = ()
    # Apps with demo data seed in ascending order (the registry, which the others stand on, first).
    demo_order: ClassVar[int | None] = None

    def menu(self, user: Any) -> list[MenuEntry]:
        """The entries this user may open; decided by the same scope rules as the pages."""
        return []

    def demo_has_data(self) -> bool:
        """Whether this app already holds data, so that the demo must not be seeded over it."""
        return False

    def demo_seed(self, *, seed: int, enterprises: int, log: Callable[[str], None]) -> DemoPart:
        """Write this app's part of the demo data set through its actions."""
        return DemoPart()


def ecbase_apps() -> list[EcbaseAppConfig]:
    return [config for config in apps.get_app_configs() if isinstance(config, EcbaseAppConfig)]
