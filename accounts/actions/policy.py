"""The security administrator sets the security policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import SecurityPolicy
from core.audit import save_logged
from core.errors import require_role
from core.roles import Role


def do_set_policy(actor: Any, policy: SecurityPolicy, fields: Sequence[str]) -> SecurityPolicy:
    """Store the policy with the changed fields (the whole policy the first time it is stored)."""
    require_role(actor, Role.SECADMIN, _("安全策略由安全管理员设置。"))
    with transaction.atomic():
        first = SecurityPolicy.stored() is None
        save_logged(
            policy,
            actor=actor,
            update_fields=None if first else list(fields),
            message=_("安全管理员设置安全策略"),
        )
    return policy
