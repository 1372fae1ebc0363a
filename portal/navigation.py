"""The menu a user sees: every app's own entries (declared in its AppConfig), in their order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.appconfig import ecbase_apps


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


def menu_for(user: Any, path: str) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    entries: list[tuple[int, str | Promise, str]] = [(0, _("首页"), reverse("portal-home"))]
    for config in ecbase_apps():
        entries.extend((e.order, e.label, e.url) for e in config.menu(user))
    entries.sort(key=lambda e: e[0])
    items = []
    for _order, label, url in entries:
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label, url, active))
    return items
