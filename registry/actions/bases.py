"""State changes of bases. The status of a base changes here and nowhere else."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import workflow
from core.audit import log_change, save_logged
from core.errors import ActionError, NotAllowedError, require_role
from core.models import ChangeLog
from core.roles import Role
from registry.errors import RegistryErrorCode
from registry.models import Base, BaseStatus, BaseStatusChange

# Fields each role may edit on a base it can change (status is never among them).
EDITABLE_FIELDS: dict[str, tuple[str, ...]] = {
    Role.MINISTRY: (
        "name",
        "quota_unit",
        "region",
        "address",
        "operator_name",
        "operator_credit_code",
        "area_m2",
        "operating_since",
        "batch",
        "designated_year",
        "description",
    ),
    Role.PROVINCE: ("address", "operator_name", "operator_credit_code", "area_m2", "description"),
    Role.OPERATOR: ("address", "description"),
}


def editable_base_fields(actor: User) -> tuple[str, ...]:
    return EDITABLE_FIELDS.get(getattr(actor, "role", ""), ())


def do_update_base(actor: User, base: Base, changes: dict[str, Any]) -> ChangeLog | None:
    """Write only the fields given, and only those the actor's role may edit.

    `covered_regions` (the ministry's) takes a list of regions; its change is logged as the
    list of codes before and after.
    """
    allowed = set(editable_base_fields(actor)) | (
        {"covered_regions"} if getattr(actor, "role", None) == Role.MINISTRY else set()
    )
    refused = set(changes) - allowed
    if refused:
        fields = {f.name: f for f in Base._meta.get_fields()}
        labels = sorted(str(getattr(fields.get(n), "verbose_name", None) or _("未知字段")) for n in refused)
        raise NotAllowedError(_("您无权修改以下字段：%(fields)s") % {"fields": "、".join(labels)})
    changes = dict(changes)
    covered = changes.pop("covered_regions", None)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(base, name, value)
        entry = save_logged(base, actor=actor, update_fields=list(changes)) if changes else None
        if covered is not None:
            before = sorted(base.covered_regions.values_list("code", flat=True))
            after = sorted(r.code for r in covered)
            if before != after:
                base.covered_regions.set(covered)
                entry = log_change(
                    base, ChangeLog.Action.UPDATE, {"covered_regions": before}, {"covered_regions": after}, actor=actor
                )
    return entry


def do_change_base_status(
    actor: User,
    base: Base,
    to_status: str,
    *,
    date: datetime.date,
    document_no: str = "",
    note: str = "",
) -> BaseStatusChange:
    """Designate, warn, order rectification, clear or remove a base, with its date and document."""
    require_role(actor, Role.MINISTRY, _("只有商务部可以变更基地状态。"))
    if to_status not in BaseStatus.values:
        raise ActionError(RegistryErrorCode.INVALID_STATUS, field="to_status")
    if to_status in (BaseStatus.WARNED, BaseStatus.RECTIFYING, BaseStatus.REMOVED) and not document_no.strip():
        raise ActionError(RegistryErrorCode.DOCUMENT_REQUIRED, field="document_no")
    with transaction.atomic():
        locked = Base.objects.select_for_update().get(pk=base.pk)
        fields: dict[str, Any] = {}
        if to_status == BaseStatus.DESIGNATED and locked.designated_year is None:
            fields["designated_year"] = date.year
        change = workflow.transition(
            locked, to_status, actor, event=to_status, message=note,
            event_fields={"from_status": locked.status, "date": date, "document_no": document_no}, **fields,
        )  # fmt: skip
    assert isinstance(change, BaseStatusChange)
    base.refresh_from_db()
    return change
