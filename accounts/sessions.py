"""The session engine (SESSION_ENGINE): Django's database sessions, each row naming its account
(accounts.UserSession), and an idle time read from the security policy.

The idle timeout is the session's age, renewed on every request (SESSION_SAVE_EVERY_REQUEST):
`get_session_cookie_age()` is the hook Django documents for a backend to decide it. Setting a
number with `session.set_expiry()` instead would make the cookie outlive the browser, against
SESSION_EXPIRE_AT_BROWSER_CLOSE."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from accounts.models.sessions import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj: Any = super().create_model_instance(data)
        try:
            obj.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            obj.user_id = None
        return obj

    def get_session_cookie_age(self) -> int:
        from accounts.models.policy import SecurityPolicy

        return SecurityPolicy.current().idle_seconds


def end_sessions(user: Any, keep: str | None = None) -> int:
    """End the account's web sessions (all, or all but `keep`, the session of the request)."""
    from accounts.models.sessions import UserSession

    sessions = UserSession.objects.filter(user_id=user.pk)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    deleted, _rows = sessions.delete()
    return deleted
