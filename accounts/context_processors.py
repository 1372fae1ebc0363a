from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.navigation import menu_for


def role(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": menu_for(request.user, request.path)}
