"""Shared steps of the policy actions: the timeline, the one place a status changes, role checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.audit import log_change
from core.errors import ActionError, NotAllowedError, require_role
from core.models import ChangeLog
from core.roles import Role
from core.scoping import CHANGE, restrict
from policies.models import AWARD_TRANSITIONS, AwardApplication, AwardEvent, AwardStatus, Fund, PolicyPack


def transition(
    application: AwardApplication, actor: Any, to_status: str, kind: str, message: str = "", **fields: Any
) -> None:
    """Change the status by the transition table, with the other fields of the step; log and time it."""
    if to_status not in AWARD_TRANSITIONS[application.status]:
        raise ActionError(
            "invalid_transition",
            _("申请当前状态为“%(from)s”，不能变更为“%(to)s”。")
            % {"from": application.get_status_display(), "to": AwardStatus(to_status).label},
        )
    before = application.snapshot()
    application.status = to_status
    for name, value in fields.items():
        setattr(application, name, value)
    application.save(update_fields=["status", *fields, "last_updated"])
    log_change(application, ChangeLog.Action.UPDATE, before, application.snapshot(), actor=actor, message=message)
    AwardEvent.record(application, actor, kind, message)


def require_bureau(actor: Any, what: str) -> None:
    require_role(actor, Role.BUREAU, _("%(what)s由政策所在区县商务局办理。") % {"what": what})


def locked_application(actor: Any, application: AwardApplication | int) -> AwardApplication:
    """The application locked for the step, if the actor may change it; else not allowed."""
    pk = application if isinstance(application, int) else application.pk
    qs = AwardApplication.objects.select_for_update(of=("self",)).select_related("pack", "enterprise")
    locked = restrict(qs, actor, CHANGE).filter(pk=pk).first()
    if locked is None:
        raise NotAllowedError(_("您无权办理该申请。"))
    return locked


def locked_fund(actor: Any, pack_id: int, year: int, *, required: bool = True) -> Fund | None:
    qs = restrict(Fund.objects.select_for_update(of=("self",)), actor, CHANGE)
    fund = qs.filter(pack_id=pack_id, year=year).first()
    if fund is None and not restrict(PolicyPack.objects.filter(pk=pack_id), actor, CHANGE).exists():
        raise NotAllowedError(_("您无权办理该政策。"))
    if fund is None and required:
        raise ActionError("no_fund", _("尚未安排 %(year)s 年度扶持资金，请先设置年度资金。") % {"year": year})
    return fund
