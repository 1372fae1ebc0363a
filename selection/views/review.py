"""Pages of expert review (通知 三: 初步评议, 现场答辩评议, 复核).

- the ministry opens stages on the call page, assigns experts, closes a stage, decides each entry
  and schedules the defence on the stage page, and keeps the expert pool;
- an expert lists what is assigned to them and fills the score sheet;
- the applicant (operator, province) sees the progress of its application on its page.

Scores stay hidden while a stage is open: the ministry sees who has scored, not what; an expert
sees only their own sheet. Every change goes through selection.actions.review.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.acting import acting_user
from core import exports
from core.audit import log_change, log_event, save_logged
from core.errors import ActionError, NotAllowedError
from core.models import ChangeLog
from core.roles import Role
from core.scoping import CHANGE, EXPORT, VIEW, access, can, restrict
from core.views import run_action
from selection.actions.review import (
    do_assign_expert,
    do_auto_assign,
    do_close_stage,
    do_decide_entry,
    do_open_stage,
    do_schedule_defence,
    do_submit_score,
)
from selection.checks import params_for
from selection.forms.review import (
    AssignForm,
    DecisionForm,
    ExpertForm,
    OpenStageForm,
    ScheduleForm,
    rubric_text,
)
from selection.models import (
    Aggregation,
    Application,
    Assignment,
    Call,
    Expert,
    ReviewStage,
    StageEntry,
    StageKind,
    StageStatus,
)


def method_label(method: str) -> str:
    """What aggregation was applied to an entry ("trimmed" or "mean"), for people."""
    return str(Aggregation(method).label) if method in Aggregation.values else ""


def act_on_form(
    request: HttpRequest, form: Any, fn: Callable[..., Any], *args: Any, success: str, **kwargs: Any
) -> Any:
    """Call an action; its refusal is shown next to the field it names (or above the form)."""
    try:
        result = fn(request.user, *args, **kwargs)
    except NotAllowedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ActionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    messages.success(request, success)
    return result


def run_on_entry(request: HttpRequest, entry: StageEntry, fn: Callable[..., Any], *args: Any, success: str) -> Any:
    """Call an action on one entry of a stage; a refusal names the park it concerns."""
    try:
        result = fn(request.user, entry, *args)
    except NotAllowedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ActionError as exc:
        messages.error(request, _("%(base)s：%(m)s") % {"base": entry.application.base, "m": exc.message})
        return None
    messages.success(request, _("%(base)s：%(m)s") % {"base": entry.application.base, "m": success})
    return result


class MinistryOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and getattr(request.user, "role", None) != Role.MINISTRY:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ExpertOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and getattr(request.user, "role", None) != Role.EXPERT:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Context for the call and application pages (selection.views.applications) ----------------------


def call_review_context(user: Any, call: Call) -> dict[str, Any]:
    """The "评审" section of the call page: the ministry's stages and the form to open one."""
    if getattr(user, "role", None) != Role.MINISTRY:
        return {}
    stages = (
        restrict(ReviewStage.objects.filter(call=call), user, VIEW)
        .annotate(entry_count=Count("entries"))
        .order_by("created")
    )
    return {"review_stages": stages, "stage_form": OpenStageForm()}


def application_review_context(user: Any, app: Application) -> dict[str, Any]:
    """The "评审进度" section of an application page: per stage its status, the defence slot,
    and once closed the score, rank and decision — never the experts or their sheets."""
    if getattr(user, "role", None) not in (Role.OPERATOR, Role.PROVINCE, Role.MINISTRY):
        return {}
    entries = (
        restrict(StageEntry.objects.filter(application=app), user, VIEW)
        .select_related("stage")
        .annotate(of=Count("stage__entries"))
        .order_by("stage__created")
    )
    return {"review_progress": list(entries), "review_links": getattr(user, "role", None) == Role.MINISTRY}


# The ministry: stages -------------------------------------------------------------------------


class StageListView(MinistryOnlyMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        stages = (
            restrict(ReviewStage.objects.all(), request.user, VIEW)
            .select_related("call")
            .annotate(entry_count=Count("entries"))
            .order_by("-call__deadline", "created")
        )
        return render(request, "selection/review/stage_list.html", {"title": _("专家评审"), "stages": stages})


class StageOpenView(MinistryOnlyMixin, View):
    def render_form(self, request: HttpRequest, call: Call, form: OpenStageForm) -> HttpResponse:
        context = {"object": call, "form": form, "title": _("开始评审阶段")}
        return render(request, "selection/review/stage_form.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        call = access(Call.objects.all(), request.user, pk, VIEW)
        return self.render_form(request, call, OpenStageForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        call = access(Call.objects.all(), request.user, pk, VIEW)
        form = OpenStageForm(request.POST)
        if form.is_valid():
            stage = act_on_form(request, form, do_open_stage, call, success=_("评审阶段已开始。"), **form.cleaned_data)
            if stage is not None:
                return redirect(stage.get_absolute_url())
        return self.render_form(request, call, form)


def stage_entries(stage: ReviewStage) -> list[StageEntry]:
    """The entries of a stage with their applications and assignments, in a fixed number of queries."""
    sheets = Assignment.objects.select_related("expert__user").order_by("id")
    entries = stage.entries.select_related("application__base", "application__quota_unit").prefetch_related(
        Prefetch("assignments", queryset=sheets)
    )
    if stage.status == StageStatus.CLOSED:
        return list(entries.order_by("rank", "id"))
    return list(entries.order_by("application__quota_unit__sort_order", "application__province_rank", "id"))


class StageDetailView(MinistryOnlyMixin, View):
    """One stage. While it is open: who is assigned and who has scored, never a score. Once closed:
    the entries ranked with their aggregated figures, and the decisions."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        stage = access(ReviewStage.objects.select_related("call"), request.user, pk, VIEW)
        if request.GET.get("export") == "xlsx":
            return self.export(request, stage)
        closed = stage.status == StageStatus.CLOSED
        rows: list[dict[str, Any]] = []
        entries = stage_entries(stage)
        for entry in entries:
            sheets = list(entry.assignments.all())
            scored = sum(1 for a in sheets if a.scored_at is not None)
            rows.append(
                {
                    "entry": entry,
                    "experts": [
                        {"name": str(a.expert), "scored": a.scored_at is not None, "total": a.total if closed else None}
                        for a in sheets
                    ],
                    "assigned": len(sheets),
                    "scored": scored,
                    "method": method_label(entry.method),
                }
            )
        schedule = sorted((e for e in entries if e.defence_at is not None), key=lambda e: (e.defence_at, e.pk))
        context = {
            "object": stage,
            "title": str(stage),
            "rows": rows,
            "closed": closed,
            "is_defence": stage.kind == StageKind.DEFENCE,
            "experts": Expert.objects.select_related("user", "home_province").order_by("user__username"),
            "decision_form": DecisionForm(),
            "schedule_form": ScheduleForm(),
            "schedule": schedule,
            "rubric": stage.rubric,
            "rubric_text": rubric_text(stage.rubric),
            "can_export": closed and can(request.user, ReviewStage, EXPORT),
        }
        return render(request, "selection/review/stage_detail.html", context)

    def export(self, request: HttpRequest, stage: ReviewStage) -> HttpResponseBase:
        if not can(request.user, ReviewStage, EXPORT):
            raise PermissionDenied
        if stage.status != StageStatus.CLOSED:
            messages.error(request, _("评审阶段结束、得分汇总后方可导出结果。"))
            return redirect(stage.get_absolute_url())
        log_event(ChangeLog.Action.EXPORT, obj=stage, message="xlsx")
        headers = [
            _("排名"), _("申报单位"), _("申报园区"), _("评分专家数"), _("原始平均分"), _("汇总得分"), _("校准后得分"),
            _("最高最低分差"), _("分差过大"), _("汇总方法"), _("结论"), _("结论说明"),
        ]  # fmt: skip
        defence = stage.kind == StageKind.DEFENCE
        if defence:
            headers += [_("答辩时间（北京时间）"), _("答辩地点")]
        rows = []
        for e in stage_entries(stage):
            row: list[Any] = [
                e.rank, str(e.application.quota_unit), str(e.application.base), e.reviewers, e.raw_mean, e.score,
                e.calibrated, e.spread, e.flagged, method_label(e.method), e.get_decision_display(), e.decision_note,
            ]  # fmt: skip
            if defence:
                row += [e.defence_at, e.defence_place]
            rows.append(row)
        return exports.respond("xlsx", _("%(stage)s结果") % {"stage": stage.get_kind_display()}, headers, rows)


class StageCloseView(MinistryOnlyMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        stage = access(ReviewStage.objects.all(), request.user, pk, CHANGE)
        run_action(request, do_close_stage, stage, success=_("评审阶段已结束，得分已汇总。"))
        return redirect(stage.get_absolute_url())


class StageAutoAssignView(MinistryOnlyMixin, View):
    """Auto-assign every entry of the stage; each refusal is reported with the park it concerns."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        stage = access(ReviewStage.objects.all(), request.user, pk, CHANGE)
        entries = stage.entries.select_related("stage", "application__base", "application__quota_unit__region")
        made = 0
        failed = 0
        for entry in entries.order_by("id"):
            try:
                made += len(do_auto_assign(acting_user(request), entry))
            except NotAllowedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ActionError as exc:
                failed += 1
                messages.error(request, _("%(base)s：%(m)s") % {"base": entry.application.base, "m": exc.message})
        if failed:
            messages.warning(
                request, _("自动分配完成：新分配 %(n)s 人次，%(f)s 份申报未能分配足额。") % {"n": made, "f": failed}
            )
        else:
            messages.success(request, _("自动分配完成：新分配 %(n)s 人次。") % {"n": made})
        return redirect(stage.get_absolute_url())


def entry_for(request: HttpRequest, pk: int) -> StageEntry:
    qs = StageEntry.objects.select_related("stage__call", "application__base", "application__quota_unit__region")
    return access(qs, request.user, pk, CHANGE)


class EntryAutoAssignView(MinistryOnlyMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = entry_for(request, pk)
        run_on_entry(request, entry, do_auto_assign, success=_("已自动分配评审专家。"))
        return redirect(entry.stage.get_absolute_url())


class EntryAssignView(MinistryOnlyMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = entry_for(request, pk)
        experts = restrict(Expert.objects.select_related("user", "home_province"), request.user, VIEW)
        form = AssignForm(request.POST, experts=experts)
        if form.is_valid():
            run_on_entry(request, entry, do_assign_expert, form.cleaned_data["expert"], success=_("已分配评审专家。"))
        else:
            messages.error(request, _("请选择评审专家。"))
        return redirect(entry.stage.get_absolute_url())


class EntryDecideView(MinistryOnlyMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = entry_for(request, pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            run_on_entry(request, entry, do_decide_entry, d["decision"], d["note"], success=_("评审结论已记录。"))
        else:
            messages.error(request, _("请选择评审结论。"))
        return redirect(entry.stage.get_absolute_url())


class EntryScheduleView(MinistryOnlyMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = entry_for(request, pk)
        form = ScheduleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            run_on_entry(
                request, entry, do_schedule_defence, d["defence_at"], d["defence_place"], success=_("答辩已安排。")
            )
        else:
            problems = "；".join(f"{form.fields[k].label}：{' '.join(map(str, v))}" for k, v in form.errors.items())
            messages.error(request, _("%(base)s：%(m)s") % {"base": entry.application.base, "m": problems})
        return redirect(entry.stage.get_absolute_url())


# The ministry: expert pool ---------------------------------------------------------------------


class ExpertListView(MinistryOnlyMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        experts = (
            restrict(Expert.objects.all(), request.user, VIEW)
            .select_related("user", "home_province")
            .prefetch_related("declared_conflict_bases")
            .annotate(load=Count("assignments"))
            .order_by("user__username")
        )
        page = Paginator(experts, 100).get_page(request.GET.get("page"))
        return render(request, "selection/review/expert_list.html", {"title": _("评审专家库"), "page": page})


class ExpertEditView(MinistryOnlyMixin, View):
    """Reference data: each save is one change-log entry (the declared conflicts logged with it)."""

    def get_object(self, request: HttpRequest, pk: int | None) -> Expert:
        if pk is None:
            return Expert()
        return access(Expert.objects.select_related("user"), request.user, pk, CHANGE)

    def render_form(self, request: HttpRequest, form: ExpertForm, obj: Expert) -> HttpResponse:
        title = _("编辑评审专家") if obj.pk else _("新增评审专家")
        return render(request, "selection/review/expert_form.html", {"form": form, "object": obj, "title": title})

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        return self.render_form(request, ExpertForm(instance=obj), obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        before_bases = sorted(obj.declared_conflict_bases.values_list("pk", flat=True)) if obj.pk else []
        form = ExpertForm(request.POST, instance=obj)
        if form.is_valid():
            expert: Expert = form.instance
            expert.affiliation_codes = form.cleaned_data["affiliation_codes_text"]
            fields = [f for f in form.changed_data if f not in ("affiliation_codes_text", "declared_conflict_bases")]
            if "affiliation_codes_text" in form.changed_data:
                fields.append("affiliation_codes")
            after_bases = sorted(b.pk for b in form.cleaned_data["declared_conflict_bases"])
            with transaction.atomic():
                created = expert.pk is None
                if created or fields:
                    save_logged(expert, actor=request.user, update_fields=None if created else fields)
                if after_bases != before_bases:
                    expert.declared_conflict_bases.set(after_bases)
                    log_change(
                        expert,
                        ChangeLog.Action.UPDATE,
                        {"declared_conflict_bases": before_bases},
                        {"declared_conflict_bases": after_bases},
                        actor=request.user,
                    )
            messages.success(request, _("已保存。"))
            return redirect("selection:expert_list")
        return self.render_form(request, form, obj)


# Experts ------------------------------------------------------------------------------------


class MyReviewsView(ExpertOnlyMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        sheets = (
            restrict(Assignment.objects.filter(expert__user_id=request.user.pk or 0), request.user, VIEW)
            .select_related("stage__call", "application__base", "application__quota_unit")
            .order_by("-stage__created", "id")
        )
        return render(request, "selection/review/my_reviews.html", {"title": _("我的评审"), "sheets": sheets})


class ScoreSheetView(ExpertOnlyMixin, View):
    """The expert's own score sheet of one application: the rubric, the checklist and comments.
    While the stage is open no other sheet is shown; once closed, the colleagues' totals of the
    same application are (without their names)."""

    def get_sheet(self, request: HttpRequest, pk: int) -> Assignment:
        own = Assignment.objects.filter(expert__user_id=request.user.pk or 0).select_related(
            "stage__call", "entry", "application__base__region", "application__quota_unit"
        )
        return access(own, request.user, pk, VIEW)

    def render_sheet(
        self,
        request: HttpRequest,
        sheet: Assignment,
        values: dict[str, str] | None = None,
        ticks: set[str] | None = None,
        comment: str | None = None,
        errors: dict[str | None, str] | None = None,
    ) -> HttpResponse:
        errors = errors or {}
        app = sheet.application
        stored_points = sheet.points or {}
        criteria = [
            {
                "key": c["key"],
                "label": c["label"],
                "max": c["max"],
                "value": (values or {}).get(c["key"], stored_points.get(c["key"], "")),
                "error": errors.get(c["key"]),
            }
            for c in sheet.stage.rubric
        ]
        ticked = ticks if ticks is not None else {k for k, v in (sheet.checklist or {}).items() if v}
        params = params_for(app)
        closed = sheet.stage.status == StageStatus.CLOSED
        colleagues: list[Any] = []
        if closed:
            others = restrict(Assignment.objects.filter(entry_id=sheet.entry_id), request.user, VIEW)
            colleagues = [a.total for a in others.exclude(pk=sheet.pk).order_by("id")]
        context = {
            "object": sheet,
            "title": _("评分表"),
            "application": app,
            "documents": app.documents.all(),
            "document_kinds": {k: item.label for k, item in params.document_kinds.items()},
            "criteria": criteria,
            "checklist": [
                {"key": item.key, "label": item.label, "reference": item.reference, "ticked": item.key in ticked}
                for item in params.expert_checklist
            ],
            "comment": sheet.comment if comment is None else comment,
            "errors": errors,
            "form_error": errors.get(None),
            "open": not closed,
            "colleagues": colleagues,
            "entry": sheet.entry,
        }
        return render(request, "selection/review/score_sheet.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_sheet(request, self.get_sheet(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        sheet = self.get_sheet(request, pk)
        points = {c["key"]: request.POST.get(f"points-{c['key']}", "") for c in sheet.stage.rubric}
        keys = [item.key for item in params_for(sheet.application).expert_checklist]
        ticks = {k for k in keys if request.POST.get(f"check-{k}")}
        comment = request.POST.get("comment", "")
        try:
            do_submit_score(acting_user(request), sheet, points, checklist=dict.fromkeys(ticks, True), comment=comment)
        except NotAllowedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ActionError as exc:
            field = exc.field if exc.field in points or exc.field == "comment" else None
            return self.render_sheet(request, sheet, points, ticks, comment, {field: exc.message})
        messages.success(request, _("评分已提交。评审阶段结束前可以修改。"))
        return redirect("selection:score_sheet", pk=sheet.pk)
