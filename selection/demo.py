"""Demo data for the selection process, written through the real actions so that the demo shows
what the platform would hold: an open call, and a closed call whose applications went through
recommendation and submission and are in the preliminary review, with the demo expert's sheets
left to fill in. Deterministic for a given seed. Invented parks keep their demo flag."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import save_logged
from core.roles import Role
from regions.models import Region
from registry.models import Base, BaseStatus
from selection.actions.applications import (
    do_create_application,
    do_recommend,
    do_save_goals,
    do_save_work_plan,
    do_submit,
)
from selection.actions.calls import do_close_call, do_open_call
from selection.actions.review import do_auto_assign, do_open_stage, do_submit_score
from selection.models import Application, Assignment, Call, Expert, GoalIndicator

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
EXPERT_PROVINCES = ("110000", "310000", "440000", "330000", "420000", "510000", "610000")
EXPERT_FIELDS = ("电子商务", "产业经济", "现代物流", "数字金融", "区域规划", "农村电商", "信息技术")


def _hidden_user(username: str, role: str, **scope: Any) -> User:
    """A participant of the demo story who does not sign in (no usable password)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, password=make_password(None), **scope)
        save_logged(user, message=_("演示数据"))
    return user


def _experts(rng: random.Random) -> list[Expert]:
    experts = []
    demo_user = User.objects.filter(username="expert_demo").first()
    users = [demo_user] if demo_user is not None else []
    users += [_hidden_user(f"demo_expert_{i}", Role.EXPERT, display_name=f"专家{i}") for i in range(1, 7)]
    for i, user in enumerate(users):
        expert = Expert.objects.filter(user=user).first()
        if expert is None:
            expert = Expert(
                user=user,
                fields_of_expertise=EXPERT_FIELDS[i % len(EXPERT_FIELDS)],
                home_province=Region.objects.get(code=EXPERT_PROVINCES[i % len(EXPERT_PROVINCES)]),
                affiliation=_("演示研究机构 %(n)s") % {"n": i + 1},
                affiliation_codes=[],
                affiliations_declared=True,
            )
            save_logged(expert, actor=None, message=_("演示数据"))
        experts.append(expert)
    return experts


def _prepare(rng: random.Random, call: Call, base: Base, at: datetime.datetime) -> Application:
    operator = _hidden_user(f"demo_operator_{base.pk}", Role.OPERATOR, base=base, display_name=base.operator_name[:32])
    area = Decimal(rng.randrange(21_000, 90_000)).quantize(Decimal("1.00"))
    app = do_create_application(operator, call, base, area_m2=area, operating_since=base.operating_since)
    summary = _(
        "%(name)s位于%(region)s，已入驻电子商务企业百余家，围绕地方特色产业开展电子商务集聚、孵化和公共服务。"
    ) % {"name": base.name, "region": base.region.name}
    basis = _("园区规划面积约 %(area)s 平方米，设立管理委员会，出台入驻企业扶持办法。") % {"area": area}
    safeguards = _("成立由分管区领导任组长的创建工作领导小组，设立专项资金。")
    do_save_work_plan(operator, app, {"summary": summary, "basis": basis, "safeguards": safeguards})
    first_year = at.year + 1
    rows = {}
    for indicator in (GoalIndicator.ENTERPRISES_GATHERED, GoalIndicator.JOBS, GoalIndicator.REVENUE):
        baseline = Decimal(rng.randrange(80, 400))
        # Exact decimals: 1.2, 1.4, 1.6 times the baseline (Decimal("1.4"), never Decimal(1.4)).
        growth = [Decimal(1) + Decimal("0.2") * (i + 1) for i in range(3)]
        rows[indicator.value] = (str(baseline), [str((baseline * g).quantize(Decimal("0.01"))) for g in growth])
    do_save_goals(operator, app, first_year, rows)
    return app


def seed_selection(seed: int = 2015) -> dict[str, int]:
    """Write the selection demo; returns counts for the report. Does nothing if calls exist."""
    if Call.objects.exists():
        return {}
    rng = random.Random(seed)
    ministry = User.objects.get(username="ministry")
    today = timezone.localdate()
    open_call = do_open_call(
        ministry,
        title=_("第三批国家电子商务示范基地创建（演示）"),
        document_no=_("商办电函〔%(y)s〕88号（演示）") % {"y": today.year},
        deadline=datetime.datetime(today.year + 1, 3, 31, 23, 59, 59, tzinfo=BEIJING),
    )
    # The call under review closed a month ago; its applications came in ten days before that.
    closed_on = today - datetime.timedelta(days=30)
    submitted_at = datetime.datetime.combine(closed_on - datetime.timedelta(days=10), datetime.time(10), tzinfo=BEIJING)
    review_call = do_open_call(
        ministry,
        title=_("示范基地创建（演示：评审中）"),
        document_no=_("商办电函〔%(y)s〕12号（演示）") % {"y": closed_on.year},
        deadline=datetime.datetime.combine(closed_on, datetime.time(23, 59, 59), tzinfo=BEIJING),
        template=open_call,
    )
    candidates = list(
        Base.objects.filter(status=BaseStatus.CANDIDATE)
        .select_related("quota_unit", "region")
        .order_by("quota_unit__sort_order", "pk")
    )
    by_unit: dict[int, list[Base]] = {}
    for base in candidates:
        by_unit.setdefault(base.quota_unit_id, []).append(base)
    chosen = [bases[:2] for bases in by_unit.values()][:5]
    applications = []
    for bases in chosen:
        unit = bases[0].quota_unit
        province = User.objects.filter(role=Role.PROVINCE, quota_unit=unit).order_by("pk").first()
        province = province or _hidden_user(f"demo_province_{unit.code}", Role.PROVINCE, quota_unit=unit)
        for rank, base in enumerate(bases, start=1):
            app = _prepare(rng, review_call, base, submitted_at)
            do_recommend(province, app, rank)
            do_submit(province, app, now=submitted_at)
            applications.append(app)
    if chosen and chosen[0][1:]:
        # One draft in the open call, for the province to see in progress.
        _prepare(rng, open_call, chosen[0][-1], submitted_at)
    do_close_call(ministry, review_call)
    experts = _experts(rng)
    stage = do_open_stage(ministry, review_call, "preliminary", reviewers_per_application=3)
    for entry in stage.entries.select_related("application__quota_unit__region", "application__base"):
        do_auto_assign(ministry, entry, 3)
    demo_user = experts[0].user if experts else None
    sheets = 0
    for assignment in Assignment.objects.filter(stage=stage).select_related("expert__user").order_by("pk"):
        if assignment.expert.user == demo_user:
            continue  # left for the demo expert to score
        points = {c["key"]: str((Decimal(c["max"]) * Decimal(rng.randrange(60, 96)) / 100).quantize(Decimal("0.5")))
                  for c in stage.rubric}  # fmt: skip
        do_submit_score(
            assignment.expert.user,
            assignment,
            points,
            comment=_("材料完整，目标具体，建议进一步细化公共服务平台建设内容。"),
        )
        sheets += 1
    return {"calls": 2, "applications": len(applications) + 1, "experts": len(experts), "sheets": sheets}
