"""Import pages: choose a kind, download its template, upload with a mode, follow the job."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.acting import acting_user
from accounts.models import User
from core import uploads
from core.errors import CoreErrorCode
from core.exports import XLSX_TYPE
from core.models import Job
from registry.imports import workbooks
from registry.imports.columns import ALL_OR_NONE, COLUMNS, KEEP_VALID, KIND_LABELS, KINDS
from registry.imports.jobs import access_job, jobs_of, may_import, start_import

MODE_CHOICES = (
    (ALL_OR_NONE, gettext_lazy("全部正确才导入（任何一行有错误则不写入任何数据）")),
    (KEEP_VALID, gettext_lazy("仅导入正确的行（错误行返回错误工作簿）")),
)


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


def _kind_or_404(user: User, kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    if not may_import(user, kind):
        raise PermissionDenied
    return kind


class ImportIndexView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        kinds = [(k, KIND_LABELS[k]) for k in KINDS if may_import(acting_user(request), k)]
        return render(
            request,
            "registry/imports/index.html",
            {"title": _("数据导入"), "kinds": kinds, "jobs": jobs_of(acting_user(request))[:20]},
        )


class TemplateView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        _kind_or_404(acting_user(request), kind)
        data = workbooks.template(kind, acting_user(request))
        response = HttpResponse(data, content_type=XLSX_TYPE)
        name = _("%(kind)s导入模板.xlsx") % {"kind": KIND_LABELS[kind]}
        response["Content-Disposition"] = _attachment(name)
        return response


class UploadView(LoginRequiredMixin, View):
    accepts_uploads = True  # bodies up to the upload limit (core.middleware.RequestBodyLimitMiddleware)

    template_name = "registry/imports/upload.html"

    def context(self, kind: str, **extra: Any) -> dict[str, Any]:
        return {
            "title": _("导入%(kind)s") % {"kind": KIND_LABELS[kind]},
            "kind": kind,
            "columns": COLUMNS[kind],
            "modes": MODE_CHOICES,
            "mode": ALL_OR_NONE,
            "max_bytes": uploads.Limits.from_settings().max_bytes,
            **extra,
        }

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        _kind_or_404(acting_user(request), kind)
        return render(request, self.template_name, self.context(kind))

    def post(self, request: HttpRequest, kind: str) -> HttpResponse:
        _kind_or_404(acting_user(request), kind)
        mode = request.POST.get("mode", ALL_OR_NONE)
        if mode not in (ALL_OR_NONE, KEEP_VALID):
            mode = ALL_OR_NONE
        try:
            uploads.check_declared_length(request.META.get("CONTENT_LENGTH"))
            upload = request.FILES.get("file")
            if upload is None:
                raise uploads.UploadRefused(CoreErrorCode.MISSING)
            job = start_import(acting_user(request), kind, upload, mode)
        except uploads.UploadRefused as refused:
            return render(request, self.template_name, self.context(kind, error=refused.message, mode=mode), status=400)
        return redirect("imports:job", pk=job.pk)


class JobView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = access_job(acting_user(request), pk)
        running = job.status in (Job.Status.PENDING, Job.Status.RUNNING)
        kind = job.params.get("kind", "")
        return render(
            request,
            "registry/imports/job.html",
            {
                "title": _("导入任务 %(id)s") % {"id": job.pk},
                "job": job,
                "kind_label": KIND_LABELS.get(kind, kind),
                "mode_label": dict(MODE_CHOICES).get(job.params.get("mode", ""), ""),
                "running": running,
                "result": job.result or {},
                "errors": (job.result or {}).get("errors", []),
            },
        )


class JobErrorsView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        job = access_job(acting_user(request), pk)
        if not job.output_file:
            raise Http404
        stamp = timezone.localtime(job.created).strftime("%Y%m%d-%H%M%S")
        name = _("错误工作簿-任务%(id)s-%(stamp)s.xlsx") % {"id": job.pk, "stamp": stamp}
        return FileResponse(job.output_file.open("rb"), as_attachment=True, filename=name, content_type=XLSX_TYPE)
