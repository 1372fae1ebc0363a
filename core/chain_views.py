"""The integrity page of the change log and the payment ledger (core.chain), for the auditor and
the ministry: when the hash chains were last verified, what was found, and "立即校验"."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core import chain, tasks
from core.models import ChainCheck, ChangeLog, Job
from core.presentation import hides_values, person_text
from core.roles import Role

JOB_KIND = "verify_chain"
JOB_PATH = "core.chain.verify_job"
READERS = (Role.AUDITOR, Role.MINISTRY)


def may_read(user: Any) -> bool:
    return getattr(user, "role", None) in READERS


def _reader(request: HttpRequest) -> Any:
    if not may_read(request.user):
        raise PermissionDenied
    return request.user


def who(check: ChainCheck) -> str:
    """Who ran a check: a person, or how the system ran it."""
    if check.actor_id is not None:
        try:
            if check.actor is not None:
                return person_text(check.actor)
        except Exception:  # no database constraint: the record outlives the account
            return _("已删除的账号")
    if check.source == ChangeLog.Source.COMMAND:
        return _("系统（定时任务或运维命令）")
    return _("系统")


def present(check: ChainCheck, user: Any) -> list[dict[str, Any]]:
    """Each chain of a check with its breaks in words, as this reader may read the rows."""
    out = []
    for item in check.report.get("chains", []):
        label = chain.label_of(item["name"])
        shown = list(item.get("breaks", []))
        texts = chain.row_texts(
            item["name"],
            [b["row_id"] for b in shown if b["kind"] in (chain.CHANGED, chain.INSERTED) and b.get("row_id")],
            hide_values=hides_values(user),
        )
        out.append(
            {
                "label": label,
                "rows": item.get("rows", 0),
                "sealed": item.get("sealed", 0),
                "unsealed": item.get("unsealed", 0),
                "breaks_total": item.get("breaks_total", 0),
                "more": item.get("breaks_total", 0) - len(shown),
                "breaks": [
                    {
                        "kind": chain.kind_text(b["kind"]),
                        "row_id": b.get("row_id") or b.get("until"),
                        "text": texts.get(b.get("row_id") or 0, ""),
                        "sentence": chain.break_sentence(label, b),
                        "code": b["kind"],  # for tests: data-kind, never shown
                    }
                    for b in shown
                ],
            }
        )
    return out


def running_job() -> Job | None:
    """A verification under way; one older than an hour is taken for lost (a worker that died)
    and no longer holds the button back."""
    since = timezone.now() - datetime.timedelta(hours=1)
    active = [Job.Status.PENDING, Job.Status.RUNNING]
    return Job.objects.filter(kind=JOB_KIND, status__in=active, created__gte=since).first()


class ChainStatusView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = _reader(request)
        checks = list(ChainCheck.objects.select_related("actor").order_by("-time", "-id")[:10])
        last = checks[0] if checks else None
        return render(
            request,
            "core/chain_status.html",
            {
                "title": _("日志完整性校验"),
                "last": last,
                "last_who": who(last) if last else "",
                "chains": present(last, user) if last else [],
                "history": [(c, who(c)) for c in checks],
                "running": running_job() is not None,
            },
        )


class ChainVerifyView(LoginRequiredMixin, View):
    """POST: first the confirmation, then (with `confirmed`) the verification as a background job."""

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _reader(request)
        if running_job() is not None:
            messages.info(request, _("已有一次校验正在进行，请稍候查看结果。"))
            return redirect("core:chain_status")
        if request.POST.get("confirmed") != "1":
            last = ChainCheck.objects.order_by("-time", "-id").first()
            rows = sum(spec.model._base_manager.count() for spec in chain.chains())
            return render(
                request,
                "core/chain_confirm.html",
                {"title": _("立即校验"), "rows": rows, "seconds": last.seconds if last else None},
            )
        job = Job.objects.create(kind=JOB_KIND, owner=user, params={})
        tasks.submit(job, JOB_PATH)
        job.refresh_from_db()
        if job.status == Job.Status.SUCCEEDED:
            if job.result.get("ok"):
                messages.success(request, _("校验完成：未发现异常。"))
            else:
                messages.error(request, _("校验完成：发现异常，详见下文。"))
        elif job.status in (Job.Status.PENDING, Job.Status.RUNNING):
            messages.info(request, _("校验已开始，完成后本页显示结果。"))
        else:
            messages.error(request, _("校验未能完成，请联系系统管理员。"))
        return redirect("core:chain_status")
