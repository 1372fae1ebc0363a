"""The one task interface for background work (imports, evaluation runs, simulations, reports).

`submit(job, "package.module.function")` runs `function(job)`:
- synchronously when settings.ECBASE_TASKS_EAGER is true (tests, management commands);
- on a Celery worker when settings.CELERY_BROKER_URL is set (one shared task that imports the
  function by its dotted path; start a worker with `celery -A core.tasks worker`);
- otherwise in a background thread of this process (the embedded default).

The job function does the work and fills `job.result`; `run()` marks the job running, then
succeeded (or whatever status the function set), and records an unexpected exception as ERROR
so that the job page never spins forever.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Job
from core.workflow import transition

logger = logging.getLogger(__name__)


def resolve(fn_path: str) -> Callable[[Job], Any]:
    module_name, _sep, attr = fn_path.rpartition(".")
    if not module_name:
        raise ValueError(f"not a dotted path: {fn_path}")
    fn = getattr(importlib.import_module(module_name), attr)
    if not callable(fn):
        raise TypeError(f"{fn_path} is not callable")
    return fn


def run(job_id: int, fn_path: str) -> None:
    """Run one job to its end; every outcome leaves the job in a final status."""
    job = Job.objects.get(pk=job_id)
    transition(job, Job.Status.RUNNING, None, started=timezone.now())
    try:
        resolve(fn_path)(job)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, fn_path)
        result = dict(job.result or {})
        result["exception"] = f"{type(exc).__name__}: {exc}"[:500]
        result["message"] = _("处理过程中出现系统错误，请联系管理员。")
        transition(job, Job.Status.ERROR, None, result=result, finished=timezone.now())
        if settings.ECBASE_TASKS_EAGER and getattr(settings, "ECBASE_TASKS_RAISE", False):
            raise
        return
    # The function may have recorded its own outcome (failed, error); otherwise it succeeded.
    if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).exists():
        transition(job, Job.Status.SUCCEEDED, None, finished=timezone.now())
    else:
        Job.objects.filter(pk=job.pk, finished__isnull=True).update(finished=timezone.now())


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = True


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a job builds hundreds of thousands of objects (a
    60,000-row import: the table's rows, their checked values, the rows to write): each of its
    full collections walks every live object, and they ran dozens of times, about half of the
    checks' time. Reference counting still frees everything else at once; cycles made meanwhile
    wait for the collector, which resumes when the last paused job ends. Process-wide: jobs in
    threads share one count."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
        _gc_pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _thread_main(job_id: int, fn_path: str) -> None:
    close_old_connections()
    try:
        run(job_id, fn_path)
    finally:
        connection.close()


def submit(job: Job, fn_path: str) -> None:
    """Queue `fn_path(job)`; it starts once the current transaction (if any) has committed."""
    resolve(fn_path)  # fail now, in the request, if the path is wrong
    if settings.ECBASE_TASKS_EAGER:
        run(job.pk, fn_path)
        job.refresh_from_db()
        return
    if settings.CELERY_BROKER_URL:
        transaction.on_commit(lambda: celery_run_job.delay(job.pk, fn_path))
        return

    def start() -> None:
        threading.Thread(target=_thread_main, args=(job.pk, fn_path), daemon=True, name=f"job-{job.pk}").start()

    transaction.on_commit(start)


# Celery: the app lives in ecbase/celery.py (`celery -A ecbase worker`); this is its one task.
@shared_task(name="ecbase.run_job")
def celery_run_job(job_id: int, fn_path: str) -> None:
    _thread_main(job_id, fn_path)
