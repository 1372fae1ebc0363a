"""API permission: the same scope rules as the pages, by HTTP method."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from core.scoping import ADD, CHANGE, DELETE, VIEW, can

METHOD_ACTION = {
    "GET": VIEW,
    "HEAD": VIEW,
    "OPTIONS": VIEW,
    "POST": ADD,
    "PUT": CHANGE,
    "PATCH": CHANGE,
    "DELETE": DELETE,
}


class ScopedPermission(BasePermission):
    """Authenticated users only; write methods need the model's scope to grant that action.
    Object-level checks happen in the view's queryset (restrict), so a foreign object is a 404."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "scoped_model", None)
        if model is None or not hasattr(model, "scope_q"):
            return request.method in ("GET", "HEAD", "OPTIONS")
        # A read-like step posted to an object (a pre-check that saves nothing) may name the scope
        # action it needs; the view then checks the role itself.
        named = getattr(view, "scope_action_of", {}).get(getattr(view, "action", None))
        return can(request.user, model, named or method_action(request.method, getattr(view, "detail", False)))


def method_action(method: str | None, detail: bool) -> str:
    """The scope action of a request. A POST on one object (a workflow step such as recommend or
    submit) changes that object; a POST on the collection adds one."""
    action = METHOD_ACTION.get(method or "GET", VIEW)
    return CHANGE if action == ADD and detail else action
