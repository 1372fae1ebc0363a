"""Domain errors with machine-readable codes (Saleor's error_codes pattern)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class ActionError(Exception):
    """A business rule refused an action. `code` is stable for programs, `message` is for people."""

    def __init__(self, code: str, message: str | Promise, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.field = field


class NotAllowedError(ActionError):
    def __init__(self, message: str | Promise) -> None:
        super().__init__("not_allowed", message)


def require_role(actor: Any, role: str, message: str | Promise) -> None:
    """Refuse an action reserved to one role (the scope rules decide the rest)."""
    if getattr(actor, "role", None) != role:
        raise NotAllowedError(message)
