from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.navigation import menu_for


def role(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": menu_for(request.user, request.path)}
