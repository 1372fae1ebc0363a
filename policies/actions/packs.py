"""Packs and their yearly funds: the bureau of the district registers its policy, puts it in force,
and sets each year's fund and the rule that shares it when claims exceed it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import workflow
from core.audit import save_logged
from core.errors import ActionError, NotAllowedError
from core.money import yuan
from core.roles import Role
from core.scoping import CHANGE, restrict
from policies import funds as fund_figures
from policies.actions.common import require_bureau
from policies.errors import PolicyErrorCode
from policies.models import AllocationRule, Fund, PolicyPack
from policies.packinfo import params_for
from regions.models import Region


def do_create_pack(
    actor: User,
    *,
    code: str,
    region: Region,
    title: str = "",
    issuer: str = "",
    document_no: str = "",
    effective_on: datetime.date | None = None,
) -> PolicyPack:
    """Register a pack whose rules are in policies/packs/<code>/; metadata defaults to the pack file's."""
    require_bureau(actor, _("登记扶持政策"))
    if actor.region is None or not region.code.startswith(actor.region.prefix):
        raise NotAllowedError(_("只能登记本辖区的扶持政策。"))
    params = params_for(code)
    with transaction.atomic():
        if PolicyPack.objects.filter(code=code).exists():
            raise ActionError(PolicyErrorCode.DUPLICATE_PACK, pack=code, field="code")
        pack = PolicyPack(
            code=code,
            region=region,
            title=title or params.title,
            issuer=issuer or params.issuing_body,
            document_no=document_no or params.document_no,
            effective_on=effective_on or params.effective,
        )
        workflow.create(pack, actor)
    return pack


def do_change_pack_status(actor: User, pack: PolicyPack, to_status: str) -> PolicyPack:
    require_bureau(actor, _("政策的施行和停止"))
    with transaction.atomic():
        locked = restrict(PolicyPack.objects.select_for_update(of=("self",)), actor, CHANGE).filter(pk=pack.pk).first()
        if locked is None:
            raise NotAllowedError(_("您无权办理该政策。"))
        workflow.transition(locked, to_status, actor)
    return locked


def do_set_fund(
    actor: User,
    pack: PolicyPack,
    year: int,
    *,
    amount_fen: int | None = None,
    allocation_rule: str | None = None,
    document_no: str = "",
    note: str = "",
) -> Fund:
    """Create or change a year's fund. Defaults come from the pack's parameters in force that year
    (四（五）: 1000万元; the allocation rule). A fund is never set below what is already approved."""
    require_bureau(actor, _("年度资金"))
    if restrict(PolicyPack.objects.filter(pk=pack.pk), actor, CHANGE).first() is None:
        raise NotAllowedError(_("您无权办理该政策。"))
    params = params_for(pack.code)
    on = params.as_of(year)
    if amount_fen is None:
        amount_fen = int(params.value("fund_per_year_fen", on))
    if allocation_rule is None:
        allocation_rule = str(params.value("fund_allocation", on))
    if amount_fen < 0:
        raise ActionError(PolicyErrorCode.NEGATIVE_AMOUNT, field="amount_fen")
    if allocation_rule not in AllocationRule.values:
        raise ActionError(PolicyErrorCode.UNKNOWN_RULE, field="allocation_rule")
    with transaction.atomic():
        fund = (
            restrict(Fund.objects.select_for_update(of=("self",)), actor, CHANGE).filter(pack=pack, year=year).first()
        )
        if fund is None:
            fund = Fund(
                pack=pack,
                year=year,
                amount_fen=amount_fen,
                allocation_rule=allocation_rule,
                document_no=document_no,
                note=note,
            )
            save_logged(fund, actor=actor)
            return fund
        approved = fund_figures.approved_fen(fund)
        if amount_fen < approved:
            raise ActionError(PolicyErrorCode.BELOW_APPROVED, year=year, approved=yuan(approved), field="amount_fen")
        fund.amount_fen, fund.allocation_rule = amount_fen, allocation_rule
        fund.document_no, fund.note = document_no, note
        save_logged(fund, actor=actor, update_fields=["amount_fen", "allocation_rule", "document_no", "note"])
    return fund


def is_bureau_of(actor: User, pack: PolicyPack) -> bool:
    return (
        getattr(actor, "role", None) == Role.BUREAU
        and restrict(PolicyPack.objects.filter(pk=pack.pk), actor, CHANGE).exists()
    )
