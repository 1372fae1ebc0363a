"""Long list exports as background jobs (core.tasks, the mechanism imports use).

Above settings.ECBASE_EXPORT_JOB_ROWS rows, a list's "导出" creates a Job instead of answering
with the file: the job rebuilds the same list view for its owner with the same query (filters,
search, sort) and writes the file with progress; the job page polls, then offers the download.
Only the job's owner sees the job and its file. The scope is read again when the job runs, so a
file never holds more than its owner may export at that moment.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core import exports, tasks
from core.models import Job
from core.tasks import Progress, job_for

JOB_KIND = "export"
RUN_PATH = "core.exportjobs.run_export"
PROGRESS_EVERY = 1000


def start(request: HttpRequest, view_class: type, fmt: str, title: str, total: int) -> Job:
    owner: Any = request.user
    query = request.GET.copy()
    for key in ("export", "page"):
        query.pop(key, None)
    job = Job.objects.create(
        kind=JOB_KIND,
        owner=owner,
        total=total,
        params={
            "view": f"{view_class.__module__}.{view_class.__qualname__}",
            "path": request.path,
            "query": query.urlencode(),
            "format": fmt,
            "title": title,
            "filename": exports.filename(title, fmt),
        },
    )
    tasks.submit(job, RUN_PATH)
    return job


def _view_for(job: Job) -> Any:
    """The list view as its owner requested it (same filters, search and sort)."""
    from core.views import ScopedListView

    view_class = tasks.resolve(job.params["view"])
    if not (isinstance(view_class, type) and issubclass(view_class, ScopedListView)):
        raise TypeError(f"{job.params['view']} is not a list view")
    request = HttpRequest()
    request.method = "GET"
    request.path = job.params.get("path", "")
    request.GET = QueryDict(job.params.get("query", ""))
    request.user = job.owner
    view = view_class()
    view.setup(request)
    return view


def run_export(job: Job) -> None:
    """The job function: write the list's file, counting rows as it goes."""
    fmt = job.params["format"]
    _title, headers, rows, grouped, total = _view_for(job).export_table(fmt)
    Job.objects.filter(pk=job.pk).update(total=total)
    job.output_file.save(f"{uuid.uuid4().hex}.{fmt}", ContentFile(b""), save=False)
    written = 0

    def counted() -> Any:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    progress = Progress(job, side=True)
    try:
        with open(job.output_file.path, "wb") as target:
            exports.write(fmt, target, job.params["title"], headers, counted(), grouped, progress)
    finally:
        progress.close()
        rows.close()  # ends the read (its cursor) before the job's status is written, also on failure
    result = {"rows": written, "message": _("导出完成，共 %(n)s 行。") % {"n": f"{written:,}"}}
    Job.objects.filter(pk=job.pk).update(
        output_file=job.output_file.name, progress=written, total=written, result=result, finished=timezone.now()
    )
    job.result = result


def access_job(user: Any, pk: Any) -> Job:
    """An export job of this user; 404 for anyone else (the ministry included: a file holds its
    owner's scope)."""
    return job_for(user, pk, kinds=Q(kind=JOB_KIND))


class ExportJobView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = access_job(request.user, pk)
        running = job.status in (Job.Status.PENDING, Job.Status.RUNNING)
        query = job.params.get("query", "")
        context = {
            "title": _("导出任务 %(id)s：%(list)s") % {"id": job.pk, "list": job.params.get("title", "")},
            "job": job,
            "running": running,
            "result": job.result or {},
            "format_label": "Excel（.xlsx）" if job.params.get("format") == "xlsx" else "CSV（.csv）",
            "list_url": job.params.get("path", "") + (f"?{query}" if query else ""),
            "ready": job.status == Job.Status.SUCCEEDED and bool(job.output_file),
        }
        return render(request, "core/export_job.html", context)


class ExportJobFileView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        job = access_job(request.user, pk)
        if job.status != Job.Status.SUCCEEDED or not job.output_file:
            raise Http404
        return exports.file_response(job.output_file.open("rb"), job.params["filename"])
