"""The three administrators in a real browser: the system administrator creates an operator's
account and reads its one-time password once; the new operator signs in with it and is made to
choose a password before anything else; an account locked by wrong passwords is unlocked by the
security administrator after a confirmation. The new pages pass axe-core's WCAG A/AA rules, hold no
English, and fit a phone (screenshots of each, desktop and 390 px wide, go to $ECBASE_SHOTS or
var/screenshots/accounts/ for a person to look at)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from accounts.models import SecurityPolicy, User
from core.models import ChangeLog
from portal.testing.world import PASSWORD, World
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHOTS = Path(os.environ.get("ECBASE_SHOTS") or Path(settings.BASE_DIR) / "var" / "screenshots" / "accounts")
NEW_PASSWORD = "Xiabu-Weaving-2026!"


def accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def english_on(page: Any) -> list[str]:
    """Latin words in the page's text, login names and a one-time password aside."""
    text = page.locator("main").inner_text()
    for secret in page.get_by_test_id("one-time-password").all_inner_texts():
        text = text.replace(secret, "")
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]*", text)
    names = set(User.objects.values_list("username", flat=True))
    return [w for w in words if w not in names and w not in {"Excel", "CSV"}]


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{name} is wider than the screen at {label}: {scroll} > {inner}"
    page.set_viewport_size({"width": 1280, "height": 800})
    assert english_on(page) == [], name


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")


def test_sysadmin_creates_an_operator_who_changes_the_one_time_password(browser_world: World, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "sysadmin")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="账号管理").click()
    page.wait_for_url("**/accounts/users/")
    shoot(page, "user-list-sysadmin")
    accessible(page)
    page.get_by_role("link", name="新建账号").click()
    page.wait_for_url("**/accounts/users/add/")
    page.locator("#id_username").fill("op_rongchang")
    page.locator("#id_display_name").fill("李娜")
    page.locator("#id_organisation").fill("荣昌区电子商务产业园运营有限公司")
    page.locator("#id_phone").fill("13800010006")
    page.locator("#id_role").select_option(label="基地运营主体")
    shoot(page, "user-add")
    accessible(page)
    # Without its base the role is refused, naming the field.
    page.get_by_role("button", name="保存").click()
    assert "必须指定示范基地" in page.locator("main").inner_text()
    page.locator("#id_base").select_option(label="荣昌区电子商务产业园")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "账号已创建"
    one_time = page.get_by_test_id("one-time-password").inner_text().strip()
    shoot(page, "one-time-password")
    accessible(page)
    page.get_by_role("link", name="已交付，查看账号").click()
    assert one_time not in page.locator("main").inner_text()
    shoot(page, "user-detail")
    accessible(page)
    sign_out(page)

    sign_in(page, "op_rongchang", one_time)
    page.wait_for_url(re.compile(r".*/accounts/me/password/.*"))
    assert "初始密码" in page.locator("main").inner_text()
    shoot(page, "password-change-first")
    accessible(page)
    page.goto("/enterprises/")  # nothing else before the password
    assert "/accounts/me/password/" in page.url
    page.get_by_label("原密码", exact=True).fill(one_time)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url("**/enterprises/")
    assert page.get_by_role("heading", level=1).inner_text() == "企业"
    page.locator(".user-box").get_by_role("link", name="我的账号").click()
    page.wait_for_url("**/accounts/me/")
    assert "荣昌区电子商务产业园" in page.locator("main").inner_text()
    shoot(page, "my-account")
    accessible(page)
    user = User.objects.get(username="op_rongchang")
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)


def test_secadmin_unlocks_an_account_locked_by_wrong_passwords(browser_world: World, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    for _ in range(SecurityPolicy.current().failure_limit):
        sign_in(page, "bureau_rc", "Wrong-Password-1!")
    sign_in(page, "bureau_rc")
    assert page.get_by_role("heading", level=1).inner_text() == "账号已锁定"

    sign_in(page, "secadmin")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="账号管理").click()
    locked = page.get_by_role("region", name="当前被锁定的账号")
    assert "bureau_rc" in locked.inner_text()
    shoot(page, "user-list-secadmin")
    accessible(page)
    locked.get_by_role("link", name="解锁").click()
    assert "该账号当前已被锁定" in page.locator("main").inner_text()
    shoot(page, "unlock-confirm")
    accessible(page)
    page.get_by_role("button", name="确认解锁").click()
    assert "已解除登录锁定" in page.locator(".messages").inner_text()
    assert "未锁定" in page.locator("dl.fields").inner_text()
    entry = ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE, actor_name="secadmin").latest("id")
    assert "解除登录锁定" in entry.message
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="安全策略").click()
    shoot(page, "security-policy")
    accessible(page)
    page.get_by_role("link", name="修改").click()
    shoot(page, "security-policy-edit")
    accessible(page)
    sign_out(page)

    sign_in(page, "bureau_rc", PASSWORD)
    assert page.locator(".user-box").count() == 1 and "bureau_rc" in page.locator(".user-box").inner_text()
