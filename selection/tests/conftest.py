"""Fixtures of the selection tests: an open call (notice 767's) and a drafted application."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings

from portal.testing.world import World
from registry.models import Base
from selection.actions.applications import do_create_application
from selection.models import Application, Call, CallStatus

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
# 商办电函〔2014〕767号: materials by 2015-02-28; the call stores its deadline as an instant.
DEADLINE = datetime.datetime(2015, 2, 28, 23, 59, 59, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path: Path) -> Iterator[None]:
    """Documents uploaded or generated (the roster frozen at submission) go to a temporary folder."""
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield


@pytest.fixture
def call(world: World) -> Call:
    return Call.objects.create(
        title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号", deadline=DEADLINE,
        status=CallStatus.OPEN,
    )  # fmt: skip


def draft(world: World, call: Call, base: str = "shapingba", operator: str = "operator_sp") -> Application:
    from accounts.models import User
    from core.roles import Role

    user, _ = User.objects.get_or_create(username=operator, defaults={"role": Role.OPERATOR})
    user.base = world.bases[base]
    user.save()
    world.users[operator] = user
    return do_create_application(
        user, call, world.bases[base], area_m2=Decimal("25000.00"), operating_since=datetime.date(2013, 5, 1)
    )


# Province account of each quota unit of the world (for recommending and submitting).
PROVINCE_OF_UNIT = {"50": "prov_cq", "32": "prov_js", "21": "prov_ln", "2102": "city_dl"}
REVIEW_RUBRIC = [{"key": "overall", "label": "综合评分", "max": "100"}]


def park(world: World, key: str, name: str, unit: str, region: str) -> Base:
    """A candidate park (后备园区) of the world's region `region`, to apply for the call."""
    from portal.testing.world import code
    from registry.models import BaseStatus

    n = 700 + len(world.bases)
    base = Base(
        name=name, quota_unit=world.units[unit], region=world.regions[region], operator_name=f"{name}运营有限公司",
        operator_credit_code=code(n, region), area_m2=Decimal("30000.00"), operating_since=datetime.date(2012, 6, 1),
    )  # fmt: skip
    base.status = BaseStatus.CANDIDATE
    base.save()
    world.bases[key] = base
    return base


def reviewed(
    world: World,
    call: Call,
    bases: Sequence[str] = ("shapingba",),
    *,
    scores: Mapping[str, str] | None = None,
    failed: Sequence[str] = (),
    failed_defence: Sequence[str] = (),
    goals: Mapping[str, tuple[str, list[str]]] | None = None,
    first_year: int = 2016,
) -> list[Application]:
    """Applications of `bases` (keys of world.bases) that went the whole way through the actions:
    drafted by the park's operator (with `goals` when given), recommended and submitted by the
    province, scored in the preliminary review and the on-site defence by an expert without a
    conflict of interest, and passed in both. `scores` gives a base's defence score (default 90,
    89, … in order); the bases in `failed` are submitted too but fail the preliminary review, those
    in `failed_defence` pass it and fail the defence. Returns the applications that passed both,
    in the order of `bases`."""
    from accounts.models import User
    from core.roles import Role
    from regions.models import Region
    from selection.actions.applications import do_recommend, do_save_goals, do_submit
    from selection.actions.review import (
        do_assign_expert,
        do_close_stage,
        do_decide_entry,
        do_open_stage,
        do_submit_score,
    )
    from selection.models import Assignment, Decision, Expert

    ministry = world.user("ministry")
    ranks: dict[str, int] = {}
    apps: dict[str, Application] = {}
    for key in [*bases, *failed, *failed_defence]:
        app = draft(world, call, key, f"operator_{key}")
        if goals:
            do_save_goals(world.user(f"operator_{key}"), app, first_year, dict(goals))
        unit = world.bases[key].quota_unit.code
        ranks[unit] = ranks.get(unit, 0) + 1
        province = world.user(PROVINCE_OF_UNIT[unit])
        do_recommend(province, app, rank=ranks[unit])
        do_submit(province, app, now=datetime.datetime(2015, 2, 1, tzinfo=UTC))
        apps[key] = app
    # An expert from a province none of the world's parks is in: no conflict with anyone.
    beijing, _ = Region.objects.get_or_create(code="110000", defaults={"name": "北京市", "level": 1})
    user, _ = User.objects.get_or_create(username="expert_bj", defaults={"role": Role.EXPERT})
    panel, _ = Expert.objects.get_or_create(
        user=user, defaults={"home_province": beijing, "affiliation_codes": [], "affiliations_declared": True}
    )
    default = {key: str(90 - i) for i, key in enumerate(bases)}
    wanted = {**default, **(scores or {})}
    for kind in ("preliminary", "defence"):
        stage = do_open_stage(ministry, call, kind, rubric=REVIEW_RUBRIC, reviewers_per_application=1)
        for entry in stage.entries.select_related("application__base"):
            do_assign_expert(ministry, entry, panel)
            key = next(k for k, a in apps.items() if a.pk == entry.application_id)
            points = wanted.get(key, "50")
            sheet = Assignment.objects.get(entry=entry, expert=panel)
            do_submit_score(panel.user, sheet, {"overall": points}, comment="材料齐全，目标可考核。")
        do_close_stage(ministry, stage)
        losers = failed if kind == "preliminary" else failed_defence
        for entry in stage.entries.select_related("application__base"):
            passed = not any(apps[k].pk == entry.application_id for k in losers)
            do_decide_entry(ministry, entry, Decision.PASSED if passed else Decision.FAILED)
    result = []
    for key in bases:
        apps[key].refresh_from_db()
        result.append(apps[key])
    return result
