"""Import jobs: `start_import` (called by the upload page, later by the API) stores the upload
after the hostile-file checks and submits `run_import` through core.tasks; `run_import` reads,
validates, applies (registry.actions.imports) and writes the report and the error workbook.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import tasks, uploads
from core.audit import audit_context
from core.models import ChangeLog, Job
from core.scoping import ADD, CHANGE, can
from core.tabular import TableError
from core.tasks import Progress, job_for
from core.workflow import transition
from registry.actions.imports import Outcome, import_bases, import_roster_batches
from registry.imports.columns import ALL_OR_NONE, BASES, KEEP_VALID, KINDS, MODES, ROSTER
from registry.imports.parse import Table, read_table
from registry.imports.validate import Checked, Context, RosterBatches, validate_bases
from registry.imports.workbooks import error_workbook

JOB_PREFIX = "import_"
RUN_PATH = "registry.imports.jobs.run_import"
REPORT_LIMIT = 1000  # errors kept in the job's result; the workbook has them all


def may_import(user: User, kind: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if kind == BASES:
        return can(user, _base_model(), ADD)
    if kind == ROSTER:
        return _base_model().objects.restrict(user, CHANGE).exists()
    return False


def _base_model() -> Any:
    from registry.models import Base

    return Base


def start_import(user: User, kind: str, uploaded_file: Any, mode: str = ALL_OR_NONE) -> Job:
    """Check the upload (before any parser sees it), store it, and queue the import job.

    Raises PermissionDenied, uploads.UploadRefused or ValueError (unknown kind or mode).
    """
    if kind not in KINDS or mode not in MODES:
        raise ValueError(f"unknown import kind or mode: {kind} {mode}")
    if not may_import(user, kind):
        raise PermissionDenied
    name = getattr(uploaded_file, "name", "") or ""
    fmt = uploads.detect_format(name)
    # Every check of the format (the pre-check's too): a refused file never becomes a job.
    uploads.check_upload(uploaded_file, fmt)
    job = Job(
        kind=JOB_PREFIX + kind,
        owner=user,
        params={"kind": kind, "mode": mode, "format": fmt, "filename": Path(name).name[:200]},
    )
    job.input_file.save(f"{uuid.uuid4().hex}.{fmt}", File(uploaded_file), save=False)
    job.save()
    tasks.submit(job, RUN_PATH)
    return job


def access_job(user: User, pk: Any) -> Job:
    """An import job its owner (or the ministry) may see; 404 for everyone else."""
    return job_for(user, pk, kinds=Q(kind__startswith=JOB_PREFIX), ministry_sees_all=True)


def jobs_of(user: User) -> Any:
    return Job.objects.filter(owner_id=user.pk, kind__startswith=JOB_PREFIX).order_by("-created")


def _set(job: Job, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    Job.objects.filter(pk=job.pk).update(**fields)


def run_import(job: Job) -> None:
    """The job function (core.tasks): read, validate, apply, report, with Python's cycle
    collector paused (core.tasks.gc_paused). It resumes once the import's rows are freed: its
    first collection then has only what survived to walk."""
    with tasks.gc_paused():
        _run_import(job)


def _run_import(job: Job) -> None:
    kind = job.params["kind"]
    keep_valid = job.params.get("mode") == KEEP_VALID
    fmt = job.params["format"]
    user = job.owner
    timings: dict[str, float] = {}
    started = time.perf_counter()
    message = _("文件导入：%(name)s（任务 %(id)s）") % {"name": job.params.get("filename", ""), "id": job.pk}
    with audit_context(actor=user, source=ChangeLog.Source.IMPORT):
        path = job.input_file.path
        try:
            uploads.check_upload(path, fmt)
            table = read_table(path, fmt, kind)
        except uploads.UploadRefused as refused:
            _finish(job, Job.Status.FAILED, {"message": refused.message, "errors": [], "error_count": 0})
            return
        except TableError as unreadable:  # a workbook calamine cannot read: its words, not a crash
            text = "；".join(e.message for e in unreadable.errors)
            _finish(job, Job.Status.FAILED, {"message": text, "errors": [], "error_count": 0})
            return
        timings["read"] = time.perf_counter() - started
        _set(job, total=len(table.rows))
        if table.errors:
            _report(job, kind, table.headers, table.rows, table.errors, Outcome(), 0, timings, started)
            return
        mark = time.perf_counter()
        ctx = Context.load(user)
        progress = Progress(job, side=connection.vendor == "postgresql")
        try:
            if kind == ROSTER:
                outcome, checked = _apply_roster(user, table, ctx, progress, keep_valid, message, timings)
            else:
                rows, checked = validate_bases(table, ctx, progress)
                timings["validate"] = time.perf_counter() - mark
                mark = time.perf_counter()
                errors = table.errors + checked.errors
                outcome = import_bases(user, rows, keep_valid=keep_valid, blocked=bool(errors), message=message)
                timings["apply"] = time.perf_counter() - mark
        finally:
            progress.close()
        timings.update({f"apply.{k}": v for k, v in outcome.timings.items()})
        errors = table.errors + checked.errors + outcome.errors
        errors.sort(key=lambda e: e["row"])
        rejected = len(checked.bad_rows | outcome.rejected_rows)
        _report(job, kind, table.headers, table.rows, errors, outcome, rejected, timings, started)


def _apply_roster(
    user: User,
    table: Table,
    ctx: Context,
    progress: Callable[[int], None],
    keep_valid: bool,
    message: str,
    timings: dict[str, float],
) -> tuple[Outcome, Checked]:
    """Validate and write the roster. On PostgreSQL the rows are written batch by batch while the
    next ones are checked (registry.actions.imports); elsewhere every row is checked first."""
    mark = time.perf_counter()
    batches = RosterBatches(table, ctx, progress)  # finds the credit codes repeated in the file
    timings["codes"] = time.perf_counter() - mark
    source: Iterable[list[Any]] = batches
    if connection.vendor != "postgresql":
        source = list(batches)
        timings["validate"] = time.perf_counter() - mark - timings["codes"]
    outcome = import_roster_batches(
        user, source, codes=batches.codes, keep_valid=keep_valid, blocked=lambda: batches.failed, message=message
    )
    timings["apply"] = time.perf_counter() - mark
    return outcome, batches.checked


def _report(
    job: Job,
    kind: str,
    headers: list[str],
    rows: list[list[Any]],
    errors: list[dict[str, Any]],
    outcome: Outcome,
    rejected: int,
    timings: dict[str, float],
    started: float,
) -> None:
    if errors:
        mark = time.perf_counter()
        job.output_file.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(b""), save=False)
        error_workbook(kind, headers, rows, errors, job.output_file.path)
        timings["error_workbook"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    if outcome.written and errors:
        summary = _("已导入正确的行，%(n)s 行有错误未导入，请下载错误工作簿修改后重新导入。") % {"n": rejected}
    elif outcome.written:
        summary = _("导入完成：新增 %(c)s 家，更新 %(u)s 家，未变化 %(s)s 家，新增入驻记录 %(r)s 条。") % {
            "c": outcome.created,
            "u": outcome.updated,
            "s": outcome.unchanged,
            "r": outcome.residencies,
        }
    else:
        summary = _("文件有 %(e)s 处错误，未导入任何数据。请修改后重新上传，或选择“仅导入正确的行”。") % {
            "e": len(errors)
        }
    result = {
        **outcome.as_dict(),
        "message": summary,
        "rejected": rejected,
        "error_count": len(errors),
        "errors": errors[:REPORT_LIMIT],
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
    status = Job.Status.SUCCEEDED if outcome.written else Job.Status.FAILED
    _finish(job, status, result, output_file=job.output_file.name or "")


def _finish(job: Job, status: str, result: dict[str, Any], **extra: Any) -> None:
    transition(job, status, None, result=result, progress=job.total, finished=timezone.now(), **extra)
