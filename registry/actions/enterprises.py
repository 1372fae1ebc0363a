"""Registering an enterprise (one record per credit code) and its entry into a base."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import uscc
from core.audit import save_logged
from core.errors import ActionError, NotAllowedError
from core.roles import Role
from core.scoping import ADD, CHANGE, can, restrict
from registry.errors import RegistryErrorCode
from registry.models import Base, Enterprise, Residency


def do_register_enterprise(
    actor: User, enterprise: Enterprise, base: Base | None = None, entered_on: datetime.date | None = None
) -> Enterprise:
    """Create the enterprise and, when a base is given, its residency there, in one transaction.

    An operator registers only into its own base, and must name it.
    """
    if not can(actor, Enterprise, ADD):
        raise NotAllowedError(_("您无权登记企业。"))
    if getattr(actor, "role", None) == Role.OPERATOR and base is None:
        raise ActionError(RegistryErrorCode.BASE_REQUIRED, field="base")
    if base is not None and not restrict(Base.objects.filter(pk=base.pk), actor, CHANGE).exists():
        raise ActionError(RegistryErrorCode.BASE_OUT_OF_SCOPE, field="base")
    enterprise.credit_code = uscc.normalize(enterprise.credit_code)
    if Enterprise.objects.filter(credit_code=enterprise.credit_code).exists():
        raise ActionError(RegistryErrorCode.DUPLICATE, credit_code=enterprise.credit_code, field="credit_code")
    if not enterprise.category:
        enterprise.category = uscc.category(enterprise.credit_code)
    with transaction.atomic():
        save_logged(enterprise, actor=actor)
        if base is not None:
            stay = Residency(enterprise=enterprise, base=base, entered_on=entered_on or timezone.localdate())
            save_logged(stay, actor=actor)
    return enterprise
