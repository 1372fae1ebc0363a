"""Real browser: the operator types into the application form and the live check (htmx) updates the
status region as they type; the page with its result passes axe-core; nothing is saved."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest

from portal.testing.world import World
from selection.models import Application, Call, CallStatus
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DEADLINE = datetime.datetime(2015, 2, 28, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def test_the_live_check_follows_the_area_as_it_is_typed(browser_world: World, page: Any) -> None:
    from playwright.sync_api import expect

    call = Call.objects.create(
        title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号", deadline=DEADLINE,
        status=CallStatus.OPEN,
    )  # fmt: skip
    sign_in(page, "operator_rc")
    page.goto(f"/selection/calls/{call.pk}/")
    region = page.locator("#live-check")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")

    page.get_by_label("投入运营日期").fill("2014-02-28")
    page.get_by_label("电子商务办公建筑面积（平方米）").fill("20000")
    expect(region).to_contain_text(
        "不符合 办公建筑面积 电子商务办公建筑面积须大于 20,000 平方米，申报为 20,000.00 平方米"
    )
    expect(region).to_contain_text("符合 运营年限 运营满 1 年：2014-02-28 投入运营")

    page.get_by_label("电子商务办公建筑面积（平方米）").fill("20000.01")
    expect(region).to_contain_text("电子商务办公建筑面积 20,000.01 平方米，大于 20,000 平方米")
    expect(region).not_to_contain_text("须大于 20,000 平方米")

    page.get_by_label("投入运营日期").fill("2014-03-01")
    expect(region).to_contain_text("运营时间不足 1 年：2014-03-01 投入运营，至提交日 2015-02-28 为 364 天")

    found = axe_violations(page)
    assert not found, describe(found)
    assert not Application.objects.exists()  # typing saved nothing


def test_the_roster_page_passes_axe(browser_world: World, page: Any) -> None:
    from decimal import Decimal

    from selection.actions.applications import do_create_application

    call = Call.objects.create(
        title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号", deadline=DEADLINE,
        status=CallStatus.OPEN,
    )  # fmt: skip
    operator = browser_world.users["operator_rc"]
    app = do_create_application(
        operator, call, browser_world.bases["rongchang"], area_m2=Decimal("25000"),
        operating_since=datetime.date(2013, 5, 1),
    )  # fmt: skip
    sign_in(page, "operator_rc")
    page.goto(f"/selection/applications/{app.pk}/")
    page.get_by_role("link", name="查看入驻企业名录").click()
    page.wait_for_url(f"**/selection/applications/{app.pk}/roster/")
    assert "重庆荣昌夏布电子商务有限公司" in page.locator("#roster").inner_text()
    found = axe_violations(page)
    assert not found, describe(found)
