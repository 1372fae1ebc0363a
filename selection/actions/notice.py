"""The proposed list, its public notice (社会公示), objections, and designation (通知 三:
"根据审核结果并经社会公示后确定并公布…名单").

The notice period is a parameter in calendar or working days; working days follow the official
holiday calendar (core.workdays, adjusted weekends included). The start day is day 1 and the
period ends at 24:00 Beijing time of its last day; an objection after that is refused."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import workflow
from core.audit import delete_logged, log_change, save_logged
from core.calendar_data import get_calendar
from core.errors import ActionError, require_role
from core.models import ChangeLog
from core.roles import Role
from core.workdays import SHANGHAI, Unit, YearNotCovered, end_of_day, local_date
from registry.actions.bases import do_change_base_status
from registry.models import BaseStatus, BaseTarget
from selection.errors import SelectionErrorCode
from selection.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Call,
    Decision,
    Notice,
    NoticeEntry,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PeriodUnit,
    StageEntry,
    StageKind,
)


def _ministry(actor: User) -> None:
    require_role(actor, Role.MINISTRY, _("拟认定名单、公示和认定由商务部办理。"))


def final_entries(call: Call) -> dict[int, StageEntry]:
    """application id -> its entry in the last review stage it reached."""
    latest: dict[int, StageEntry] = {}
    entries = StageEntry.objects.filter(stage__call=call).select_related("stage").order_by("stage__created", "pk")
    for entry in entries:
        latest[entry.application_id] = entry
    return latest


def eligible_for_list(call: Call) -> list[tuple[Application, StageEntry]]:
    """Applications whose last stage (defence or re-check) passed them, best score first."""
    latest = final_entries(call)
    ok = {
        app_id: e
        for app_id, e in latest.items()
        if e.decision == Decision.PASSED and e.stage.kind in (StageKind.DEFENCE, StageKind.RECHECK)
    }
    apps = Application.objects.filter(pk__in=ok, status=ApplicationStatus.SUBMITTED).select_related(
        "base", "quota_unit"
    )
    rows = [(a, ok[a.pk]) for a in apps]
    rows.sort(key=lambda r: (-(r[1].score or Decimal(0)), r[0].pk))
    return rows


def do_draft_notice(
    actor: User,
    call: Call,
    *,
    title: str,
    applications: list[Application],
    body: str = "",
    period_length: int = 7,
    period_unit: str = PeriodUnit.CALENDAR_DAYS,
    contact: str = "",
) -> Notice:
    """The ministry decides the proposed list, in order, from those who passed the review."""
    _ministry(actor)
    if not title.strip():
        raise ActionError(SelectionErrorCode.TITLE_REQUIRED, field="title")
    if period_length < 1:
        raise ActionError(SelectionErrorCode.INVALID_PERIOD, field="period_length")
    if period_unit not in PeriodUnit.values:
        raise ActionError(SelectionErrorCode.INVALID_PERIOD, _("未知的公示期计算方式。"), field="period_unit")
    if not applications:
        raise ActionError(SelectionErrorCode.EMPTY_LIST, field="applications")
    eligible = {a.pk: e for a, e in eligible_for_list(call)}
    for app in applications:
        if app.pk not in eligible:
            raise ActionError(SelectionErrorCode.NOT_ELIGIBLE, base=app.base, field="applications")
    if len({a.pk for a in applications}) != len(applications):
        raise ActionError(SelectionErrorCode.DUPLICATE, field="applications")
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(call=call).first()
        if notice is not None and notice.status != NoticeStatus.DRAFT:
            raise ActionError(SelectionErrorCode.ALREADY_PUBLISHED)
        fields = {
            "title": title.strip(), "body": body, "period_length": period_length,
            "period_unit": period_unit, "contact": contact.strip(),
        }  # fmt: skip
        if notice is None:
            notice = Notice(call=call, **fields)
            workflow.create(notice, actor)
        else:
            for name, value in fields.items():
                setattr(notice, name, value)
            save_logged(notice, actor=actor, update_fields=list(fields))
        for old in notice.entries.all():
            delete_logged(old, actor=actor)
        for position, app in enumerate(applications, start=1):
            save_logged(NoticeEntry(notice=notice, application=app, position=position, score=eligible[app.pk].score),
                        actor=actor)  # fmt: skip
    return notice


def notice_end(notice: Notice, starts_on: datetime.date) -> datetime.date:
    unit: Unit = "working" if notice.period_unit == PeriodUnit.WORKING_DAYS else "calendar"
    try:
        return get_calendar().last_day(starts_on, notice.period_length, unit)
    except YearNotCovered as exc:
        raise ActionError(SelectionErrorCode.CALENDAR_MISSING, year=exc.year) from None


def do_publish_notice(
    actor: User, notice: Notice, starts_on: datetime.date | None = None, now: datetime.datetime | None = None
) -> Notice:
    """Publish the proposed list on the public page; the period runs from `starts_on` (day 1)."""
    _ministry(actor)
    now = now or timezone.now()
    start = starts_on or local_date(now)
    if start < local_date(now):
        raise ActionError(SelectionErrorCode.START_IN_PAST, field="starts_on")
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.DRAFT:
            raise ActionError(SelectionErrorCode.ALREADY_PUBLISHED, _("公示已发布。"))
        if not locked.entries.exists():
            raise ActionError(SelectionErrorCode.EMPTY_LIST)
        ends_on = notice_end(locked, start)
        workflow.transition(locked, NoticeStatus.PUBLISHED, actor, starts_on=start, ends_on=ends_on, published_at=now)
        period = _("%(a)s 至 %(b)s") % {"a": start.isoformat(), "b": ends_on.isoformat()}
        for entry in locked.entries.select_related("application"):
            ApplicationEvent.record(
                entry.application, actor, ApplicationEvent.Kind.LISTED, _("公示期 %(p)s") % {"p": period}
            )
    return locked


def period_state(notice: Notice, now: datetime.datetime | None = None) -> str:
    """'before', 'open' or 'over' — whether objections can be lodged at `now`."""
    if notice.status == NoticeStatus.DRAFT or notice.starts_on is None or notice.ends_on is None:
        return "before"
    moment = now or timezone.now()
    start = datetime.datetime.combine(notice.starts_on, datetime.time.min, tzinfo=SHANGHAI)
    if moment < start:
        return "before"
    return "open" if moment <= end_of_day(notice.ends_on) else "over"


def do_lodge_objection(
    notice: Notice,
    *,
    name: str,
    phone: str,
    content: str,
    email: str = "",
    address: str = "",
    entry: NoticeEntry | None = None,
    now: datetime.datetime | None = None,
) -> Objection:
    """Anyone lodges a written objection during the period, with contact details (no account)."""
    moment = now or timezone.now()
    state = period_state(notice, moment)
    if state == "before":
        raise ActionError(SelectionErrorCode.NOT_OPEN)
    if state == "over":
        assert notice.ends_on is not None
        raise ActionError(SelectionErrorCode.PERIOD_OVER, end=notice.ends_on.isoformat())
    if not name.strip():
        raise ActionError(SelectionErrorCode.NAME_REQUIRED, field="name")
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < 7:
        raise ActionError(SelectionErrorCode.PHONE_REQUIRED, field="phone")
    if len(content.strip()) < 10:
        raise ActionError(SelectionErrorCode.CONTENT_REQUIRED, field="content")
    if entry is not None and entry.notice_id != notice.pk:
        raise ActionError(SelectionErrorCode.WRONG_ENTRY, field="entry")
    for field, value in (("name", name), ("phone", phone), ("email", email), ("address", address)):
        model_field = Objection._meta.get_field(field)
        assert isinstance(model_field, models.CharField)  # the contact fields are text
        limit = model_field.max_length or 0
        if len(value.strip()) > limit:
            label = model_field.verbose_name
            raise ActionError(SelectionErrorCode.TOO_LONG, label=label, limit=limit, field=field)
    if email.strip():
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email.strip())
        except ValidationError:
            raise ActionError(SelectionErrorCode.INVALID_EMAIL, field="email") from None
    with transaction.atomic():
        objection = Objection(
            notice=notice, entry=entry, name=name.strip(), phone=phone.strip(), email=email.strip(),
            address=address.strip(), content=content.strip(), lodged_at=moment,
        )  # fmt: skip
        workflow.create(objection, None)
        if entry is not None:
            ApplicationEvent.record(
                entry.application, None, ApplicationEvent.Kind.OBJECTION, _("收到公示异议，待核查。")
            )
    return objection


def do_rule_objection(
    actor: User, objection: Objection, outcome: str, ruling: str, *, withdraw_entry: bool = False
) -> Objection:
    """Record how an objection was handled; an upheld one may take the base off the list."""
    _ministry(actor)
    if outcome not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise ActionError(SelectionErrorCode.INVALID_OUTCOME, field="status")
    if not ruling.strip():
        raise ActionError(SelectionErrorCode.RULING_REQUIRED, field="ruling")
    if withdraw_entry and (outcome != ObjectionStatus.UPHELD or objection.entry is None):
        raise ActionError(SelectionErrorCode.CANNOT_WITHDRAW, field="withdraw_entry")
    with transaction.atomic():
        locked = Objection.objects.select_for_update().select_related("notice").get(pk=objection.pk)
        if locked.notice.status == NoticeStatus.DESIGNATED:
            raise ActionError(SelectionErrorCode.ALREADY_DESIGNATED)
        if locked.entry_id is not None and locked.status == ObjectionStatus.UPHELD:
            withdrawn = NoticeEntry.objects.filter(pk=locked.entry_id, withdrawn=True, withdrawn_reason=locked.ruling)
            if withdrawn.exists():
                raise ActionError(SelectionErrorCode.ALREADY_WITHDRAWN)
        workflow.transition(locked, outcome, actor, ruling=ruling.strip(), ruled_at=timezone.now())
        if locked.entry_id is not None:
            entry = NoticeEntry.objects.select_for_update().select_related("application").get(pk=locked.entry_id)
            ApplicationEvent.record(
                entry.application, actor, ApplicationEvent.Kind.OBJECTION,
                _("异议处理：%(o)s。%(r)s") % {"o": ObjectionStatus(outcome).label, "r": locked.ruling},
            )  # fmt: skip
            if withdraw_entry and not entry.withdrawn:
                entry_before = entry.snapshot()
                entry.withdrawn, entry.withdrawn_reason = True, locked.ruling
                entry.save(update_fields=["withdrawn", "withdrawn_reason", "last_updated"])
                log_change(entry, ChangeLog.Action.UPDATE, entry_before, entry.snapshot(), actor=actor)
    return locked


def do_designate(
    actor: User, notice: Notice, *, document_no: str, date: datetime.date, now: datetime.datetime | None = None
) -> list[Application]:
    """After the notice period, with every objection handled: the bases on the list become national
    demonstration bases (registry status, document and date), their work-plan goals become their
    targets, and the call's other submitted applications are closed as not selected."""
    _ministry(actor)
    if not document_no.strip():
        raise ActionError(SelectionErrorCode.DOCUMENT_REQUIRED, field="document_no")
    with transaction.atomic():
        locked = Notice.objects.select_for_update().select_related("call").get(pk=notice.pk)
        if locked.status != NoticeStatus.PUBLISHED:
            raise ActionError(SelectionErrorCode.NOT_PUBLISHED)
        if period_state(locked, now) != "over":
            assert locked.ends_on is not None
            raise ActionError(SelectionErrorCode.PERIOD_RUNNING, end=locked.ends_on.isoformat())
        assert locked.ends_on is not None
        if date <= locked.ends_on:
            raise ActionError(SelectionErrorCode.DATE_BEFORE_END, end=locked.ends_on.isoformat(), field="date")
        pending = locked.objections.filter(status=ObjectionStatus.PENDING).count()
        if pending:
            raise ActionError(SelectionErrorCode.OBJECTIONS_PENDING, count=pending)
        designated = []
        entries = locked.entries.select_related("application__base").order_by("position")
        for entry in entries:
            app = entry.application
            if entry.withdrawn:
                workflow.transition(
                    app, ApplicationStatus.NOT_SELECTED, actor, event=ApplicationEvent.Kind.NOT_SELECTED,
                    message=_("因公示异议成立撤出名单：%(r)s") % {"r": entry.withdrawn_reason},
                )  # fmt: skip
                continue
            base = app.base
            if base.status != BaseStatus.DESIGNATED:
                do_change_base_status(
                    actor, base, BaseStatus.DESIGNATED, date=date, document_no=document_no.strip(),
                    note=_("%(call)s，经社会公示后认定") % {"call": locked.call},
                )  # fmt: skip
                base.refresh_from_db()
            base_before = base.snapshot()
            base.batch, base.designated_year = batch_of(locked.call.title), date.year
            base.save(update_fields=["batch", "designated_year", "last_updated"])
            log_change(base, ChangeLog.Action.UPDATE, base_before, base.snapshot(), actor=actor)
            _carry_goals(actor, app)
            workflow.transition(
                app, ApplicationStatus.DESIGNATED, actor, event=ApplicationEvent.Kind.DESIGNATED,
                message=_("%(no)s，%(date)s") % {"no": document_no.strip(), "date": date.isoformat()},
            )  # fmt: skip
            designated.append(app)
        listed = {e.application_id for e in entries}
        others = Application.objects.filter(call=locked.call, status=ApplicationStatus.SUBMITTED).exclude(pk__in=listed)
        for app in others:
            workflow.transition(app, ApplicationStatus.NOT_SELECTED, actor, event=ApplicationEvent.Kind.NOT_SELECTED)
        workflow.transition(locked, NoticeStatus.DESIGNATED, actor, document_no=document_no.strip(), designated_on=date)
    return designated


def batch_of(title: str) -> str:
    """'第二批国家电子商务示范基地创建' -> '第二批'; a title without a batch is kept (cut to fit)."""
    import re

    found = re.search(r"第[一二三四五六七八九十百零〇\d]+批", title)
    return found.group(0) if found else title[:32]


def _carry_goals(actor: User, app: Application) -> None:
    """Each yearly target of the work plan becomes a BaseTarget of the base (monitored later); a
    target the base already has for the same indicator and year is replaced, with its history."""
    source = _("%(call)s创建工作方案") % {"call": app.call}
    existing = {(t.indicator, t.year): t for t in BaseTarget.objects.filter(base=app.base)}
    for goal in app.goals.all():
        for offset, raw in enumerate(goal.targets):
            year = goal.first_year + offset
            target = existing.get((goal.indicator, year)) or BaseTarget(
                base=app.base, indicator=goal.indicator, year=year
            )
            target.indicator_label = goal.get_indicator_display()
            # The field's two decimals (targets are checked for them when saved; older rows may not be).
            value = Decimal(str(raw)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            target.baseline, target.value, target.source = goal.baseline, value, source[:128]
            save_logged(target, actor=actor)
