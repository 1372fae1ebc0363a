"""The second factor in a real browser: a provincial official enrols by the QR code's key, is shown
the backup codes once, and signs in with one of them later; both pages pass axe and fit a phone."""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django_otp.oath import TOTP

from portal.testing.world import World
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path(tempfile.gettempdir()) / "ecbase-shots"


def code_for(secret: str) -> str:
    return f"{TOTP(base64.b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"


def check_page(page: Any, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        wide = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not wide, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 800})


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True)
def test_enrol_keep_the_backup_codes_and_sign_in_with_one(browser_world: World, page: Any) -> None:
    sign_in(page, "prov_js")
    assert page.get_by_role("heading", level=1).inner_text() == "动态口令验证"
    secret = page.locator("main code").first.inner_text()
    assert re.fullmatch(r"[A-Z2-7]+", secret)
    check_page(page, "second-factor-enrol")
    page.get_by_label("动态口令").fill(code_for(secret))
    page.get_by_role("button", name="验证").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "备用码"
    codes = page.locator("ol.backup-codes code").all_inner_texts()
    assert len(codes) == 10
    check_page(page, "backup-codes")
    page.get_by_role("link", name="已妥善保存，继续").click()
    page.wait_for_load_state()
    assert page.locator(".user-box").count() == 1

    page.context.clear_cookies()
    sign_in(page, "prov_js")
    page.get_by_label("动态口令").fill(codes[3])
    page.get_by_role("button", name="验证").click()
    page.wait_for_load_state()
    assert page.locator(".user-box").count() == 1 and page.get_by_role("heading", level=1).inner_text() == "首页"
