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
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Job
from core.workflow import transition

logger = logging.getLogger(__name__)
SEAL_WAIT = 10.0  # seconds a job's sealing waits for other transactions still writing


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
        seal_after(job_id)  # what the job committed before it failed
        return
    # The function may have recorded its own outcome (failed, error); otherwise it succeeded.
    if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).exists():
        transition(job, Job.Status.SUCCEEDED, None, finished=timezone.now())
    else:
        Job.objects.filter(pk=job.pk, finished__isnull=True).update(finished=timezone.now())
    seal_after(job_id)


def seal_after(job_id: int) -> None:
    """Seal the rows a job wrote into the hash chains (core.chain), once its transactions have
    committed: the job's page already says it is done. Not for eager jobs (tests, commands: the
    caller waits, maybe inside its own transaction whose rows are not committed yet): `seal_chain`
    or the next job seals them. A failure here never fails the job; the next seal catches up."""
    if settings.ECBASE_TASKS_EAGER or connection.in_atomic_block:
        return
    from core import chain

    try:
        chain.seal(wait=SEAL_WAIT)
    except Exception:
        logger.exception("sealing after job %s failed", job_id)


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


class Progress:
    """Writes `Job.progress` while the job works, for its page to show.

    With `side=True` the count goes through a connection of its own (autocommit), so that the job
    page sees it at once: an import checks rows inside its open transaction on PostgreSQL, and an
    export reads its rows through a cursor while it counts them (on SQLite, WAL, a read that began
    before another connection's commit could not turn into a write on the job's connection). Inside
    a transaction on SQLite (an eager job in a test) a second writer would be refused, so the count
    goes through the job's own connection there."""

    def __init__(self, job: Job, *, side: bool) -> None:
        self.job = job
        self.use_side = side
        self.side: Any = None

    def __call__(self, n: int) -> None:
        if not self.use_side or (connection.in_atomic_block and connection.vendor != "postgresql"):
            Job.objects.filter(pk=self.job.pk).update(progress=n)
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.side.cursor() as cursor:
            cursor.execute(f'UPDATE "{Job._meta.db_table}" SET progress = %s WHERE id = %s', [n, self.job.pk])  # noqa: S608  (table name from model metadata)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def job_for(user: Any, pk: Any, *, kinds: Q, ministry_sees_all: bool = False) -> Job:
    """A job of the kinds given that this user may open: its owner's (and, where the ministry
    oversees them, the ministry's); 404 for anyone else, without a hint that it exists."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    visible = Q() if ministry_sees_all and getattr(user, "role", None) == "ministry" else Q(owner_id=user.pk)
    try:
        return Job.objects.filter(kinds, visible).get(pk=pk)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
