"""Workflow of an application: the operator prepares, the province recommends and ranks, and
submits to the ministry before the deadline (逾期不予受理). Status changes happen only here."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import workflow
from core.audit import delete_logged, log_change, save_logged
from core.errors import ActionError, NotAllowedError
from core.models import ChangeLog
from core.roles import Role
from core.scoping import CHANGE, restrict
from registry.models import Base
from selection.errors import SelectionErrorCode
from selection.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    Call,
    CallStatus,
    GoalIndicator,
    WorkPlan,
    WorkPlanGoal,
)


def do_create_application(
    actor: User, call: Call, base: Base, *, area_m2: Decimal, operating_since: datetime.date
) -> Application:
    if call.status != CallStatus.OPEN:
        raise ActionError(SelectionErrorCode.CALL_NOT_OPEN)
    if getattr(actor, "role", None) != Role.OPERATOR or actor.base_id != base.pk:
        raise NotAllowedError(_("申报由本园区运营主体编制。"))
    with transaction.atomic():
        application = Application(
            call=call, quota_unit=base.quota_unit, base=base, area_m2=area_m2, operating_since=operating_since
        )
        workflow.create(application, actor)
        ApplicationEvent.record(application, actor, ApplicationEvent.Kind.CREATED)
    return application


def do_update_application(
    actor: User, application: Application, *, area_m2: Decimal, operating_since: datetime.date
) -> Application:
    """The operator corrects the declared facts of a draft (office area, operating since)."""
    with transaction.atomic():
        locked = restrict(Application.objects.select_for_update(), actor, CHANGE).filter(pk=application.pk).first()
        if locked is None or getattr(actor, "role", None) != Role.OPERATOR:
            raise NotAllowedError(_("申报信息由本园区运营主体填写。"))
        if locked.status != ApplicationStatus.DRAFT:
            raise ActionError(SelectionErrorCode.NOT_DRAFT)
        locked.area_m2, locked.operating_since = area_m2, operating_since
        save_logged(locked, actor=actor, update_fields=["area_m2", "operating_since"])
    return locked


def _locked_for_province(actor: User, application: Application) -> Application:
    if getattr(actor, "role", None) != Role.PROVINCE:
        raise NotAllowedError(_("推荐和报送由省级商务主管部门办理。"))
    locked = restrict(Application.objects.select_for_update(), actor, CHANGE).filter(pk=application.pk).first()
    if locked is None:
        raise NotAllowedError(_("该申报不属于您的申报单位。"))
    return locked


def do_recommend(actor: User, application: Application, rank: int) -> Application:
    """The province recommends the application with its rank (1 = first); ranks decide the quota."""
    if rank < 1:
        raise ActionError(SelectionErrorCode.INVALID_RANK)
    with transaction.atomic():
        locked = _locked_for_province(actor, application)
        taken = Application.objects.filter(
            call=locked.call, quota_unit=locked.quota_unit, province_rank=rank, status=ApplicationStatus.RECOMMENDED
        ).exclude(pk=locked.pk)
        if taken.exists():
            raise ActionError(SelectionErrorCode.RANK_TAKEN, rank=rank)
        workflow.transition(
            locked, ApplicationStatus.RECOMMENDED, actor, event=ApplicationEvent.Kind.RECOMMENDED,
            message=_("推荐顺位 %(rank)s") % {"rank": rank}, province_rank=rank,
        )  # fmt: skip
    return locked


def do_submit(actor: User, application: Application, now: datetime.datetime | None = None) -> Application:
    """Submit a recommended application to the ministry. After the deadline it is refused, and the
    refusal and its moment are recorded (the call is a fact, not an error to hide)."""
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _locked_for_province(actor, application)
        deadline = locked.call.deadline
        if moment > deadline:
            local = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M:%S")
            message = _("逾期不予受理：截止时间为北京时间 %(deadline)s，报送时间为 %(at)s。") % {
                "deadline": local,
                "at": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S"),
            }
            workflow.transition(
                locked, ApplicationStatus.REFUSED, actor, event=ApplicationEvent.Kind.REFUSED_LATE, message=message,
                submitted_at=moment,
            )  # fmt: skip
        else:
            frozen = _freeze_roster(actor, locked, moment)
            workflow.transition(
                locked, ApplicationStatus.SUBMITTED, actor, event=ApplicationEvent.Kind.SUBMITTED, message=frozen,
                submitted_at=moment,
            )  # fmt: skip
    return locked


def _freeze_roster(actor: User, application: Application, moment: datetime.datetime) -> str:
    """The roster of resident enterprises as it stands at submission, kept as an .xlsx document of
    the roster kind so that reviewers see what was submitted, not the registry of later days.
    Nothing is generated when the operator uploaded a roster file or the base has no current
    resident. Returns the sentence for the timeline ("" when nothing was frozen)."""
    from django.core.files.base import ContentFile

    from selection.checks import params_for
    from selection.roster import ROSTER_KIND, frozen_name, roster_of, workbook

    if ROSTER_KIND not in params_for(application).document_kinds:
        return ""
    if application.documents.filter(kind=ROSTER_KIND).exists():
        return ""
    roster = roster_of(application.base_id)
    if not roster.rows:
        return ""
    stamp = timezone.localtime(moment).strftime("%Y%m%d-%H%M%S")
    document = ApplicationDocument(
        application=application,
        kind=ROSTER_KIND,
        file=ContentFile(workbook(roster), name=f"roster-{application.pk}-{stamp}.xlsx"),
        original_name=frozen_name(application.base, moment),
    )
    t = roster.totals
    message = _(
        "入驻企业名录已按报送时登记库冻结：%(n)s 家企业，"
        "年营业收入合计 %(revenue)s 万元，从业人数合计 %(employees)s 人（%(file)s）。"
    ) % {"n": t.count, "revenue": f"{t.revenue:,.2f}", "employees": t.employees, "file": document.original_name}
    save_logged(document, actor=actor, message=message)
    return message


def do_check_conditions(actor: User, application: Application, at: datetime.datetime | None = None) -> list[Any]:
    """Run the computed conditions of the call on the application and keep the result on it."""
    from selection.checks import check

    with transaction.atomic():
        locked = restrict(Application.objects.select_for_update(), actor, CHANGE).filter(pk=application.pk).first()
        if locked is None:
            raise NotAllowedError(_("您无权核验该申报。"))
        found = check([locked], at)[locked.pk]
        before = {"conditions": locked.conditions}
        locked.conditions = found
        locked.conditions_checked_at = timezone.now()
        locked.save(update_fields=["conditions", "conditions_checked_at", "last_updated"])
        log_change(locked, ChangeLog.Action.UPDATE, before, {"conditions": found}, actor=actor)
        failed = [c for c in found if not c["ok"]]
        summary = (
            _("全部计算条件符合。")
            if not failed
            else _("不符合：%(items)s") % {"items": "；".join(c["message"] for c in failed)}
        )
        ApplicationEvent.record(locked, actor, ApplicationEvent.Kind.CHECKED, summary)
    application.refresh_from_db()
    return found


def do_attach_document(actor: User, application: Application, kind: str, uploaded: Any) -> ApplicationDocument:
    from django.conf import settings

    from selection.checks import params_for

    kinds = params_for(application).document_kinds
    if kind not in kinds:
        raise ActionError(SelectionErrorCode.UNKNOWN_KIND, field="kind")
    if uploaded.size > settings.ECBASE_MAX_UPLOAD_BYTES:
        mb = settings.ECBASE_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ActionError(SelectionErrorCode.TOO_LARGE, mb=mb, field="file")
    with transaction.atomic():
        locked = restrict(Application.objects.select_for_update(), actor, CHANGE).filter(pk=application.pk).first()
        if locked is None:
            raise NotAllowedError(_("您无权为该申报上传材料。"))
        if locked.status != ApplicationStatus.DRAFT:
            raise ActionError(SelectionErrorCode.NOT_DRAFT, _("申报已推荐或报送，不能再修改材料。"))
        document = ApplicationDocument(
            application=locked, kind=kind, file=uploaded, original_name=str(uploaded.name)[:255]
        )
        save_logged(document, actor=actor)
        ApplicationEvent.record(
            locked, actor, ApplicationEvent.Kind.DOCUMENT, f"{kinds[kind].label}：{document.original_name}"
        )
    return document


WORK_PLAN_FIELDS = (
    "summary", "local_economy", "local_ecommerce", "basis", "goals_text", "contents", "safeguards", "implementation",
)  # fmt: skip


def do_save_work_plan(actor: User, application: Application, changes: dict[str, str]) -> WorkPlan:
    """The operator writes the work plan while the application is a draft; only sent sections change."""
    unknown = set(changes) - set(WORK_PLAN_FIELDS)
    if unknown:
        raise ActionError(SelectionErrorCode.UNKNOWN_SECTION, sections="、".join(sorted(unknown)))
    with transaction.atomic():
        locked = restrict(Application.objects.select_for_update(), actor, CHANGE).filter(pk=application.pk).first()
        if locked is None or getattr(actor, "role", None) != Role.OPERATOR:
            raise NotAllowedError(_("工作方案由本园区运营主体编制。"))
        if locked.status != ApplicationStatus.DRAFT:
            raise ActionError(SelectionErrorCode.NOT_DRAFT, _("申报已推荐或报送，不能再修改工作方案。"))
        plan = WorkPlan.objects.filter(application=locked).first() or WorkPlan(application=locked)
        for name, value in changes.items():
            setattr(plan, name, value)
        save_logged(plan, actor=actor, update_fields=list(changes) if plan.pk else None)
    return plan


MIN_GOAL_YEARS, MAX_GOAL_YEARS = 3, 5
CENT = Decimal("0.01")  # 附件 三（二）：3—5年内创建工作的总体目标和具体目标


def do_save_goals(
    actor: User, application: Application, first_year: int, rows: dict[str, tuple[str, list[str]]]
) -> list[WorkPlanGoal]:
    """Replace the plan's goals. `rows`: indicator -> (baseline, targets for consecutive years as
    typed). Every problem is reported at once, naming the indicator and the year; nothing is half-written."""
    errors: list[str] = []
    clean: list[WorkPlanGoal] = []
    for key, (baseline_text, target_texts) in rows.items():
        label = GoalIndicator(key).label
        while target_texts and not target_texts[-1].strip():
            target_texts = target_texts[:-1]  # trailing empty years
        numbers: list[Decimal] = []
        for offset, text in enumerate([baseline_text, *target_texts]):
            where = _("基期值") if offset == 0 else _("%(year)s 年目标") % {"year": first_year + offset - 1}
            try:
                value = Decimal(text.strip().replace(",", ""))
            except (InvalidOperation, ValueError):
                errors.append(_("%(label)s %(where)s：须填写数字") % {"label": label, "where": where})
                continue
            if not value.is_finite():
                errors.append(_("%(label)s %(where)s：须填写数字") % {"label": label, "where": where})
                continue
            if value < 0:
                errors.append(_("%(label)s %(where)s：不能为负数") % {"label": label, "where": where})
            elif value != value.quantize(CENT):
                # Targets become BaseTarget values (two decimals): no digits that would be cut off.
                errors.append(_("%(label)s %(where)s：最多两位小数") % {"label": label, "where": where})
            numbers.append(value)
        if not MIN_GOAL_YEARS <= len(target_texts) <= MAX_GOAL_YEARS:
            errors.append(
                _("%(label)s：须连续填写 %(min)s—%(max)s 年的目标，现为 %(n)s 年")
                % {"label": label, "min": MIN_GOAL_YEARS, "max": MAX_GOAL_YEARS, "n": len(target_texts)}
            )
        if len(numbers) == len(target_texts) + 1:
            clean.append(
                WorkPlanGoal(
                    application=application,
                    indicator=key,
                    baseline=numbers[0],
                    first_year=first_year,
                    targets=[str(v) for v in numbers[1:]],
                )
            )
    if errors:
        raise ActionError(SelectionErrorCode.INVALID_GOALS, "；".join(errors))
    with transaction.atomic():
        locked = restrict(Application.objects.select_for_update(), actor, CHANGE).filter(pk=application.pk).first()
        if locked is None or getattr(actor, "role", None) != Role.OPERATOR:
            raise NotAllowedError(_("创建目标由本园区运营主体填写。"))
        if locked.status != ApplicationStatus.DRAFT:
            raise ActionError(SelectionErrorCode.NOT_DRAFT, _("申报已推荐或报送，不能再修改创建目标。"))
        for old in WorkPlanGoal.objects.filter(application=locked):
            delete_logged(old, actor=actor)
        for goal in clean:
            save_logged(goal, actor=actor)
    return clean
