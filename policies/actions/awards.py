"""Award applications: filing (by the enterprise, or by the bureau on its behalf) with evidence, the
engine's pre-computation, submission, the bureau's audit (return, recompute, correct a fact),
approval within what is left of the year's fund — alone or as a round shared by the pack's
allocation rule — rejection and revocation. Status changes happen only here and in `ledger.py`.

Concurrency: every approval locks the fund row (SELECT … FOR UPDATE on PostgreSQL; SQLite runs
each transaction as BEGIN IMMEDIATE, one writer at a time) and computes what is left inside the
same transaction, so parallel approvals cannot overspend the fund. Lock order is always fund(s)
first, then applications, so two rounds cannot deadlock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import workflow
from core.audit import log_change, save_logged
from core.errors import ActionError, NotAllowedError
from core.models import ChangeLog
from core.money import yuan
from core.roles import Role
from core.scoping import VIEW, restrict
from core.uploads import UploadRefused
from policies import funds
from policies.actions.common import locked_application, locked_fund, require_bureau
from policies.computation import NO_FACT, compute
from policies.errors import PolicyErrorCode
from policies.evidence import check_evidence
from policies.explaining import reason_text
from policies.models import (
    FACT_MODELS,
    AwardApplication,
    AwardEvent,
    AwardStatus,
    Evidence,
    Fund,
    PackStatus,
    PolicyPack,
)
from policies.packinfo import REF_KINDS, applicable_items
from policies.rules.allocation import Claim as AllocationClaim
from policies.rules.allocation import allocate
from registry.models import Enterprise

MAX_EVIDENCE_LABEL = 64


# Filing --------------------------------------------------------------------------------------------


def _check_claim(actor: User, pack: PolicyPack, enterprise: Enterprise, item: str, ref: int, year: int) -> None:
    role = getattr(actor, "role", None)
    if role == Role.ENTERPRISE:
        if actor.enterprise_id != enterprise.pk:
            raise NotAllowedError(_("企业只能为本企业提出申请。"))
    elif role == Role.BUREAU:
        if not restrict(Enterprise.objects.filter(pk=enterprise.pk), actor, VIEW).exists():
            raise NotAllowedError(_("只能代本辖区登记或入驻的企业提出申请。"))
    else:
        raise NotAllowedError(_("奖补申请由企业提出，或由区县商务局代为提出。"))
    if not restrict(PolicyPack.objects.filter(pk=pack.pk), actor, VIEW).exists():
        raise NotAllowedError(_("您无权办理该政策。"))
    if pack.status != PackStatus.ACTIVE:
        raise ActionError(PolicyErrorCode.PACK_NOT_ACTIVE)
    items = {i.key: i for i in applicable_items(pack.code)}
    if item not in items:
        raise ActionError(PolicyErrorCode.UNKNOWN_ITEM, item=item, field="item")
    this_year = timezone.localdate().year
    if year < pack.effective_on.year or year > this_year:
        raise ActionError(PolicyErrorCode.BAD_YEAR, first=pack.effective_on.year, last=this_year, field="year")
    ref_kind = REF_KINDS.get(item)
    if ref_kind is None:
        if ref:
            raise ActionError(PolicyErrorCode.REF_NOT_NEEDED, item=items[item].label, field="ref")
        return
    model = FACT_MODELS[ref_kind]
    if not ref or not model.objects.filter(pk=ref, enterprise=enterprise).exists():
        raise ActionError(
            PolicyErrorCode.REF_REQUIRED, item=items[item].label, what=model._meta.verbose_name, field="ref"
        )


def _checked_evidence(files: Iterable[Any]) -> list[Any]:
    checked = []
    for uploaded in files:
        try:
            check_evidence(uploaded)
        except UploadRefused as exc:
            raise ActionError(exc.code, exc.message, field="evidence") from None
        checked.append(uploaded)
    return checked


def _store_evidence(actor: User, app: AwardApplication, uploaded: Any, label: str) -> Evidence:
    name = str(uploaded.name)[:255]
    evidence = Evidence(
        application=app,
        label=(label or name)[:MAX_EVIDENCE_LABEL],
        file=uploaded,
        original_name=name,
        size=int(uploaded.size or 0),
    )
    save_logged(evidence, actor=actor)
    AwardEvent.record(app, actor, AwardEvent.Kind.EVIDENCE, f"{evidence.label}：{name}")
    return evidence


def do_file_application(
    actor: User,
    pack: PolicyPack,
    enterprise: Enterprise,
    *,
    item: str,
    year: int,
    ref: int = 0,
    note: str = "",
    evidence: Sequence[Any] = (),
    evidence_label: str = "",
) -> AwardApplication:
    """A new application (待提交) with its evidence; the engine pre-computes it at once so the
    applicant sees the amount and the explanation before submitting."""
    _check_claim(actor, pack, enterprise, item, ref, year)
    files = _checked_evidence(evidence)
    with transaction.atomic():
        duplicate = (
            AwardApplication.objects.filter(
                pack=pack, enterprise=enterprise, item=item, ref=ref, year=year, carried_from__isnull=True
            )
            .exclude(status=AwardStatus.REJECTED)
            .first()
        )
        if duplicate is not None:
            raise ActionError(PolicyErrorCode.DUPLICATE, year=year, id=duplicate.pk)
        app = AwardApplication(pack=pack, enterprise=enterprise, item=item, ref=ref, year=year, note=note)
        app.filed_by = actor
        try:
            with transaction.atomic():
                workflow.create(app, actor)
        except IntegrityError:
            raise ActionError(PolicyErrorCode.DUPLICATE, _("该企业本年度已就此事项提出申请，不能重复申请。")) from None
        who = _("企业") if getattr(actor, "role", None) == Role.ENTERPRISE else _("区县商务局代企业")
        AwardEvent.record(app, actor, AwardEvent.Kind.CREATED, _("%(who)s提出申请") % {"who": who})
        for uploaded in files:
            _store_evidence(actor, app, uploaded, evidence_label)
        recompute(actor, app)
    return app


def do_attach_evidence(actor: User, application: AwardApplication, uploaded: Any, label: str = "") -> Evidence:
    (checked,) = _checked_evidence([uploaded])
    with transaction.atomic():
        app = locked_application(actor, application)
        if app.status not in (AwardStatus.DRAFT, AwardStatus.SUBMITTED):
            raise ActionError(PolicyErrorCode.DECIDED, _("申请已审核完毕，不能再补充材料。"))
        return _store_evidence(actor, app, checked, label)


# Computing ------------------------------------------------------------------------------------------


def recompute(actor: User, app: AwardApplication) -> AwardApplication:
    """Run the engine for the application (inside the caller's transaction, the row locked) and store
    amount, reason, trace, facts and the parameters' version; an event says what changed."""
    result = compute([app])[app.pk]
    before = app.snapshot()
    previous = app.computed_amount_fen
    app.computed_amount_fen = result.amount_fen
    app.reason = result.reason
    app.trace = result.trace
    app.facts = result.facts
    app.params_version = result.params_version
    app.computed_at = timezone.now()
    fields = ["computed_amount_fen", "reason", "trace", "facts", "params_version", "computed_at"]
    app.save(update_fields=[*fields, "last_updated"])
    log_change(app, ChangeLog.Action.UPDATE, before, app.snapshot(), actor=actor, message=_("系统测算"))
    message = _("测算金额 %(amount)s 元（%(reason)s）") % {
        "amount": yuan(result.amount_fen),
        "reason": reason_text(result.reason),
    }
    if previous is not None and previous != result.amount_fen:
        message += _("，原为 %(old)s 元") % {"old": yuan(previous)}
    AwardEvent.record(app, actor, AwardEvent.Kind.COMPUTED, message)
    return app


def do_recompute_application(actor: User, application: AwardApplication) -> AwardApplication:
    """Compute again with today's facts and parameters (the applicant before submitting, the bureau
    while auditing)."""
    with transaction.atomic():
        app = locked_application(actor, application)
        if app.status not in (AwardStatus.DRAFT, AwardStatus.SUBMITTED):
            raise ActionError(PolicyErrorCode.DECIDED, _("申请已审核完毕，测算结果保持审核时的数据。"))
        if app.status == AwardStatus.SUBMITTED and getattr(actor, "role", None) != Role.BUREAU:
            raise NotAllowedError(_("申请已提交，由区县商务局审核时重新测算。"))
        return recompute(actor, app)


def do_submit_application(actor: User, application: AwardApplication) -> AwardApplication:
    """Submit for audit; the engine computes it once more with the facts of this moment, which the
    application keeps."""
    with transaction.atomic():
        app = locked_application(actor, application)
        if app.status != AwardStatus.DRAFT:
            raise ActionError(PolicyErrorCode.NOT_DRAFT)
        recompute(actor, app)
        workflow.transition(
            app, AwardStatus.SUBMITTED, actor, event=AwardEvent.Kind.SUBMITTED, submitted_at=timezone.now()
        )
    return app


# The bureau's decisions ---------------------------------------------------------------------------


def do_return_application(actor: User, application: AwardApplication, message: str) -> AwardApplication:
    """Return a submitted application to the applicant for correction, saying what to correct."""
    require_bureau(actor, _("退回补正"))
    message = (message or "").strip()
    if not message:
        raise ActionError(PolicyErrorCode.MESSAGE_REQUIRED, field="message")
    with transaction.atomic():
        app = locked_application(actor, application)
        workflow.transition(
            app, AwardStatus.DRAFT, actor, event=AwardEvent.Kind.RETURNED, message=message, decision_note=message
        )
    return app


def do_reject_application(actor: User, application: AwardApplication, reason: str) -> AwardApplication:
    require_bureau(actor, _("审核"))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(PolicyErrorCode.REASON_REQUIRED, _("请填写不予核准的理由。"), field="reason")
    with transaction.atomic():
        app = locked_application(actor, application)
        workflow.transition(
            app,
            AwardStatus.REJECTED,
            actor,
            event=AwardEvent.Kind.REJECTED,
            message=reason,
            decision_note=reason,
            decided_at=timezone.now(),
        )
    return app


def _fund_short(fund: Fund, remaining: int, wanted: int) -> ActionError:
    return ActionError(
        PolicyErrorCode.FUND_EXCEEDED,
        year=fund.year,
        remaining=yuan(remaining),
        amount=yuan(wanted),
        field="amount_fen",
    )


def do_approve_application(
    actor: User, application: AwardApplication, *, amount_fen: int | None = None, note: str = ""
) -> AwardApplication:
    """Approve one submitted application for its computed amount (or less), charged to the fund of
    its year; refused when that is more than what is left of the fund."""
    require_bureau(actor, _("核准"))
    with transaction.atomic():
        fund = locked_fund(actor, application.pack_id, application.year)
        assert fund is not None
        app = locked_application(actor, application)
        if app.status != AwardStatus.SUBMITTED:
            raise ActionError(PolicyErrorCode.NOT_SUBMITTED, status=app.get_status_display())
        computed = int(app.computed_amount_fen or 0)
        amount = computed if amount_fen is None else int(amount_fen)
        if computed <= 0:
            raise ActionError(PolicyErrorCode.NOTHING_TO_APPROVE, reason=app.reason or NO_FACT, field="amount_fen")
        if amount <= 0 or amount > computed:
            raise ActionError(PolicyErrorCode.BAD_AMOUNT, computed=yuan(computed), field="amount_fen")
        remaining = funds.remaining_fen(fund)
        if amount > remaining:
            raise _fund_short(fund, remaining, amount)
        message = _("核准 %(amount)s 元，列支 %(year)s 年度资金") % {"amount": yuan(amount), "year": fund.year}
        if amount < computed:
            message += _("（测算 %(computed)s 元）") % {"computed": yuan(computed)}
        if note:
            message += f"；{note}"
        workflow.transition(
            app,
            AwardStatus.APPROVED,
            actor,
            event=AwardEvent.Kind.APPROVED,
            message=message,
            fund=fund,
            approved_amount_fen=amount,
            decided_at=timezone.now(),
            decision_note=note,
        )
    return app


def do_approve_round(
    actor: User, fund: Fund, applications: Sequence[AwardApplication], *, note: str = ""
) -> list[AwardApplication]:
    """Approve several submitted applications of the fund's year together. When their computed
    amounts exceed what is left, the fund's allocation rule shares it (policies.rules.allocation):
    pro rata to the fen, in approval order (submission time, then number), or carrying over to the
    next year's fund what does not fit (that fund must exist and have room). A claim granted nothing
    stays submitted, with the reason on its timeline. Returns the applications, refreshed."""
    require_bureau(actor, _("核准"))
    ids = sorted({a.pk for a in applications})
    if not ids:
        raise ActionError(PolicyErrorCode.EMPTY_ROUND)
    with transaction.atomic():
        locked = locked_fund(actor, fund.pack_id, fund.year)
        assert locked is not None
        fund = locked
        carry = fund.allocation_rule == "carry_over"
        next_fund = locked_fund(actor, fund.pack_id, fund.year + 1, required=False) if carry else None
        apps = [locked_application(actor, pk) for pk in ids]
        for app in apps:
            if app.status != AwardStatus.SUBMITTED or app.pack_id != fund.pack_id or app.year != fund.year:
                raise ActionError(PolicyErrorCode.NOT_IN_ROUND, id=app.pk, year=fund.year)
            if not app.computed_amount_fen:
                raise ActionError(
                    PolicyErrorCode.NOTHING_TO_APPROVE,
                    _("申请 %(id)s 测算金额为零，不能列入本轮核准。") % {"id": app.pk},
                )
        apps.sort(key=lambda a: (a.submitted_at or timezone.now(), a.pk))
        remaining = funds.remaining_fen(fund)
        grants = allocate(
            [AllocationClaim(a.pk, int(a.computed_amount_fen or 0)) for a in apps],
            max(remaining, 0),
            fund.allocation_rule,
        )
        carried_total = sum(g.carried_fen for g in grants)
        if carried_total:
            if next_fund is None:
                raise ActionError(PolicyErrorCode.NO_NEXT_FUND, amount=yuan(carried_total), year=fund.year + 1)
            room = funds.remaining_fen(next_fund)
            if carried_total > room:
                raise ActionError(
                    PolicyErrorCode.NEXT_FUND_SHORT, amount=yuan(carried_total), year=next_fund.year, room=yuan(room)
                )
        rule = fund.get_allocation_rule_display()
        now = timezone.now()
        for app, grant in zip(apps, grants, strict=True):
            short = grant.granted_fen < grant.claimed_fen
            if grant.granted_fen == 0 and grant.carried_fen == 0:
                AwardEvent.record(
                    app,
                    actor,
                    AwardEvent.Kind.HELD,
                    _("本轮资金余额 %(left)s 元已分配完毕（%(rule)s），暂未核准。")
                    % {"left": yuan(remaining), "rule": rule},
                )
                continue
            if grant.granted_fen == 0:  # wholly carried: the claim is charged to next year's fund
                assert next_fund is not None
                message = _("本年度资金不足，%(amount)s 元全部结转 %(year)s 年度资金核准") % {
                    "amount": yuan(grant.carried_fen),
                    "year": next_fund.year,
                }
                workflow.transition(
                    app,
                    AwardStatus.APPROVED,
                    actor,
                    event=AwardEvent.Kind.APPROVED,
                    message=message,
                    fund=next_fund,
                    approved_amount_fen=grant.carried_fen,
                    decided_at=now,
                    decision_note=note,
                )
                continue
            message = _("核准 %(amount)s 元，列支 %(year)s 年度资金") % {
                "amount": yuan(grant.granted_fen),
                "year": fund.year,
            }
            if short:
                message += _("（申请测算 %(claimed)s 元，资金不足，%(rule)s）") % {
                    "claimed": yuan(grant.claimed_fen),
                    "rule": rule,
                }
            workflow.transition(
                app,
                AwardStatus.APPROVED,
                actor,
                event=AwardEvent.Kind.APPROVED,
                message=message,
                fund=fund,
                approved_amount_fen=grant.granted_fen,
                decided_at=now,
                decision_note=note,
            )
            if grant.carried_fen:
                assert next_fund is not None
                _carry(actor, app, next_fund, grant.carried_fen, now, note)
    for app in apps:
        app.refresh_from_db()
    return apps


def _carry(actor: User, app: AwardApplication, next_fund: Fund, amount: int, now: Any, note: str) -> AwardApplication:
    """The part of a claim carried over: a tranche of the same claim charged to next year's fund."""
    tranche = AwardApplication(
        pack=app.pack,
        enterprise=app.enterprise,
        item=app.item,
        ref=app.ref,
        year=app.year,
        note=app.note,
        computed_amount_fen=app.computed_amount_fen,
        reason=app.reason,
        trace=app.trace,
        facts=app.facts,
        params_version=app.params_version,
        computed_at=app.computed_at,
        submitted_at=app.submitted_at,
    )
    tranche.filed_by = app.filed_by
    tranche.carried_from = app
    tranche.fund = next_fund
    tranche.approved_amount_fen = amount
    tranche.decided_at = now
    tranche.decision_note = note
    message = _("结转 %(amount)s 元，列支 %(year)s 年度资金") % {"amount": yuan(amount), "year": next_fund.year}
    # Born approved, charged to next year's fund (an initial status of AWARD_TRANSITIONS).
    workflow.create(tranche, actor, status=AwardStatus.APPROVED, message=message, clean=False)
    AwardEvent.record(app, actor, AwardEvent.Kind.CARRIED, message + _("（结转部分编号 %(id)s）") % {"id": tranche.pk})
    AwardEvent.record(tranche, actor, AwardEvent.Kind.CARRIED, message + _("（结转自申请 %(id)s）") % {"id": app.pk})
    return tranche


def do_revoke_award(actor: User, application: AwardApplication, reason: str) -> AwardApplication:
    """Revoke an approved, unpaid award (a paid one is reversed in the ledger first); its amount
    returns to the fund."""
    require_bureau(actor, _("撤销核准"))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(PolicyErrorCode.REASON_REQUIRED, _("请填写撤销理由。"), field="reason")
    with transaction.atomic():
        app = locked_application(actor, application)
        if app.status == AwardStatus.PAID:
            raise ActionError(PolicyErrorCode.PAID)
        workflow.transition(
            app, AwardStatus.REVOKED, actor, event=AwardEvent.Kind.REVOKED, message=reason, decision_note=reason
        )
    return app
