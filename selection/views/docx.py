"""The work plan as a Word document: download in the official layout, upload to fill the plan.

Download: whoever may view the application (the operator, its province, the ministry once it is
recommended, an assigned expert); logged as an export. Upload: the operator of the park while the
application is a draft, as on the work plan page (the action refuses anyone else).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from core import uploads
from core.audit import log_event
from core.errors import CoreErrorCode
from core.models import ChangeLog
from core.officedoc import DOCX_CONTENT_TYPE, text_width
from core.roles import Role
from core.scoping import VIEW, access
from core.views import run_action
from selection.actions.work_plan_docx import do_import_work_plan
from selection.docx_plan import FIELDS, GoalLabels, GoalRow, build_docx
from selection.models import Application, ApplicationStatus, WorkPlan

TITLE_LINE_CHARS = 20  # a line of 2号 on the 156 mm 版心 holds about 20 characters


def _number(text: str) -> str:
    """A stored decimal as people write it: 120, 12.5 (no trailing zeros)."""
    try:
        return f"{Decimal(text).normalize():f}"
    except ArithmeticError:
        return text


def work_plan_docx(app: Application) -> tuple[bytes, str]:
    """The application's work plan as a .docx in the official layout, and its file name."""
    from selection.checks import params_for

    plan = WorkPlan.objects.filter(application=app).first()
    sections = {name: getattr(plan, name) if plan else "" for name in FIELDS}
    goals = [
        GoalRow(
            label=g.get_indicator_display(),
            baseline=_number(str(g.baseline)),
            first_year=g.first_year,
            targets=[_number(t) for t in g.targets],
        )
        for g in app.goals.all()
    ]
    kinds = params_for(app).document_kinds
    documents = [
        _("%(kind)s：%(name)s") % {"kind": kinds[d.kind].label if d.kind in kinds else d.kind, "name": d.original_name}
        for d in app.documents.all()
    ]
    base_name = str(app.base)
    rest = _("创建国家电子商务示范基地工作方案")
    # A long title breaks after the park's name, not in the middle of a word (GB/T 9704-2012 7.3.1).
    title = f"{base_name}\n{rest}" if text_width(base_name + rest) > TITLE_LINE_CHARS else base_name + rest
    labels = GoalLabels(indicator=_("指标"), baseline=_("基期值"), year=_("%(year)s年"))
    return build_docx(title, sections, goals, labels, documents), f"{base_name}{rest}.docx"


def work_plan_docx_response(app: Application) -> HttpResponse:
    """The work plan as a .docx download (page and API), logged as an export."""
    data, name = work_plan_docx(app)
    log_event(ChangeLog.Action.EXPORT, obj=app, message=f"docx {name}")
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


class WorkPlanDocxView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.select_related("base", "call"), request.user, pk, VIEW)
        return work_plan_docx_response(app)


class WorkPlanUploadView(LoginRequiredMixin, View):
    accepts_uploads = True  # bodies up to the upload limit (core.middleware.RequestBodyLimitMiddleware)

    template_name = "selection/work_plan_upload.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        app = access(Application.objects.all(), request.user, pk, VIEW)
        return redirect("selection:work_plan", pk=app.pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = access(Application.objects.select_related("base", "call"), request.user, pk, VIEW)
        editable = getattr(request.user, "role", None) == Role.OPERATOR and app.status == ApplicationStatus.DRAFT
        context = {"object": app, "title": _("上传工作方案"), "editable": editable}
        try:
            # Before request.FILES: a body declared over the limit is refused unread.
            uploads.check_declared_length(request.META.get("CONTENT_LENGTH"))
            upload = request.FILES.get("file")
            if upload is None:
                raise uploads.UploadRefused(CoreErrorCode.MISSING, _("请选择要上传的 .docx 文件。"))
            uploads.check_size(upload.size or 0)  # before the body is read into memory
        except uploads.UploadRefused as refused:
            messages.error(request, refused.message)
            return render(request, self.template_name, context, status=400)
        name = upload.name or ""
        data = upload.read(int(settings.ECBASE_MAX_UPLOAD_BYTES) + 1)
        report = run_action(
            request, do_import_work_plan, app, data, name,
            success=_("已从“%(file)s”导入工作方案。") % {"file": name},
        )  # fmt: skip
        if report is None:
            return render(request, self.template_name, context, status=400)
        return render(request, self.template_name, {**context, "report": report})
