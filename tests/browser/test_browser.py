"""Real-browser tests: headless Chromium (Debian's) driven by Playwright against a live server.

A provincial official signs in through the login form, lists bases and sees only the province's
own, opens one and its change history; the pages pass axe-core's WCAG 2.0/2.1 A and AA rules; the
keyboard alone gets a person through the skip link and the login form; an export downloads a real
workbook; repeated wrong passwords lock the account.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from accounts.models import SecurityPolicy
from core.audit import save_logged
from core.models import ChangeLog
from portal.testing.world import PASSWORD, World
from registry.models import Base, Enterprise
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

JIANGSU_BASES = {"徐州软件园电商基地", "南京建邺电子商务产业园"}
NEW_ADDRESS = "南京市建邺区江东中路 359 号"


def base_names_on_page(page: Any) -> set[str]:
    return {t.strip() for t in page.locator("table.list tbody tr td:first-child a").all_inner_texts()}


def test_province_lists_only_its_bases_and_reads_one_and_its_history(browser_world: World, page: Any) -> None:
    nanjing = browser_world.bases["nanjing"]
    nanjing.address = NEW_ADDRESS
    assert save_logged(nanjing, actor=browser_world.users["ministry"], update_fields=["address"]) is not None

    sign_in(page, "prov_js")
    assert "prov_js" in page.locator(".user-box").inner_text()
    nav = page.get_by_role("navigation", name="主菜单")
    nav.get_by_role("link", name="示范基地").click()
    page.wait_for_url("**/bases/")
    assert page.get_by_role("heading", level=1).inner_text() == "示范基地"

    shown = base_names_on_page(page)
    assert shown == JIANGSU_BASES
    others = {b.name for b in Base.objects.exclude(name__in=JIANGSU_BASES)}
    assert len(others) == 4
    body = page.locator("main").inner_text()
    for name in others:
        assert name not in body
    assert "共 2 条" in body

    page.get_by_role("link", name="南京建邺电子商务产业园").click()
    page.wait_for_url(f"**/bases/{nanjing.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "南京建邺电子商务产业园"
    details = page.locator("dl.fields").inner_text()
    assert "江苏省" in details
    assert "建邺区（320105）" in details
    assert NEW_ADDRESS in details
    assert "南京建邺电子商务产业园运营有限公司" in details

    page.get_by_role("link", name="变更记录").click()
    page.wait_for_url(f"**/history/registry/base/{nanjing.pk}/")
    history = page.locator("table.history tbody")
    rows = history.locator("tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "ministry" in row
    assert "address" in row or "地址" in row
    assert page.locator("table.history ins").first.inner_text() == NEW_ADDRESS


def test_skip_link_and_login_by_keyboard_only(browser_world: World, page: Any) -> None:
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "跳到正文"
    # The focused skip link is on screen, not parked off-canvas.
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")

    # From the main landmark, Tab reaches the user name, then the password; Enter submits.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("prov_js")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^https?://[^/]+/(#main)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == "首页"
    assert "prov_js" in page.locator(".user-box").inner_text()

    # Focus is visible: the focused element draws an outline.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_pages_pass_axe_wcag_a_and_aa(browser_world: World, page: Any) -> None:
    nanjing = browser_world.bases["nanjing"]
    nanjing.address = NEW_ADDRESS
    save_logged(nanjing, actor=browser_world.users["ministry"], update_fields=["address"])

    failures: dict[str, str] = {}

    def check(label: str) -> None:
        found = axe_violations(page)
        if found:
            failures[label] = describe(found)

    page.goto("/accounts/login/")
    check("登录页")
    sign_in(page, "prov_js", "Wrong-Password-1!")
    assert page.locator(".errors").count() == 1
    check("登录页（密码错误）")
    sign_in(page, "prov_js")
    check("首页")
    page.goto("/bases/")
    check("基地列表")
    page.goto(f"/bases/{nanjing.pk}/")
    check("基地详情")
    page.goto("/enterprises/")
    check("企业列表")
    page.get_by_role("link", name="南京建邺跨境电商有限公司").click()
    page.wait_for_load_state()
    check("企业详情")
    page.goto(f"/history/registry/base/{nanjing.pk}/")
    check("变更记录")
    assert page.locator("table.history ins").count() == 1  # the history page really had a diff to check

    report = "\n".join(f"== {label}\n{text}" for label, text in failures.items())
    print(report)
    assert not failures, report


def test_enterprise_export_downloads_the_provinces_workbook(browser_world: World, page: Any, tmp_path: Any) -> None:
    sign_in(page, "prov_js")
    page.goto("/enterprises/")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    wb = openpyxl.load_workbook(target, read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    names = {row[header.index("企业名称")] for row in data}
    expected = {"徐州彭城电子商务有限公司", "南京建邺跨境电商有限公司", "荣昌外迁电子商务有限公司"}
    assert names == expected
    assert Enterprise.objects.count() > len(expected)  # the others exist, they were left out
    assert ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT, actor_name="prov_js").count() == 1


def test_lockout_after_repeated_wrong_passwords(browser_world: World, page: Any) -> None:
    limit = SecurityPolicy.current().failure_limit
    assert limit == 5
    for _ in range(limit - 1):
        sign_in(page, "prov_js", "Wrong-Password-1!")
        assert "用户名或密码不正确" in page.locator(".errors").inner_text()
    # The failure that reaches the limit is itself answered with the locked-out page.
    sign_in(page, "prov_js", "Wrong-Password-1!")
    assert page.get_by_role("heading", level=1).inner_text() == "账号已锁定"

    # Now even the right password is refused.
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("prov_js")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="登录").click()
    response = nav.value
    assert response is not None
    assert response.status in (403, 429)
    assert page.get_by_role("heading", level=1).inner_text() == "账号已锁定"
    assert "请 30 分钟后再试" in page.locator("main").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert page.locator(".user-box").count() == 0  # not signed in
    page.goto("/bases/")
    assert "/accounts/login/" in page.url


def test_base_list_screenshot(browser_world: World, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "prov_js")
    page.goto("/bases/")
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "ecbase-bases.png"), full_page=True)
    # CJK text is drawn with a real CJK font, not tofu boxes: the heading's glyphs have width.
    width = page.evaluate(
        "() => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = getComputedStyle(document.querySelector('h1')).font;"
        " return [c.measureText('示范基地').width, c.measureText('\\u0378\\u0379\\u037a\\u037b').width]; }"
    )
    assert width[0] > 0
    assert width[0] != width[1]
