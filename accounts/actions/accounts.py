"""What the three administrators do to accounts (三员分立, GB/T 22239-2019 level 3).

- The system administrator creates accounts (with a one-time password the account must change at
  first sign-in), changes their role, scope and details, disables and re-enables them, and resets a
  forgotten password. That includes the security administrator's and the auditor's accounts and
  other system administrators': someone must manage them, and the auditor reads every such change,
  flagged in its message. Nobody changes their own role or scope, disables their own account or
  resets their own password here (the last active system administrator cannot lock everyone out).
- The security administrator lifts the locks of an account (wrong passwords, wrong codes).
- Nobody deletes an account: the change log keeps naming its actor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import lockout
from accounts.errors import AccountsErrorCode
from accounts.models import User
from accounts.passwords import one_time_password
from accounts.sessions import end_sessions
from core.audit import log_event, save_logged
from core.errors import ActionError, require_role
from core.models import ChangeLog
from core.roles import SCOPE_FIELD, THREE_ADMINS, Role

DETAIL_FIELDS = ("display_name", "organisation", "phone")
SCOPE_FIELDS = ("quota_unit", "region", "base", "enterprise")
ROLE_FIELDS = ("role", *SCOPE_FIELDS)
EDITABLE_FIELDS = (*DETAIL_FIELDS, *ROLE_FIELDS, "is_active")


def _sysadmin(actor: Any) -> None:
    require_role(actor, Role.SYSADMIN, _("账号由系统管理员管理。"))


def _message(text: str, *roles: str) -> str:
    """A change that touches one of the three administrators' accounts says so, for the auditor."""
    if any(r in THREE_ADMINS for r in roles):
        return _("%(text)s（涉及三员账号）") % {"text": text}
    return text


def _clear_unneeded_scope(user: User) -> list[str]:
    """The scope fields the role does not use are emptied (an operator made a bureau keeps no base)."""
    needed = SCOPE_FIELD.get(Role(user.role)) if user.role in Role.values else None
    cleared = []
    for name in SCOPE_FIELDS:
        if name != needed and getattr(user, f"{name}_id") is not None:
            setattr(user, name, None)
            cleared.append(name)
    return cleared


def do_create_account(actor: Any, user: User) -> tuple[User, str]:
    """Create the account described by `user` (unsaved); returns it and its one-time password,
    which is shown once and never stored in clear."""
    _sysadmin(actor)
    if User.objects.filter(username__iexact=user.username).exists():
        raise ActionError(AccountsErrorCode.USERNAME_TAKEN, field="username", username=user.username)
    _clear_unneeded_scope(user)
    password = one_time_password()
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.is_active = True
    with transaction.atomic():
        save_logged(user, actor=actor, message=_message(_("系统管理员新建账号，初始密码须在首次登录时修改"), user.role))
    return user, password


def do_update_account(actor: Any, user: User, changes: Mapping[str, Any]) -> User:
    """Change an account's details, role and scope (and whether it is active)."""
    _sysadmin(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changes = dict(changes)
    active = changes.pop("is_active", None)
    before_role = user.role
    differs = {k: v for k, v in changes.items() if _value(user, k) != _value_of(v)}
    if user.pk == actor.pk and set(differs) & set(ROLE_FIELDS):
        raise ActionError(AccountsErrorCode.OWN_ROLE, field="role")
    with transaction.atomic():
        if differs:
            for name, value in differs.items():
                setattr(user, name, value)
            fields = [*differs, *_clear_unneeded_scope(user)]
            save_logged(
                user,
                actor=actor,
                update_fields=list(dict.fromkeys(fields)),
                message=_message(_("系统管理员修改账号"), before_role, user.role),
            )
            if set(fields) & set(ROLE_FIELDS):
                # What the account may see changed: it signs in again (with a second factor, if
                # the new role needs one); its tokens end with its sessions.
                _end_access(user)
        if active is not None and bool(active) != user.is_active:
            do_set_active(actor, user, bool(active))
    return user


def _value(user: User, name: str) -> Any:
    return getattr(user, f"{name}_id") if name in SCOPE_FIELDS else getattr(user, name)


def _value_of(value: Any) -> Any:
    return getattr(value, "pk", value)


def _end_access(user: User) -> None:
    from accounts.models import ApiToken

    end_sessions(user)
    ApiToken.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(current_session_key="")
    user.current_session_key = ""


def do_set_active(actor: Any, user: User, active: bool) -> User:
    """Disable (its sessions and API tokens end at once) or re-enable an account."""
    _sysadmin(actor)
    if user.pk == actor.pk and not active:
        raise ActionError(AccountsErrorCode.OWN_ACCOUNT_DISABLE)
    if user.is_active == active:
        raise ActionError(AccountsErrorCode.ALREADY_ACTIVE if active else AccountsErrorCode.ALREADY_DISABLED)
    with transaction.atomic():
        user.is_active = active
        text = _("系统管理员启用账号") if active else _("系统管理员停用账号，其会话和接口令牌随即失效")
        save_logged(user, actor=actor, update_fields=["is_active"], message=_message(text, user.role))
        if not active:
            _end_access(user)
    return user


def do_reset_password(actor: Any, user: User) -> str:
    """A new one-time password for an account that forgot its own (shown once; the account must
    change it at its next sign-in); its sessions and tokens end."""
    _sysadmin(actor)
    if user.pk == actor.pk:
        raise ActionError(AccountsErrorCode.OWN_PASSWORD_RESET)
    password = one_time_password()
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        save_logged(
            user,
            actor=actor,
            update_fields=["password", "password_changed_at", "must_change_password"],
            message=_message(_("系统管理员重置密码，新密码须在下次登录时修改"), user.role),
        )
        _end_access(user)
    return password


def do_unlock_account(actor: Any, user: User) -> int:
    """Lift every sign-in lock of the account (the security administrator); returns the failed
    attempts cleared."""
    require_role(actor, Role.SECADMIN, _("解除登录锁定由安全管理员办理。"))
    with transaction.atomic():
        locked = lockout.is_locked(user)
        cleared = lockout.unlock(user)
        text = _("安全管理员解除登录锁定（清除登录失败记录 %(n)s 条）") % {"n": cleared}
        if not locked:
            text = _("安全管理员清除登录失败记录 %(n)s 条（账号当时未被锁定）") % {"n": cleared}
        log_event(ChangeLog.Action.UPDATE, obj=user, actor=actor, message=_message(text, user.role))
    return cleared
