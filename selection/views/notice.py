"""Pages of the proposed list, its public notice, objections and designation.

The ministry drafts the list from the applications that passed the review, publishes it, rules on
the objections and designates (`/selection/…`, ministry only). Anyone reads the published notices
and lodges an objection during the period without an account (`/notices/…`); the public pages
never show a draft, a score or anything else internal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from core import exports
from core.audit import log_event
from core.errors import ActionError
from core.middleware import client_ip
from core.models import ChangeLog
from core.officedoc import DOCX_CONTENT_TYPE
from core.privacy import mask_phone
from core.roles import Role
from core.scoping import CHANGE, EXPORT, VIEW, access, can, restrict
from core.views import run_action
from selection.actions.notice import (
    do_designate,
    do_draft_notice,
    do_publish_notice,
    do_rule_objection,
    eligible_for_list,
    notice_end,
    period_state,
)
from selection.forms.notice import DesignateForm, NoticeDraftForm, ObjectionForm, PublishForm, RulingForm
from selection.models import (
    Application,
    Call,
    Notice,
    NoticeStatus,
    Objection,
    ObjectionStatus,
)
from selection.notice_docs import list_docx, notice_docx
from selection.notice_public import (
    default_body,
    default_title,
    entries_for_list,
    lodge,
    period_range,
    period_rule_text,
    period_text,
    public_rows,
)


class MinistryOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and getattr(request.user, "role", None) != Role.MINISTRY:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _notice(request: HttpRequest, pk: int, action: str = CHANGE) -> Notice:
    return access(Notice.objects.select_related("call"), request.user, pk, action)


def mask_email(email: str) -> str:
    local, _sep, domain = (email or "").partition("@")
    if not domain:
        return "*" * len(local)
    return f"{local[:1]}***@{domain}"


def docx_response(notice: Notice, kind: str) -> HttpResponse:
    """The notice (`kind` "notice") or the final list ("list") as .docx, logged as an export."""
    if kind == "list":
        if notice.status != NoticeStatus.DESIGNATED:
            raise Http404
        data, label = list_docx(notice), _("认定名单")
    else:
        data, label = notice_docx(notice), _("拟认定名单公示")
    log_event(ChangeLog.Action.EXPORT, obj=notice, message=f"docx {label}")
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{label}.docx")
    return response


# -- the ministry ---------------------------------------------------------------------------


class NoticeDraftView(MinistryOnlyMixin, View):
    """The proposed list: the applications that passed the defence (or re-check), with their
    scores, to tick and put in order; title, text, period and contact of the notice."""

    template_name = "selection/notice/draft.html"

    def context(self, request: HttpRequest, call: Call, notice: Notice | None, form: NoticeDraftForm,
                chosen: dict[int, int]) -> dict[str, Any]:  # fmt: skip
        rows = [
            {"application": app, "entry": entry, "checked": app.pk in chosen, "order": chosen.get(app.pk, "")}
            for app, entry in eligible_for_list(call)
        ]
        form.link_errors()
        return {"object": call, "notice": notice, "rows": rows, "form": form, "title": _("拟认定名单与公示")}

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        call = access(Call.objects.all(), request.user, pk, VIEW)
        notice = restrict(Notice.objects.filter(call=call), request.user, CHANGE).first()
        if notice is not None and notice.status != NoticeStatus.DRAFT:
            return redirect("selection:notice_detail", pk=notice.pk)
        if notice is None:
            form = NoticeDraftForm(initial={"title": default_title(call), "body": default_body(call)})
            chosen: dict[int, int] = {}
        else:
            form = NoticeDraftForm(initial={f: getattr(notice, f) for f in NoticeDraftForm.base_fields})
            chosen = {e.application_id: e.position for e in notice.entries.all()}
        return render(request, self.template_name, self.context(request, call, notice, form, chosen))

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        call = access(Call.objects.all(), request.user, pk, VIEW)
        notice = restrict(Notice.objects.filter(call=call), request.user, CHANGE).first()
        form = NoticeDraftForm(request.POST)
        ids = [int(v) for v in request.POST.getlist("applications") if v.isdigit()]
        rank = {app.pk: i for i, (app, _entry) in enumerate(eligible_for_list(call))}

        def order(app_id: int) -> tuple[int, int]:
            raw = request.POST.get(f"order-{app_id}", "")
            return (int(raw) if raw.strip().isdigit() else 10_000, rank.get(app_id, 10_000))

        ids.sort(key=order)
        chosen = {app_id: i for i, app_id in enumerate(ids, start=1)}
        found = {a.pk: a for a in restrict(Application.objects.filter(call=call, pk__in=ids), request.user, VIEW)}
        applications = [found[i] for i in ids if i in found]
        if form.is_valid():
            saved = run_action(
                request, do_draft_notice, call, applications=applications, success=_("拟认定名单已保存。"),
                **form.cleaned_data,
            )  # fmt: skip
            if saved is not None:
                return redirect("selection:notice_detail", pk=saved.pk)
        return render(request, self.template_name, self.context(request, call, notice, form, chosen))


class NoticeDetailView(LoginRequiredMixin, View):
    """The ministry's page of one notice: the list with scores, publishing, the period, the
    objections and designation. Others are sent to the public page (drafts stay hidden)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        notice = _notice(request, pk, VIEW)
        if getattr(request.user, "role", None) != Role.MINISTRY:
            return redirect("notices:detail", pk=notice.pk)
        today = timezone.localdate()
        preview_end = preview_error = None
        if notice.status == NoticeStatus.DRAFT:
            try:
                preview_end = notice_end(notice, today)
            except ActionError as exc:
                preview_error = exc.message
        counts = dict.fromkeys(ObjectionStatus.values, 0)
        for status in notice.objections.values_list("status", flat=True):
            counts[status] += 1
        publish_form = PublishForm(initial={"starts_on": today})
        designate_form = DesignateForm(initial={"date": today})
        for form in (publish_form, designate_form):
            form.link_errors()
        context = {
            "object": notice,
            "title": notice.title,
            "entries": entries_for_list(notice),
            "state": period_state(notice),
            "period": period_range(notice),
            "period_rule": period_rule_text(notice),
            "today": today,
            "preview_end": preview_end,
            "preview_error": preview_error,
            "objection_counts": [(ObjectionStatus(s).label, n) for s, n in counts.items()],
            "pending": counts[ObjectionStatus.PENDING],
            "publish_form": publish_form,
            "designate_form": designate_form,
        }
        return render(request, "selection/notice/detail.html", context)


class NoticePublishView(MinistryOnlyMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        notice = _notice(request, pk)
        form = PublishForm(request.POST)
        if form.is_valid():
            run_action(
                request,
                do_publish_notice,
                notice,
                form.cleaned_data["starts_on"],
                success=_("公示已发布，公示页面已对外公开。"),
            )
        else:
            messages.error(request, _("请填写有效的公示开始日。"))
        return redirect("selection:notice_detail", pk=notice.pk)


class NoticeDesignateView(MinistryOnlyMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        notice = _notice(request, pk)
        form = DesignateForm(request.POST)
        if form.is_valid():
            run_action(
                request, do_designate, notice, document_no=form.cleaned_data["document_no"],
                date=form.cleaned_data["date"], success=_("已公布认定，示范基地状态已更新。"),
            )  # fmt: skip
        else:
            messages.error(request, _("请填写认定文号和有效的认定日期。"))
        return redirect("selection:notice_detail", pk=notice.pk)


class ObjectionListView(MinistryOnlyMixin, View):
    """Every objection of a notice with the objector's contact details (the ministry only);
    `?export=xlsx` exports them with phone and e-mail masked and without the address."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        notice = _notice(request, pk)
        objections = restrict(Objection.objects.filter(notice=notice), request.user, VIEW).select_related(
            "entry__application__base"
        )
        if request.GET.get("export") == "xlsx":
            if not can(request.user, Objection, EXPORT):
                raise PermissionDenied
            log_event(ChangeLog.Action.EXPORT, obj=notice, message=f"xlsx {_('公示异议')}")
            headers = [_("编号"), _("提出时间"), _("异议人姓名或单位"), _("联系电话"), _("电子邮箱"),
                       _("涉及基地"), _("异议内容及理由"), _("处理状态"), _("处理意见")]  # fmt: skip
            rows = (
                [o.pk, timezone.localtime(o.lodged_at).strftime("%Y-%m-%d %H:%M:%S"), o.name, mask_phone(o.phone),
                 mask_email(o.email), o.entry.application.base.name if o.entry else "", o.content,
                 o.get_status_display(), o.ruling]
                for o in restrict(objections, request.user, EXPORT)
            )  # fmt: skip
            return exports.respond("xlsx", _("公示异议"), headers, rows)
        context = {"object": notice, "title": _("公示异议"), "objections": objections}
        return render(request, "selection/notice/objections.html", context)


class ObjectionRuleView(MinistryOnlyMixin, View):
    """The ministry's ruling on one objection; an upheld one may take its base off the list."""

    def get_objection(self, request: HttpRequest, pk: int) -> Objection:
        qs = Objection.objects.select_related("notice", "entry__application__base")
        return access(qs, request.user, pk, CHANGE)

    def render_form(self, request: HttpRequest, objection: Objection, form: RulingForm) -> HttpResponse:
        form.link_errors()
        context = {"object": objection, "notice": objection.notice, "form": form, "title": _("处理异议")}
        return render(request, "selection/notice/rule.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        objection = self.get_objection(request, pk)
        initial = {"ruling": objection.ruling}
        if objection.status != ObjectionStatus.PENDING:
            initial["status"] = objection.status
        return self.render_form(request, objection, RulingForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        objection = self.get_objection(request, pk)
        form = RulingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = run_action(
                request, do_rule_objection, objection, data["status"], data["ruling"],
                withdraw_entry=data["withdraw_entry"], success=_("异议处理结论已记录。"),
            )  # fmt: skip
            if done is not None:
                return redirect("selection:notice_objections", pk=objection.notice_id)
        return self.render_form(request, objection, form)


class NoticeDocxView(LoginRequiredMixin, View):
    """The notice as .docx for the ministry (a draft too, to proof it before publishing)."""

    kind = "notice"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return docx_response(_notice(request, pk, EXPORT), self.kind)


class ListDocxView(NoticeDocxView):
    kind = "list"


# -- the public -----------------------------------------------------------------------------


def _published(request: HttpRequest, pk: int) -> Notice:
    """A published or designated notice; a draft is a 404 for everyone, the ministry included."""
    qs = Notice.objects.exclude(status=NoticeStatus.DRAFT).select_related("call")
    return access(qs, request.user, pk, VIEW)


def public_state(notice: Notice) -> str:
    """Where a notice stands, in words (never by colour alone)."""
    if notice.status == NoticeStatus.DESIGNATED:
        return _("已公布认定结果")
    return {"before": _("即将公示"), "open": _("公示中，受理异议"), "over": _("公示期已届满，待公布结果")}[
        period_state(notice)
    ]


class PublicNoticeListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        notices = (
            restrict(Notice.objects.exclude(status=NoticeStatus.DRAFT), request.user, VIEW)
            .select_related("call")
            .order_by("-published_at", "-pk")
        )
        rows = [(n, period_text(n), public_state(n)) for n in notices]
        return render(request, "selection/notice/public_list.html", {"title": _("公示公告"), "notices": rows})


class PublicNoticeView(View):
    """The notice as the public reads it, with the objection form during the period."""

    def render_page(
        self, request: HttpRequest, notice: Notice, form: ObjectionForm | None, refusal: str = ""
    ) -> HttpResponse:
        state = period_state(notice)
        designated = notice.status == NoticeStatus.DESIGNATED
        if form is None and state == "open":
            form = ObjectionForm(entries=entries_for_list(notice))
        if form is not None:
            form.link_errors()
        context = {
            "object": notice,
            "title": notice.title,
            "state": state,
            "period": period_text(notice),
            "period_rule": period_rule_text(notice),
            "rows": public_rows(notice),
            "final_rows": public_rows(notice, final=True) if designated else [],
            "designated": designated,
            "form": form if state == "open" else None,
            "refusal": refusal,
        }
        return render(request, "selection/notice/public_detail.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request, _published(request, pk), None)

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        notice = _published(request, pk)
        if period_state(notice) != "open":
            # Refused by the action itself, with its message (the period is over or not begun).
            try:
                lodge(notice, client_ip(request), name="", phone="", content="")
            except ActionError as exc:
                return self.render_page(request, notice, None, refusal=exc.message)
        form = ObjectionForm(request.POST, entries=entries_for_list(notice))
        if form.is_valid():
            try:
                objection = lodge(notice, client_ip(request), **form.action_fields())
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("异议已收到，受理编号 %(no)s。商务部电子商务司将核查处理，并通过您留下的联系方式反馈。")
                    % {"no": objection.pk},
                )
                return redirect(reverse("notices:detail", args=[notice.pk]) + "#objection")
        return self.render_page(request, notice, form)


class PublicDocxView(View):
    """The published notice (and, after designation, the final list) as .docx, for anyone."""

    kind = "notice"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return docx_response(_published(request, pk), self.kind)


class PublicListDocxView(PublicDocxView):
    kind = "list"
