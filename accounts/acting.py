"""The signed-in user behind a request, typed as the user model for the actions it calls."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.models import User


def acting_user(request: Any) -> User:
    """`request.user` of a page or API request whose view already requires a signed-in user; an
    anonymous one here is refused rather than passed to an action."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
