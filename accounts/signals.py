"""Sign-ins, sign-outs and failed attempts go to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit import audit_context, log_event
from core.middleware import client_ip
from core.models import ChangeLog


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user.is_admin_role and request is not None and hasattr(request, "session"):
        if not request.session.session_key:
            request.session.save()
        # Recorded without touching other fields; this is session state, not a data change.
        type(user).objects.filter(pk=user.pk).update(current_session_key=request.session.session_key)
        user.current_session_key = request.session.session_key
    with audit_context(actor=user, ip=client_ip(request) if request is not None else None):
        log_event(ChangeLog.Action.LOGIN, actor=user, object_repr=user.username)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log_event(ChangeLog.Action.LOGOUT, actor=user, object_repr=user.username)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    with audit_context(ip=client_ip(request) if request is not None else None):
        log_event(
            ChangeLog.Action.LOGIN_FAILED,
            result=ChangeLog.Result.FAILURE,
            object_repr=username,
            message="",
        )
