"""Paying approved awards through the append-only ledger, and reversing a payment.

Nobody is paid twice: the application row is locked and must be approved (the transition table
then makes it paid); the n-th payment of an application is unique in the database
(`ledger_one_payment_per_attempt`) and a new attempt exists only after a reversal, so even two
requests that slipped past the lock could not both write a payment."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import workflow
from core.audit import log_change
from core.errors import ActionError, NotAllowedError
from core.models import ChangeLog, to_jsonable
from core.money import yuan
from core.scoping import CHANGE, restrict
from policies.actions.common import locked_application, require_bureau
from policies.errors import PolicyErrorCode
from policies.models import AwardApplication, AwardEvent, AwardStatus, EntryKind, LedgerEntry


def computation_trace(app: AwardApplication) -> dict[str, Any]:
    """Everything behind the money of an award, copied into its ledger entries: the facts, the
    parameters' version, the engine's steps, the amounts, the corrections and the decision."""
    approval = app.events.filter(kind=AwardEvent.Kind.APPROVED).select_related("actor").last()
    pack = app.pack
    return {
        "application": app.pk,
        "carried_from": app.carried_from_id,
        "enterprise": {"id": app.enterprise_id, "name": app.enterprise.name, "credit_code": app.enterprise.credit_code},
        "pack": {"code": pack.code, "title": pack.title, "document_no": pack.document_no},
        "item": app.item,
        "ref": app.ref,
        "year": app.year,
        "computed_amount_fen": app.computed_amount_fen,
        "reason": app.reason,
        "trace": app.trace,
        "facts": app.facts,
        "params_version": app.params_version,
        "computed_at": to_jsonable(app.computed_at),
        "submitted_at": to_jsonable(app.submitted_at),
        "corrections": [
            {
                "fact_kind": c.fact_kind,
                "fact_id": c.fact_id,
                "field": c.field,
                "before": c.before,
                "after": c.after,
                "reason": c.reason,
                "at": to_jsonable(c.created),
            }
            for c in app.corrections.all()
        ],
        "approved_amount_fen": app.approved_amount_fen,
        "decided_at": to_jsonable(app.decided_at),
        "decision_note": app.decision_note,
        "approved_by": getattr(getattr(approval, "actor", None), "username", ""),
        "fund": {"id": app.fund_id, "year": app.fund.year if app.fund else None},
    }


def _write(entry: LedgerEntry, actor: User, message: str) -> LedgerEntry:
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ActionError(PolicyErrorCode.ALREADY_PAID) from None
    log_change(entry, ChangeLog.Action.CREATE, None, entry.snapshot(), actor=actor, message=message)
    return entry


def do_pay(
    actor: User, application: AwardApplication, *, voucher_no: str, document_no: str = "", note: str = ""
) -> LedgerEntry:
    """Pay an approved award its approved amount from the fund it is charged to, once."""
    require_bureau(actor, _("拨付"))
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise ActionError(PolicyErrorCode.VOUCHER_REQUIRED, _("请填写拨付凭证号。"), field="voucher_no")
    with transaction.atomic():
        app = locked_application(actor, application)
        if app.status == AwardStatus.PAID:
            raise ActionError(PolicyErrorCode.ALREADY_PAID)
        if app.status != AwardStatus.APPROVED:
            raise ActionError(PolicyErrorCode.NOT_APPROVED, status=app.get_status_display())
        assert app.fund is not None and app.approved_amount_fen is not None
        reversals = LedgerEntry.objects.filter(application=app, kind=EntryKind.REVERSAL).count()
        payments = LedgerEntry.objects.filter(application=app, kind=EntryKind.PAYMENT).count()
        if payments > reversals:
            raise ActionError(PolicyErrorCode.ALREADY_PAID)
        entry = LedgerEntry(
            fund=app.fund,
            year=app.fund.year,
            application=app,
            kind=EntryKind.PAYMENT,
            attempt=payments + 1,
            amount_fen=app.approved_amount_fen,
            time=timezone.now(),
            voucher_no=voucher_no,
            document_no=document_no,
            note=note,
            trace=computation_trace(app),
            recorded_by=actor,
        )
        message = _("拨付 %(amount)s 元，凭证号 %(voucher)s") % {
            "amount": yuan(entry.amount_fen),
            "voucher": voucher_no,
        }
        _write(entry, actor, message)
        workflow.transition(app, AwardStatus.PAID, actor, event=AwardEvent.Kind.PAID, message=message)
    return entry


def do_reverse(actor: User, payment: LedgerEntry, *, voucher_no: str, reason: str) -> LedgerEntry:
    """Reverse a payment with a new entry of the opposite amount; the award is approved again (to be
    paid again, or revoked). The payment itself is never touched."""
    require_bureau(actor, _("冲正"))
    voucher_no, reason = (voucher_no or "").strip(), (reason or "").strip()
    if not voucher_no:
        raise ActionError(PolicyErrorCode.VOUCHER_REQUIRED, _("请填写冲正凭证号。"), field="voucher_no")
    if not reason:
        raise ActionError(PolicyErrorCode.REASON_REQUIRED, _("请填写冲正理由。"), field="reason")
    if not restrict(LedgerEntry.objects.filter(pk=payment.pk), actor, "view").exists():
        raise NotAllowedError(_("您无权办理该笔拨付。"))
    with transaction.atomic():
        app = locked_application(actor, payment.application_id)
        if not restrict(AwardApplication.objects.filter(pk=app.pk), actor, CHANGE).exists():
            raise NotAllowedError(_("您无权办理该笔拨付。"))
        if payment.kind != EntryKind.PAYMENT:
            raise ActionError(PolicyErrorCode.NOT_PAYMENT)
        if LedgerEntry.objects.filter(reverses=payment).exists():
            raise ActionError(PolicyErrorCode.ALREADY_REVERSED)
        entry = LedgerEntry(
            fund=payment.fund,
            year=payment.year,
            application=app,
            kind=EntryKind.REVERSAL,
            attempt=payment.attempt,
            amount_fen=-payment.amount_fen,
            time=timezone.now(),
            voucher_no=voucher_no,
            reverses=payment,
            note=reason,
            trace=payment.trace,
            recorded_by=actor,
        )
        message = _("冲正拨付 %(amount)s 元（原凭证号 %(old)s，冲正凭证号 %(voucher)s）：%(reason)s") % {
            "amount": yuan(payment.amount_fen),
            "old": payment.voucher_no,
            "voucher": voucher_no,
            "reason": reason,
        }
        try:
            _write(entry, actor, message)
        except ActionError:
            raise ActionError(PolicyErrorCode.ALREADY_REVERSED) from None
        workflow.transition(app, AwardStatus.APPROVED, actor, event=AwardEvent.Kind.REVERSED, message=message)
    return entry
