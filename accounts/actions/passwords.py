"""Everyone's own password."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.sessions import end_sessions
from core.audit import save_logged


def do_change_own_password(user: User, new_password: str, *, keep_session: str | None = None) -> None:
    """Set the account's new password (already checked against the policy by the form): the
    one-time or expired password is gone, the account's other sessions and every API token end."""
    with transaction.atomic():
        user.set_password(new_password)
        was_one_time = user.must_change_password
        user.must_change_password = False
        save_logged(
            user,
            actor=user,
            update_fields=["password", "password_changed_at", "must_change_password"],
            message=_("修改初始密码") if was_one_time else _("修改本人密码"),
        )
        end_sessions(user, keep=keep_session)
