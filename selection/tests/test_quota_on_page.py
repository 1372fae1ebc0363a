"""The quota of notice 767 shown on the call page, with and without the ministry's consent."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portal.testing.world import World, code
from regions.models import DemoCity, Region
from registry.models import Base
from selection.checks import quota_decisions
from selection.models import Application, ApplicationStatus, Call
from selection.tests.conftest import DEADLINE

pytestmark = pytest.mark.django_db


def jiangsu_recommends_four(world: World, call: Call) -> list[Application]:
    apps = []
    for i in range(4):
        base = Base.objects.create(
            name=f"江苏候选园区{i}", quota_unit=world.units["32"], region=world.regions["320311"],
            operator_name="运营公司", operator_credit_code=code(950 + i, "320311"), area_m2=Decimal("30000"),
            operating_since=datetime.date(2012, 1, 1),
        )  # fmt: skip
        apps.append(
            Application.objects.create(
                call=call,
                quota_unit=world.units["32"],
                base=base,
                area_m2=Decimal("30000"),
                operating_since=datetime.date(2012, 1, 1),
                status=ApplicationStatus.RECOMMENDED,
                province_rank=(i + 1) * 10,  # gaps keep their order
            )
        )
    return apps


def test_fourth_recommendation_needs_three_demo_cities_and_the_ministrys_consent(world: World, login) -> None:
    call = Call.objects.create(title="第二批", document_no="商办电函〔2014〕767号", deadline=DEADLINE, status="open")
    apps = jiangsu_recommends_four(world, call)
    suzhou = Region.objects.create(code="320500", name="苏州市", level=2, parent=world.regions["320000"])
    for region, year in ((world.regions["320100"], 2011), (world.regions["320300"], 2014)):
        DemoCity.objects.create(region=region, name=region.name, year_named=year)
    inside = [d.inside for d in quota_decisions(call, apps).values()]
    assert inside == [True, True, True, False]  # two cities: no extra slot at all

    DemoCity.objects.create(region=suzhou, name="苏州", year_named=2011)
    decisions = quota_decisions(call, apps)
    assert not decisions[apps[3].pk].inside
    assert "未经商务部同意" in decisions[apps[3].pk].message

    assert (
        login("prov_js")
        .post(f"/selection/calls/{call.pk}/extra-slot/", {"quota_unit": "32", "approved": "1"})
        .status_code
        == 403
    )
    ministry = login("ministry")
    ministry.post(f"/selection/calls/{call.pk}/extra-slot/", {"quota_unit": "32", "approved": "1"})
    call.refresh_from_db()
    assert call.params["extra_slot_units"] == ["32"]
    assert quota_decisions(call, apps)[apps[3].pk].inside
    page = ministry.get(f"/selection/calls/{call.pk}/").content.decode()
    assert page.count("名额内") == 4 and "超出名额" not in page


def test_municipality_has_two(world: World) -> None:
    call = Call.objects.create(title="第二批", document_no="x", deadline=DEADLINE, status="open")
    apps = [
        Application.objects.create(
            call=call,
            quota_unit=world.units["50"],
            base=world.bases[key],
            area_m2=Decimal("30000"),
            operating_since=datetime.date(2012, 1, 1),
            status=ApplicationStatus.RECOMMENDED,
            province_rank=rank,
        )
        for rank, key in ((1, "shapingba"), (2, "rongchang"))
    ]
    extra = Base.objects.create(
        name="重庆第三园区", quota_unit=world.units["50"], region=world.regions["500106"], operator_name="x",
        operator_credit_code=code(990, "500106"), area_m2=Decimal("30000"), operating_since=datetime.date(2012, 1, 1),
    )  # fmt: skip
    apps.append(
        Application.objects.create(
            call=call,
            quota_unit=world.units["50"],
            base=extra,
            area_m2=Decimal("30000"),
            operating_since=datetime.date(2012, 1, 1),
            status=ApplicationStatus.RECOMMENDED,
            province_rank=3,
        )
    )
    assert [d.inside for d in quota_decisions(call, apps).values()] == [True, True, False]
