"""An enterprise leaves a base: the stay is closed with its exit date, never deleted."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import save_logged
from core.errors import ActionError, NotAllowedError
from core.scoping import CHANGE, restrict
from registry.errors import RegistryErrorCode
from registry.models import Residency


def do_end_residency(actor: User, residency: Residency, left_on: datetime.date, note: str = "") -> Residency:
    with transaction.atomic():
        locked = restrict(Residency.objects.select_for_update(), actor, CHANGE).filter(pk=residency.pk).first()
        if locked is None:
            raise NotAllowedError(_("您无权办理该企业的迁出。"))
        if locked.left_on is not None:
            raise ActionError(RegistryErrorCode.ALREADY_LEFT, date=locked.left_on)
        if left_on < locked.entered_on:
            raise ActionError(RegistryErrorCode.BEFORE_ENTRY, date=locked.entered_on)
        if left_on > timezone.localdate():
            raise ActionError(RegistryErrorCode.FUTURE_DATE)
        locked.left_on = left_on
        fields = ["left_on"]
        if note:
            locked.note = note
            fields.append("note")
        save_logged(locked, actor=actor, update_fields=fields, message=_("迁出"))
    return locked
