"""The ministry opens and closes calls."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import workflow
from core.audit import save_logged
from core.errors import require_role
from core.roles import Role
from selection.models import Call, CallStatus


def do_open_call(
    actor: User, *, title: str, document_no: str, deadline: datetime.datetime, template: Call | None = None
) -> Call:
    """Open a call; a call used as template lends its rule parameters (quotas, thresholds)."""
    require_role(actor, Role.MINISTRY, _("只有商务部可以发布申报批次。"))
    call = Call(
        title=title,
        document_no=document_no,
        deadline=deadline,
        template=template,
        params=dict(template.params) if template is not None else {},
    )
    with transaction.atomic():
        workflow.create(call, actor, status=CallStatus.OPEN)
    return call


def do_close_call(actor: User, call: Call) -> Call:
    require_role(actor, Role.MINISTRY, _("只有商务部可以截止申报批次。"))
    workflow.transition(call, CallStatus.CLOSED, actor)
    return call


def do_set_extra_slot(actor: User, call: Call, quota_unit_code: str, approved: bool) -> Call:
    """The ministry's consent (酌情增加) to one more applicant of a province with ≥ 3 demonstration
    cities. Whether the province qualifies is the quota rule's business; this records the consent."""
    require_role(actor, Role.MINISTRY, _("只有商务部可以同意酌情增加名额。"))
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        units = set(locked.params.get("extra_slot_units", []))
        units = units | {quota_unit_code} if approved else units - {quota_unit_code}
        locked.params = {**locked.params, "extra_slot_units": sorted(units)}
        save_logged(locked, actor=actor, update_fields=["params"], clean=False)
    call.refresh_from_db()
    return call
