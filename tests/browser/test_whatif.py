"""Real browser: the district bureau opens 政策模拟 from its menu, enters 3 yuan per order from next
1 January, and sees the cost chart drawn on a canvas beside its table, the winners and losers, and
a page that passes axe-core (WCAG 2.1 AA) before and after the run."""

from __future__ import annotations

from typing import Any

import pytest

from policies.actions.packs import do_change_pack_status, do_create_pack
from policies.models import OrderVolume, PackStatus
from portal.testing.world import World
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_bureau_simulates_three_yuan_an_order(page: Any, browser_world: World) -> None:
    world = browser_world
    bureau = world.user("bureau_rc")
    pack = do_change_pack_status(
        bureau, do_create_pack(bureau, code="rongchang", region=world.regions["500153"]), PackStatus.ACTIVE
    )
    OrderVolume.objects.create(enterprise=world.enterprises["rc1"], year=2026, orders=30_000)
    OrderVolume.objects.create(enterprise=world.enterprises["moved"], year=2026, orders=20_000)

    sign_in(page, "bureau_rc")
    page.get_by_role("link", name="政策模拟").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/policies/packs/{pack.pk}/whatif/")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_label("测算年度").fill("2027")
    page.get_by_label("事实年度").fill("2026")
    page.get_by_label("每单奖励金额的新取值").fill("3")
    page.get_by_label("每单奖励金额新取值的生效日期").fill("2027-01-01")
    page.get_by_role("button", name="测算").click()
    page.wait_for_load_state()

    page.locator("#whatif-cost-chart canvas").first.wait_for()
    page.locator("#whatif-histogram-chart canvas").first.wait_for()
    # 30,000 × 2 + 20,000 × 2 = 100,000.00 now; at 3 yuan 150,000.00.
    row = page.locator('#whatif-items tr[data-item="online_orders"]')
    assert "100,000.00" in row.inner_text() and "150,000.00" in row.inner_text() and "+50,000.00" in row.inner_text()
    assert page.locator("#whatif-better").inner_text().startswith("2")
    assert "重庆荣昌夏布电子商务有限公司" in page.locator("#whatif-top").inner_text()
    assert page.get_by_role("img", name="分条目奖补成本柱状图：现行规则与调整后对比，数据见下表").is_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
