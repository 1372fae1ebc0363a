from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.acting import acting_user
from core.roles import Role
from core.scoping import ADD, CHANGE, EXPORT, VIEW, access, can, restrict
from core.views import Column, ScopedListView, run_action
from selection.actions.applications import (
    do_attach_document,
    do_check_conditions,
    do_create_application,
    do_recommend,
    do_save_goals,
    do_save_work_plan,
    do_submit,
)
from selection.actions.calls import do_open_call, do_set_extra_slot
from selection.checks import params_for, quota_decisions
from selection.forms.applications import ApplicationForm, CallForm, RankForm, WorkPlanForm
from selection.models import (
    SUMMARY_MAX_CHARS,
    Application,
    ApplicationStatus,
    Call,
    CallStatus,
    GoalIndicator,
    WorkPlan,
    count_chars,
)
from selection.roster import summary_of
from selection.views.review import application_review_context, call_review_context


def form_problems(form: Any) -> list[str]:
    """Each error of a form as one sentence naming its field."""
    return [
        _("「%(field)s」：%(error)s") % {"field": form.fields[name].label, "error": error}
        for name, errors in form.errors.items()
        for error in errors
    ]


class CallListView(ScopedListView):
    model = Call
    title = gettext_lazy("申报批次")
    template_name = "selection/call_list.html"
    columns = (
        Column("title", gettext_lazy("名称"), link=True),
        Column("document_no", gettext_lazy("文号")),
        Column(
            "deadline", gettext_lazy("截止时间"), accessor=lambda c: timezone.localtime(c.deadline), order_by="deadline"
        ),
        Column("status", gettext_lazy("状态")),
    )


class CallCreateView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and getattr(request.user, "role", None) != Role.MINISTRY:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "registry/edit_form.html", {"form": CallForm(), "title": _("发布申报批次")})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CallForm(request.POST)
        if form.is_valid():
            call = run_action(request, do_open_call, success=_("申报批次已发布。"), **form.cleaned_data)
            if call is not None:
                return redirect("selection:call_detail", pk=call.pk)
        return render(request, "registry/edit_form.html", {"form": form, "title": _("发布申报批次")})


class CallDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        call = access(Call.objects.all(), request.user, pk, VIEW)
        user = acting_user(request)
        applications = (
            restrict(Application.objects.filter(call=call), user, VIEW)
            .select_related("base", "quota_unit")
            .order_by("quota_unit__sort_order", "province_rank", "id")
        )
        own_application = None
        if user.role == Role.OPERATOR and user.base_id is not None:
            own_application = Application.objects.filter(call=call, base_id=user.base_id).first()
        decisions = quota_decisions(call, list(applications.select_related("quota_unit__region")))
        rows = [(a, decisions.get(a.pk)) for a in applications]
        context = {
            "object": call,
            "title": str(call),
            "applications": rows,
            "is_open": call.status == CallStatus.OPEN,
            "can_apply": user.role == Role.OPERATOR and own_application is None and call.status == CallStatus.OPEN,
            "application_form": ApplicationForm(),
            "is_province": user.role == Role.PROVINCE,
            "is_ministry": user.role == Role.MINISTRY,
            "extra_slot_units": call.params.get("extra_slot_units", []),
        }
        context.update(call_review_context(user, call))
        return render(request, "selection/call_detail.html", context)


class ApplicationCreateView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        call = access(Call.objects.all(), request.user, pk, VIEW)
        user = acting_user(request)
        if not can(user, Application, ADD) or user.base is None:
            raise PermissionDenied
        form = ApplicationForm(request.POST)
        if form.is_valid():
            app = run_action(
                request, do_create_application, call, user.base, success=_("申报已创建。"), **form.cleaned_data
            )
            if app is not None:
                return redirect("selection:application_detail", pk=app.pk)
        else:
            messages.error(request, _("请检查申报填写内容。"))
        return redirect("selection:call_detail", pk=call.pk)


class ApplicationLiveCheckView(LoginRequiredMixin, View):
    """Live check (htmx): the computed conditions and the quota for the values the operator is
    typing (area, operating since), through the same adapter and engine as 核验条件 and the batch
    pre-check (`selection.checks.live_check`). Nothing is saved and nothing is logged. Returns an
    HTML fragment swapped into the page's live region (role="status", aria-live="polite").

    Without `application`: the operator drafting a new application for its own base in an open
    call. With `application`: whoever may change it (its operator, the province of its unit).
    Anyone else gets 403, or 404 for an application outside their scope."""

    LABELS = {
        "operating_years": gettext_lazy("运营年限"),
        "office_area": gettext_lazy("办公建筑面积"),
        "operator_credit_code": gettext_lazy("运营主体统一社会信用代码"),
        "documents": gettext_lazy("相关文件"),
        "not_covered": gettext_lazy("涵盖区域"),
        "quota": gettext_lazy("推荐名额"),
    }

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        from selection.checks import live_check

        call = access(Call.objects.all(), request.user, pk, VIEW)
        user = acting_user(request)
        app_id = request.POST.get("application", "")
        application = None
        if app_id:
            if not app_id.isdigit():
                raise PermissionDenied
            application = access(
                Application.objects.select_related("base", "call").filter(call=call), user, int(app_id), CHANGE
            )
            base = application.base
        elif user.role == Role.OPERATOR and user.base is not None and can(user, Application, ADD):
            if call.status != CallStatus.OPEN:
                raise PermissionDenied
            base = user.base
        else:
            raise PermissionDenied
        form = ApplicationForm(request.POST)
        form.is_valid()
        values = form.cleaned_data
        problems = form_problems(form)
        found, decision = live_check(
            call,
            base,
            area_m2=values.get("area_m2"),
            operating_since=values.get("operating_since"),
            application=application,
        )
        rows = [(self.LABELS.get(c["condition"], c["condition"]), c["ok"], c["message"]) for c in found]
        if decision is not None:
            rows.append((self.LABELS["quota"], decision.inside, decision.message))
        context = {
            "rows": rows,
            "problems": problems,
            "eligible": all(ok for _label, ok, _m in rows),
            "deadline": call.deadline,
            "past_deadline": timezone.now() > call.deadline,
        }
        return render(request, "selection/_live_check.html", context)


class ApplicationDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.select_related("call", "base", "quota_unit"), request.user, pk, VIEW)
        can_change = restrict(Application.objects.filter(pk=app.pk), request.user, CHANGE).exists()
        context = {
            "object": app,
            "title": str(app),
            "events": app.events.select_related("actor"),
            "province_actions": can_change and getattr(request.user, "role", None) == Role.PROVINCE,
            "rank_form": RankForm(initial={"rank": app.province_rank or 1}),
            "can_change": can_change,
            "can_upload": can_change and app.status == ApplicationStatus.DRAFT,
            "edit_form": ApplicationForm(initial={"area_m2": app.area_m2, "operating_since": app.operating_since})
            if can_change
            and app.status == ApplicationStatus.DRAFT
            and getattr(request.user, "role", None) == Role.OPERATOR
            else None,
            "document_kinds": [(k, item.label) for k, item in params_for(app).document_kinds.items()],
            "documents": app.documents.all(),
            "roster_totals": summary_of(app.base_id),
        }
        context.update(application_review_context(request.user, app))
        return render(request, "selection/application_detail.html", context)


class ApplicationRosterView(LoginRequiredMixin, View):
    """The roster of resident enterprises of the application's base, linked to the registry.
    Whoever may see the application sees it (the residencies are read for that base only, after
    `access()` on the application); contact details are never shown. Once submitted, the roster
    frozen at submission is shown first. `?export=xlsx` exports the current roster,
    `?export=submitted` the frozen workbook; both are logged as exports."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        from django.http import FileResponse, Http404

        from core import exports
        from core.audit import log_event
        from core.models import ChangeLog
        from selection import roster as rosters

        fmt = request.GET.get("export")
        app = access(Application.objects.select_related("call", "base"), request.user, pk, EXPORT if fmt else VIEW)
        frozen = []
        if app.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RECOMMENDED):
            for document in app.documents.filter(kind=rosters.ROSTER_KIND):
                try:
                    with document.file.open("rb") as fh:
                        rows = rosters.read_frozen(fh.read())
                except OSError:
                    rows = None  # the file is missing from storage: shown by its name only
                frozen.append((document, None if rows is None else rosters.display(rows)))
        if fmt == "submitted":
            generated = [d for d, rows in frozen if rows is not None]
            if not generated:
                raise Http404
            log_event(ChangeLog.Action.EXPORT, obj=app, message=f"xlsx {_('报送时入驻企业名录')}")
            return FileResponse(
                generated[0].file.open("rb"),
                as_attachment=True,
                filename=generated[0].original_name,
                content_type=exports.XLSX_TYPE,
            )
        current = rosters.roster_of(app.base_id)
        if fmt == "xlsx":
            log_event(ChangeLog.Action.EXPORT, obj=app, message=f"xlsx {_('入驻企业名录')}")
            return exports.respond(
                "xlsx", _("%(base)s入驻企业名录") % {"base": app.base.name}, rosters.headers(), rosters.table(current)
            )
        context = {
            "object": app,
            "title": _("入驻企业名录"),
            "roster": current,
            "frozen": frozen,
            "frozen_file": any(rows is not None for _d, rows in frozen),
            "headers": rosters.headers(),
        }
        return render(request, "selection/roster.html", context)


class ApplicationEditView(LoginRequiredMixin, View):
    """The operator corrects area and operating date of a draft; the live check follows the form."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        from selection.actions.applications import do_update_application

        app = access(Application.objects.all(), request.user, pk, CHANGE)
        form = ApplicationForm(request.POST)
        if form.is_valid():
            run_action(request, do_update_application, app, success=_("申报信息已保存。"), **form.cleaned_data)
        else:
            for problem in form_problems(form):
                messages.error(request, problem)
        return redirect("selection:application_detail", pk=app.pk)


class ApplicationRecommendView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.all(), request.user, pk, VIEW)
        form = RankForm(request.POST)
        if form.is_valid():
            run_action(request, do_recommend, app, form.cleaned_data["rank"], success=_("已推荐。"))
        return redirect("selection:application_detail", pk=app.pk)


class ApplicationSubmitView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.all(), request.user, pk, VIEW)
        run_action(request, do_submit, app, success=_("已处理报送。"))
        return redirect("selection:application_detail", pk=app.pk)


class ApplicationDocumentView(LoginRequiredMixin, View):
    accepts_uploads = True  # bodies up to the upload limit (core.middleware.RequestBodyLimitMiddleware)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.all(), request.user, pk, VIEW)
        uploaded = request.FILES.get("file")
        if uploaded is None:
            messages.error(request, _("请选择要上传的文件。"))
        else:
            kind = request.POST.get("kind", "")
            run_action(request, do_attach_document, app, kind, uploaded, success=_("材料已上传。"))
        return redirect("selection:application_detail", pk=app.pk)


class ApplicationCheckView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.all(), request.user, pk, VIEW)
        run_action(request, do_check_conditions, app, success=_("已完成条件核验。"))
        return redirect("selection:application_detail", pk=app.pk)


class CallExtraSlotView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        call = access(Call.objects.all(), request.user, pk, VIEW)
        unit = request.POST.get("quota_unit", "")
        approved = request.POST.get("approved") == "1"
        run_action(request, do_set_extra_slot, call, unit, approved, success=_("已记录。"))
        return redirect("selection:call_detail", pk=call.pk)


class WorkPlanView(LoginRequiredMixin, View):
    """The operator writes the work plan section by section; the summary's 字数 is counted as the
    notice counts it (no white space) and a longer one is refused with the count."""

    def get_application(self, request: HttpRequest, pk: int) -> Application:
        return access(Application.objects.select_related("call", "base"), request.user, pk, VIEW)

    def render_form(self, request: HttpRequest, app: Application, form: WorkPlanForm) -> HttpResponse:
        summary = form["summary"].value() or ""
        context = {
            "form": form,
            "object": app,
            "title": _("创建工作方案"),
            "summary_count": count_chars(summary),
            "summary_max": SUMMARY_MAX_CHARS,
            "editable": getattr(request.user, "role", None) == Role.OPERATOR and app.status == ApplicationStatus.DRAFT,
        }
        return render(request, "selection/work_plan.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.get_application(request, pk)
        plan = WorkPlan.objects.filter(application=app).first() or WorkPlan(application=app)
        return self.render_form(request, app, WorkPlanForm(instance=plan))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.get_application(request, pk)
        plan = WorkPlan.objects.filter(application=app).first() or WorkPlan(application=app)
        form = WorkPlanForm(request.POST, instance=plan)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            if run_action(request, do_save_work_plan, app, changes, success=_("工作方案已保存。")) is not None:
                return redirect("selection:work_plan", pk=app.pk)
        return self.render_form(request, app, form)


class GoalsView(LoginRequiredMixin, View):
    """The goals table of the work plan: a baseline and 3–5 yearly targets per indicator."""

    years = range(5)

    def context(self, request: HttpRequest, app: Application, data: Any = None) -> dict[str, Any]:
        stored = {g.indicator: g for g in app.goals.all()}
        first_year = next(iter(stored.values())).first_year if stored else timezone.localdate().year + 1
        rows = []
        for key, label in GoalIndicator.choices:
            goal = stored.get(key)
            if data is not None:
                baseline = data.get(f"{key}-baseline", "")
                targets = [data.get(f"{key}-{i}", "") for i in self.years]
            else:
                baseline = str(goal.baseline) if goal else ""
                targets = [*(goal.targets if goal else []), *[""] * 5][:5]
            rows.append({"key": key, "label": label, "baseline": baseline, "targets": list(enumerate(targets))})
        if data is not None and data.get("first_year", "").isdigit():
            first_year = int(data["first_year"])
        return {
            "object": app,
            "title": _("创建目标"),
            "rows": rows,
            "first_year": first_year,
            "year_labels": [first_year + i for i in self.years],
            "editable": getattr(request.user, "role", None) == Role.OPERATOR and app.status == ApplicationStatus.DRAFT,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.all(), request.user, pk, VIEW)
        return render(request, "selection/goals.html", self.context(request, app))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.all(), request.user, pk, VIEW)
        data = request.POST
        first_year = int(data["first_year"]) if data.get("first_year", "").isdigit() else timezone.localdate().year + 1
        rows = {}
        for key, _label in GoalIndicator.choices:
            baseline = data.get(f"{key}-baseline", "")
            targets = [data.get(f"{key}-{i}", "") for i in self.years]
            if baseline.strip() or any(t.strip() for t in targets):
                rows[key] = (baseline, targets)
        if run_action(request, do_save_goals, app, first_year, rows, success=_("创建目标已保存。")) is not None:
            return redirect("selection:goals", pk=app.pk)
        return render(request, "selection/goals.html", self.context(request, app, data))


class PrecheckView(LoginRequiredMixin, View):
    """A provincial department (or the ministry) checks a file of candidates before recommending."""

    accepts_uploads = True  # bodies up to the upload limit (core.middleware.RequestBodyLimitMiddleware)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and getattr(request.user, "role", None) not in (Role.PROVINCE, Role.MINISTRY):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        call = access(Call.objects.all(), request.user, pk, VIEW)
        return render(request, "selection/precheck.html", {"object": call, "title": _("批量预审")})

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        from core import uploads
        from selection.precheck import HEADERS, precheck_upload

        call = access(Call.objects.all(), request.user, pk, VIEW)
        context: dict[str, Any] = {"object": call, "title": _("批量预审"), "headers": HEADERS}
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("请选择 .xlsx 或 .csv 文件。")
            return render(request, "selection/precheck.html", context)
        try:
            context["results"] = precheck_upload(request.user, call, upload)
        except uploads.UploadRefused as exc:
            context["error"] = exc.message
        if "results" in context and request.POST.get("as") == "xlsx":
            from core import exports

            headers = [_("行"), _("园区名称"), _("结论"), _("原因代码"), _("原因")]
            rows = (
                [r.row, r.name, _("可受理") if r.accepted else _("不予受理"),
                 "；".join(c for c, _m in r.reasons), "；".join(m for _c, m in r.reasons)]
                for r in context["results"]
            )  # fmt: skip
            return exports.respond("xlsx", _("批量预审结果"), headers, rows)
        return render(request, "selection/precheck.html", context)
