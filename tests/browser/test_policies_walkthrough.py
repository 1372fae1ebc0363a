"""Real browser: an award from the enterprise's report to the payment, each person in their own
session. The enterprise reports its orders, applies with an evidence file and reads the computed
amount and its explanation, then submits; the district bureau approves within the fund and pays; the
ledger shows the payment; the enterprise reads its award, the explanation and the payment. The pack
and its fund are registered through the actions beforehand (registering a pack has no page). Every
page visited passes axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policies.actions.packs import do_change_pack_status, do_create_pack, do_set_fund
from policies.models import AwardApplication, AwardStatus, LedgerEntry, PackStatus
from portal.testing.world import World
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

YEAR = 2025


@pytest.fixture
def session(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def open_as(username: str) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"


def click(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state()


def test_enterprise_applies_bureau_approves_and_pays_enterprise_reads(
    browser_world: World, session: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    bureau_user = browser_world.user("bureau_rc")
    pack = do_change_pack_status(
        bureau_user, do_create_pack(bureau_user, code="rongchang", region=browser_world.regions["500153"]),
        PackStatus.ACTIVE,
    )  # fmt: skip
    do_set_fund(bureau_user, pack, YEAR)

    ent = session("ent_rc1")
    ent.get_by_role("link", name="我的奖补申请").click()
    ent.get_by_role("link", name="申请奖补").click()
    ent.get_by_role("link", name="填报或查看本企业的扶持事实").click()
    accessible(ent)
    ent.locator("#kind-orders").get_by_role("link", name="新增").click()
    ent.get_by_label("年度").fill(str(YEAR))
    ent.get_by_label("年交易单数").fill("25000")
    accessible(ent)
    click(ent, "保存")
    assert "25000" in ent.locator("#kind-orders").inner_text()

    ent.get_by_role("link", name="申请奖补").first.click()
    ent.get_by_label("申请事项").select_option(label="线上营销荣昌农特产品、认定品牌产品订单奖励（四（二）5）")
    ent.get_by_label("申请年度").fill(str(YEAR))
    ent.get_by_label("证明材料名称").fill("订单明细")
    evidence = tmp_path / "orders.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    ent.get_by_label("证明材料", exact=True).set_input_files(str(evidence))
    accessible(ent)
    click(ent, "保存并测算")
    assert ent.locator("#computed-amount").inner_text().strip() == "50,000.00 元"
    explanation = ent.locator("#explanation").inner_text()
    assert "25,000 × 2.00元 = 50,000.00元" in explanation and "2015年7月1日起施行" in explanation
    accessible(ent)
    click(ent, "提交审核")
    assert "已提交待审核" in ent.locator("#status").inner_text()

    bureau = session("bureau_rc")
    bureau.get_by_role("link", name="奖补申请").click()
    accessible(bureau)
    bureau.locator("main table").get_by_role("link", name="重庆荣昌夏布电子商务有限公司").click()
    assert "可核准余额 10,000,000.00 元" in bureau.locator("#fund-remaining").inner_text()
    accessible(bureau)
    bureau.get_by_label("审核意见").fill("订单明细齐全，同意")
    click(bureau, "核准")
    assert "已核准" in bureau.locator("#status").inner_text()
    bureau.get_by_label("凭证号").fill("RC2025-0001")
    click(bureau, "拨付 50,000.00 元")
    assert "已拨付" in bureau.locator("#status").inner_text()
    bureau.get_by_role("link", name="拨付台账").click()
    ledger = bureau.locator("main").inner_text()
    assert "RC2025-0001" in ledger and "50,000.00" in ledger
    accessible(bureau)

    ent.reload()
    assert "已拨付" in ent.locator("#status").inner_text()
    assert "25,000 × 2.00元" in ent.locator("#explanation").inner_text()
    assert "RC2025-0001" in ent.locator("#ledger").inner_text()
    accessible(ent)
    ent.get_by_role("link", name="我的拨付").click()
    assert "50,000.00" in ent.locator("main").inner_text()

    app = AwardApplication.objects.get()
    assert app.status == AwardStatus.PAID and LedgerEntry.objects.get().amount_fen == 5_000_000
