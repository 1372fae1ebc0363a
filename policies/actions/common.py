"""Shared steps of the policy actions: locking what a step changes, role checks."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionError, NotAllowedError, require_role
from core.roles import Role
from core.scoping import CHANGE, restrict
from policies.errors import PolicyErrorCode
from policies.models import AwardApplication, Fund, PolicyPack


def require_bureau(actor: User, what: str) -> None:
    require_role(actor, Role.BUREAU, _("%(what)s由政策所在区县商务局办理。") % {"what": what})


def locked_application(actor: User, application: AwardApplication | int) -> AwardApplication:
    """The application locked for the step, if the actor may change it; else not allowed."""
    pk = application if isinstance(application, int) else application.pk
    qs = AwardApplication.objects.select_for_update(of=("self",)).select_related("pack", "enterprise")
    locked = restrict(qs, actor, CHANGE).filter(pk=pk).first()
    if locked is None:
        raise NotAllowedError(_("您无权办理该申请。"))
    return locked


def locked_fund(actor: User, pack_id: int, year: int, *, required: bool = True) -> Fund | None:
    qs = restrict(Fund.objects.select_for_update(of=("self",)), actor, CHANGE)
    fund = qs.filter(pack_id=pack_id, year=year).first()
    if fund is None and not restrict(PolicyPack.objects.filter(pk=pack_id), actor, CHANGE).exists():
        raise NotAllowedError(_("您无权办理该政策。"))
    if fund is None and required:
        raise ActionError(PolicyErrorCode.NO_FUND, year=year)
    return fund
