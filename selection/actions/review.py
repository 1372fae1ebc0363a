"""Assigning experts to applications, never with a conflict of interest (fail-closed)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.models import Role
from core.audit import save_logged
from core.errors import ActionError, NotAllowedError
from selection.models import Application, ApplicationStatus, Assignment, Expert
from selection.review import conflicts


def _check(actor: Any, application: Application) -> None:
    if getattr(actor, "role", None) != Role.MINISTRY:
        raise NotAllowedError(_("评审专家由商务部分配。"))
    if application.status != ApplicationStatus.SUBMITTED:
        raise ActionError("not_submitted", _("只有已报送商务部的申报才能分配评审专家。"))


def do_assign_expert(actor: Any, application: Application, expert: Expert) -> Assignment:
    _check(actor, application)
    found = conflicts(expert, application)
    if found:
        raise ActionError(
            "conflict_of_interest",
            _("不能分配 %(expert)s：%(why)s") % {"expert": expert, "why": "；".join(c.message for c in found)},
        )
    if Assignment.objects.filter(application=application, expert=expert).exists():
        raise ActionError("already_assigned", _("%(expert)s 已分配评审该申报。") % {"expert": expert})
    with transaction.atomic():
        assignment = Assignment(application=application, expert=expert)
        save_logged(assignment, actor=actor)
    return assignment


def do_auto_assign(actor: Any, application: Application, reviewers: int) -> list[Assignment]:
    """Assign the least-loaded experts without a conflict until the application has `reviewers`."""
    _check(actor, application)
    have = set(application.assignments.values_list("expert_id", flat=True))
    pool = (
        Expert.objects.exclude(pk__in=have)
        .select_related("home_province", "user")
        .annotate(load=Count("assignments"))
        .order_by("load", "pk")
    )
    chosen = [e for e in pool if not conflicts(e, application)][: max(0, reviewers - len(have))]
    if len(have) + len(chosen) < reviewers:
        raise ActionError(
            "not_enough_experts",
            _("无利益冲突的专家不足：需要 %(n)s 人，可分配 %(m)s 人。")
            % {"n": reviewers, "m": len(have) + len(chosen)},
        )
    with transaction.atomic():
        made = []
        for expert in chosen:
            assignment = Assignment(application=application, expert=expert)
            save_logged(assignment, actor=actor)
            made.append(assignment)
    return made
