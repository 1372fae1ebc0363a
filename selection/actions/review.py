"""Expert review of a call (通知 三): preliminary review (初步评议), on-site defence (现场答辩评议)
for those who passed, re-check (复核) where needed. Experts are assigned without conflicts of
interest (fail-closed), score against the stage's rubric, and see no one else's score until the
stage closes; closing aggregates every entry at once (selection.rules.scoring)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import workflow
from core.audit import log_change, save_logged
from core.errors import ActionError, NotAllowedError, require_role
from core.models import ChangeLog
from core.roles import Role
from selection.checks import params_for
from selection.errors import SelectionErrorCode
from selection.models import (
    Aggregation,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Assignment,
    Call,
    Decision,
    Expert,
    ReviewStage,
    StageEntry,
    StageKind,
    StageStatus,
)
from selection.review import conflicts
from selection.rules.scoring import aggregate

# Which entries a stage takes in: the defence takes those who passed the preliminary review; the
# re-check takes those the defence (or, failing that, the preliminary review) sent to re-check.
STAGE_SOURCES: dict[str, tuple[str, ...]] = {
    StageKind.DEFENCE: (StageKind.PRELIMINARY,),
    StageKind.RECHECK: (StageKind.DEFENCE, StageKind.PRELIMINARY),
}


def _decimal(raw: Any, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ActionError(SelectionErrorCode.NOT_A_NUMBER, value=raw, field=field) from None
    if not value.is_finite():
        raise ActionError(SelectionErrorCode.NOT_A_NUMBER, value=raw, field=field)
    return value


def clean_rubric(rubric: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A rubric is a non-empty list of criteria, each with a unique key, a label and max points > 0."""
    if not rubric:
        raise ActionError(SelectionErrorCode.RUBRIC_EMPTY, field="rubric")
    seen: set[str] = set()
    cleaned = []
    for i, criterion in enumerate(rubric, start=1):
        key = str(criterion.get("key", "")).strip()
        label = str(criterion.get("label", "")).strip()
        if not key or not label:
            raise ActionError(
                SelectionErrorCode.RUBRIC_ITEM, _("评分细则第 %(i)s 项缺少代码或名称。") % {"i": i}, field="rubric"
            )
        if key in seen:
            raise ActionError(
                SelectionErrorCode.RUBRIC_ITEM, _("评分细则代码“%(k)s”重复。") % {"k": key}, field="rubric"
            )
        seen.add(key)
        top = _decimal(criterion.get("max", ""), "rubric")
        if top <= 0 or top != top.quantize(Decimal("0.01")):
            raise ActionError(
                SelectionErrorCode.RUBRIC_ITEM,
                _("评分细则“%(l)s”的满分须为正数且最多两位小数。") % {"l": label},
                field="rubric",
            )
        cleaned.append({"key": key, "label": label, "max": str(top)})
    return cleaned


def do_open_stage(
    actor: User,
    call: Call,
    kind: str,
    *,
    rubric: list[dict[str, Any]] | None = None,
    reviewers_per_application: int = 5,
    aggregation: str = Aggregation.TRIMMED,
    trim_min_reviewers: int = 5,
    spread_threshold: Decimal = Decimal(20),
    now: datetime.datetime | None = None,
) -> ReviewStage:
    """Open a stage with the applications it takes in (see STAGE_SOURCES)."""
    require_role(actor, Role.MINISTRY, _("评审由商务部组织。"))
    if kind not in StageKind.values:
        raise ActionError(SelectionErrorCode.INVALID_STAGE, field="kind")
    if reviewers_per_application < 1:
        raise ActionError(SelectionErrorCode.INVALID_REVIEWERS, field="reviewers_per_application")
    if aggregation not in Aggregation.values:
        raise ActionError(SelectionErrorCode.INVALID_AGGREGATION, field="aggregation")
    if (now or timezone.now()) <= call.deadline:
        raise ActionError(SelectionErrorCode.CALL_STILL_OPEN)
    cleaned = clean_rubric(rubric if rubric is not None else list(params_for().review_rubric))
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)  # one stage of a kind at a time
        if ReviewStage.objects.filter(call=call, kind=kind).exists():
            raise ActionError(SelectionErrorCode.STAGE_EXISTS, stage=StageKind(kind).label)
        if kind == StageKind.PRELIMINARY:
            applications = list(Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED))
        else:
            sources = STAGE_SOURCES[kind]
            wanted = Decision.RECHECK if kind == StageKind.RECHECK else Decision.PASSED
            stages = ReviewStage.objects.filter(call=call, kind__in=sources)
            if stages.filter(status=StageStatus.OPEN).exists() or not stages.exists():
                raise ActionError(SelectionErrorCode.PREVIOUS_STAGE_OPEN)
            applications = list(
                Application.objects.filter(stage_entries__stage__in=stages, stage_entries__decision=wanted).distinct()
            )
        if not applications:
            raise ActionError(SelectionErrorCode.NOTHING_TO_REVIEW)
        stage = ReviewStage(
            call=call,
            kind=kind,
            rubric=cleaned,
            reviewers_per_application=reviewers_per_application,
            aggregation=aggregation,
            trim_min_reviewers=trim_min_reviewers,
            spread_threshold=spread_threshold,
        )
        workflow.create(stage, actor)
        for application in applications:
            save_logged(StageEntry(stage=stage, application=application), actor=actor)
    return stage


def _open_entry(entry: StageEntry) -> None:
    if entry.stage.status != StageStatus.OPEN:
        raise ActionError(SelectionErrorCode.STAGE_CLOSED)


def do_assign_expert(actor: User, entry: StageEntry, expert: Expert) -> Assignment:
    require_role(actor, Role.MINISTRY, _("评审专家由商务部分配。"))
    _open_entry(entry)
    found = conflicts(expert, entry.application)
    if found:
        raise ActionError(
            SelectionErrorCode.CONFLICT_OF_INTEREST, expert=expert, why="；".join(c.message for c in found)
        )
    if Assignment.objects.filter(entry=entry, expert=expert).exists():
        raise ActionError(SelectionErrorCode.ALREADY_ASSIGNED, expert=expert)
    with transaction.atomic():
        assignment = Assignment(entry=entry, stage=entry.stage, application=entry.application, expert=expert)
        save_logged(assignment, actor=actor)
        # The timeline says that experts were assigned, never who (reviewers stay anonymous to applicants).
        ApplicationEvent.record(
            entry.application, actor, ApplicationEvent.Kind.ASSIGNED, entry.stage.get_kind_display()
        )
    return assignment


def do_auto_assign(actor: User, entry: StageEntry, reviewers: int | None = None) -> list[Assignment]:
    """Assign the least-loaded experts without a conflict until the entry has enough reviewers."""
    require_role(actor, Role.MINISTRY, _("评审专家由商务部分配。"))
    _open_entry(entry)
    wanted = reviewers or entry.stage.reviewers_per_application
    have = set(entry.assignments.values_list("expert_id", flat=True))
    pool = (
        Expert.objects.exclude(pk__in=have)
        .select_related("home_province", "user")
        .prefetch_related("declared_conflict_bases")
        .annotate(load=Count("assignments"))
        .order_by("load", "pk")
    )
    application = entry.application
    chosen = [e for e in pool if not conflicts(e, application)][: max(0, wanted - len(have))]
    if len(have) + len(chosen) < wanted:
        raise ActionError(SelectionErrorCode.NOT_ENOUGH_EXPERTS, wanted=wanted, available=len(have) + len(chosen))
    with transaction.atomic():
        made = []
        for expert in chosen:
            assignment = Assignment(entry=entry, stage=entry.stage, application=application, expert=expert)
            save_logged(assignment, actor=actor)
            made.append(assignment)
        if made:
            ApplicationEvent.record(application, actor, ApplicationEvent.Kind.ASSIGNED, entry.stage.get_kind_display())
    return made


def do_submit_score(
    actor: User,
    assignment: Assignment,
    points: dict[str, Any],
    *,
    checklist: dict[str, bool] | None = None,
    comment: str = "",
) -> Assignment:
    """An expert scores what is assigned to them, every criterion within its maximum, with comments.
    A sheet may be revised until the stage closes; every version is in the change log."""
    if getattr(actor, "role", None) != Role.EXPERT or assignment.expert.user_id != actor.pk:
        raise NotAllowedError(_("只能填写分配给本人的评分表。"))
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().select_related("stage").get(pk=assignment.pk)
        if locked.stage.status != StageStatus.OPEN:
            raise ActionError(SelectionErrorCode.STAGE_CLOSED, _("该评审阶段已结束，评分不能再修改。"))
        sheet: dict[str, str] = {}
        total = Decimal(0)
        for criterion in locked.stage.rubric:
            key, label, top = criterion["key"], criterion["label"], Decimal(criterion["max"])
            raw = points.get(key)
            if raw is None or str(raw).strip() == "":
                raise ActionError(SelectionErrorCode.SCORE_MISSING, criterion=label, field=key)
            value = _decimal(raw, key)
            if value != value.quantize(Decimal("0.01")):
                raise ActionError(SelectionErrorCode.SCORE_PRECISION, criterion=label, field=key)
            if not Decimal(0) <= value <= top:
                raise ActionError(
                    SelectionErrorCode.SCORE_OUT_OF_RANGE, criterion=label, max=top, value=value, field=key
                )
            sheet[key] = str(value)
            total += value
        unknown = set(points) - set(sheet)
        if unknown:
            raise ActionError(SelectionErrorCode.SCORE_UNKNOWN, keys="、".join(sorted(unknown)))
        if not comment.strip():
            raise ActionError(SelectionErrorCode.COMMENT_REQUIRED, field="comment")
        keys = {item.key for item in params_for().expert_checklist}
        ticks = {k: bool(v) for k, v in (checklist or {}).items() if k in keys}
        before = locked.snapshot()
        locked.points, locked.checklist, locked.total = sheet, ticks, total
        locked.comment, locked.scored_at = comment.strip(), timezone.now()
        locked.save(update_fields=["points", "checklist", "total", "comment", "scored_at", "last_updated"])
        log_change(locked, ChangeLog.Action.UPDATE, before, locked.snapshot(), actor=actor)
    return locked


def do_close_stage(actor: User, stage: ReviewStage) -> ReviewStage:
    """Close a stage once every assigned expert has scored, and aggregate all its entries at once."""
    require_role(actor, Role.MINISTRY, _("评审由商务部组织。"))
    with transaction.atomic():
        locked = ReviewStage.objects.select_for_update().get(pk=stage.pk)
        if locked.status != StageStatus.OPEN:
            raise ActionError(SelectionErrorCode.STAGE_CLOSED)
        entries = list(locked.entries.select_related("application__base").annotate(n=Count("assignments")))
        short = [e for e in entries if e.n == 0]
        if short:
            names = "、".join(str(e.application.base) for e in short[:5])
            raise ActionError(SelectionErrorCode.NO_REVIEWERS, names=names)
        missing = locked.assignments.filter(scored_at__isnull=True).select_related("expert__user", "application__base")
        if missing.exists():
            names = "、".join(f"{a.expert}（{a.application.base}）" for a in missing[:5])
            count = missing.count()
            raise ActionError(SelectionErrorCode.SCORES_MISSING, count=count, names=names)
        triples: list[tuple[int, int, Decimal]] = []
        for a in locked.assignments.only("entry_id", "expert_id", "total"):
            if a.total is not None:  # every sheet is scored (checked above)
                triples.append((a.entry_id, a.expert_id, a.total))
        results = {
            r.entry: r
            for r in aggregate(
                triples,
                method=locked.aggregation,
                trim_min_reviewers=locked.trim_min_reviewers,
                spread_threshold=locked.spread_threshold,
            )
        }
        for entry in entries:
            r = results[entry.pk]
            before = entry.snapshot()
            entry.reviewers, entry.raw_mean, entry.score, entry.calibrated = (
                r.reviewers,
                r.raw_mean,
                r.score,
                r.calibrated,
            )
            entry.spread, entry.flagged, entry.method, entry.rank = r.spread, r.flagged, r.method, r.rank
            entry.save(
                update_fields=["reviewers", "raw_mean", "score", "calibrated", "spread", "flagged", "method", "rank",
                               "last_updated"]
            )  # fmt: skip
            log_change(entry, ChangeLog.Action.UPDATE, before, entry.snapshot(), actor=actor)
            ApplicationEvent.record(
                entry.application, actor, ApplicationEvent.Kind.STAGE_RESULT,
                _("%(stage)s结束：得分 %(score)s，排名第 %(rank)s") % {
                    "stage": locked.get_kind_display(), "score": r.score, "rank": r.rank},
            )  # fmt: skip
        workflow.transition(locked, StageStatus.CLOSED, actor, closed_at=timezone.now())
    return locked


def do_decide_entry(actor: User, entry: StageEntry, decision: str, note: str = "") -> StageEntry:
    """The ministry's conclusion on an entry of a closed stage: passed, failed, or to re-check."""
    require_role(actor, Role.MINISTRY, _("评审结论由商务部作出。"))
    if decision not in (Decision.PASSED, Decision.FAILED, Decision.RECHECK):
        raise ActionError(SelectionErrorCode.INVALID_DECISION, field="decision")
    with transaction.atomic():
        locked = StageEntry.objects.select_for_update().select_related("stage", "application").get(pk=entry.pk)
        if locked.stage.status != StageStatus.CLOSED:
            raise ActionError(SelectionErrorCode.STAGE_OPEN)
        if decision == Decision.RECHECK and locked.stage.kind == StageKind.RECHECK:
            raise ActionError(SelectionErrorCode.RECHECK_OF_RECHECK, field="decision")
        later = ReviewStage.objects.filter(call=locked.stage.call, created__gt=locked.stage.created)
        if StageEntry.objects.filter(stage__in=later, application=locked.application).exists():
            raise ActionError(SelectionErrorCode.LATER_STAGE)
        if locked.flagged and decision == Decision.PASSED and not note.strip():
            raise ActionError(SelectionErrorCode.FLAGGED_NEEDS_NOTE, field="decision_note")
        before = locked.snapshot()
        locked.decision, locked.decision_note = decision, note.strip()
        locked.save(update_fields=["decision", "decision_note", "last_updated"])
        log_change(locked, ChangeLog.Action.UPDATE, before, locked.snapshot(), actor=actor)
        ApplicationEvent.record(
            locked.application, actor, ApplicationEvent.Kind.STAGE_RESULT,
            _("%(stage)s结论：%(d)s") % {"stage": locked.stage.get_kind_display(), "d": Decision(decision).label},
        )  # fmt: skip
    return locked


def do_schedule_defence(actor: User, entry: StageEntry, at: datetime.datetime, place: str) -> StageEntry:
    """Set the time and place of an applicant's on-site defence; the applicant sees it on its page."""
    require_role(actor, Role.MINISTRY, _("现场答辩由商务部安排。"))
    if entry.stage.kind != StageKind.DEFENCE:
        raise ActionError(SelectionErrorCode.NOT_DEFENCE)
    _open_entry(entry)
    if timezone.is_naive(at):
        raise ActionError(SelectionErrorCode.NAIVE_TIME, field="defence_at")
    if not place.strip():
        raise ActionError(SelectionErrorCode.PLACE_REQUIRED, field="defence_place")
    clash = StageEntry.objects.filter(stage=entry.stage, defence_at=at).exclude(pk=entry.pk).first()
    if clash is not None:
        raise ActionError(SelectionErrorCode.SLOT_TAKEN, other=clash.application.base, field="defence_at")
    with transaction.atomic():
        before = entry.snapshot()
        entry.defence_at, entry.defence_place = at, place.strip()
        entry.save(update_fields=["defence_at", "defence_place", "last_updated"])
        log_change(entry, ChangeLog.Action.UPDATE, before, entry.snapshot(), actor=actor)
        ApplicationEvent.record(
            entry.application, actor, ApplicationEvent.Kind.DEFENCE_SCHEDULED,
            _("答辩时间：%(at)s，地点：%(place)s") % {
                "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"), "place": entry.defence_place},
        )  # fmt: skip
    return entry
