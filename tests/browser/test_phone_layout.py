"""Pages at phone width (390 × 844): every role of the test world signs in and opens its main pages
— home, every entry of its menu, a detail page, the change log where allowed. None of them scrolls
sideways as a whole (tables scroll inside their own box); the menu folds behind a button that the
keyboard opens and closes. Phone-sized screenshots of every page go to var/screenshots/phone/
(gitignored) for a person to look at.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from portal.testing.world import World
from tests.browser.conftest import axe_violations, describe, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "phone"

# One account per role.
ROLES = ["ministry", "prov_js", "bureau_rc", "operator_rc", "ent_rc1", "expert", "sysadmin", "secadmin", "auditor"]


@pytest.fixture
def phone_world(browser_world: World) -> World:
    """The world with a call, the 荣昌 policy in force with its fund and an approved, paid award:
    the selection and policy lists have rows too."""
    from policies.actions.awards import do_approve_application, do_file_application, do_submit_application
    from policies.actions.ledger import do_pay
    from policies.actions.packs import do_change_pack_status, do_create_pack, do_set_fund
    from policies.models import OrderVolume, PackStatus
    from selection.models import Call, CallStatus

    Call.objects.create(
        title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号",
        deadline=datetime.datetime(2015, 2, 28, 23, 59, 59, tzinfo=datetime.UTC), status=CallStatus.OPEN,
    )  # fmt: skip
    w = browser_world
    bureau = w.user("bureau_rc")
    pack = do_change_pack_status(
        bureau, do_create_pack(bureau, code="rongchang", region=w.regions["500153"]), PackStatus.ACTIVE
    )
    do_set_fund(bureau, pack, 2025)
    rc1 = w.enterprises["rc1"]
    OrderVolume.objects.create(enterprise=rc1, year=2025, orders=20_000)
    app = do_submit_application(
        w.user("ent_rc1"), do_file_application(w.user("ent_rc1"), pack, rc1, item="online_orders", year=2025)
    )
    do_approve_application(bureau, app)
    do_pay(bureau, app, voucher_no="V-2025-001", document_no="荣商务〔2025〕9号")
    return w


def page_width(page: Any) -> tuple[int, int]:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return int(scroll), int(inner)


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def visit(page: Any, account: str, path: str, wide: list[str]) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{account}-{slug(path)}.png"), full_page=True)
    scroll, inner = page_width(page)
    if scroll > inner:
        wide.append(f"{account} {path}: {scroll} > {inner}")


@pytest.mark.parametrize("account", ROLES)
def test_main_pages_fit_a_phone(phone_world: World, page: Any, account: str) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, account)
    wide: list[str] = []
    visit(page, account, "/", wide)

    menu = page.locator("#main-menu")
    toggle = page.get_by_role("button", name="菜单")
    assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    paths = list(page.locator("#main-menu a").evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    assert paths and paths[0] == "/"
    for path in paths[1:]:
        visit(page, account, path, wide)

    # A detail page: the first row of a list this account sees, where it sees one.
    for path in ("/bases/", "/enterprises/", "/policies/applications/"):
        if path not in paths:
            continue
        page.goto(path)
        first = page.locator("table.list tbody a").first
        if first.count():
            visit(page, account, first.get_attribute("href"), wide)
            break
    assert not wide, "pages wider than the phone:\n" + "\n".join(wide)


def test_the_menu_folds_behind_a_button_the_keyboard_works(phone_world: World, page: Any) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "prov_js")
    page.goto("/bases/")
    toggle = page.get_by_role("button", name="菜单")
    menu = page.locator("#main-menu")
    assert toggle.get_attribute("aria-controls") == "main-menu"
    assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and menu.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "首页"
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    assert page.evaluate("document.activeElement.className") == "nav-toggle"
    page.keyboard.press("Space")
    assert menu.is_visible()
    menu.get_by_role("link", name="企业").click()
    page.wait_for_url("**/enterprises/")

    # On a wide screen the menu is simply there, without the button.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert menu.is_visible() and not toggle.is_visible()


def test_a_list_at_phone_width_scrolls_in_its_own_named_focusable_box(phone_world: World, page: Any) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "ministry")
    page.goto("/enterprises/")
    box = page.get_by_role("region", name="企业")
    assert box.get_attribute("tabindex") == "0"
    scroll = box.evaluate("el => [el.scrollWidth, el.clientWidth, getComputedStyle(el).overflowX]")
    assert scroll[0] > scroll[1] and scroll[2] == "auto"  # the table is wider than the phone, inside its box
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_until(page, "document.querySelector('main .table-wrap').scrollLeft > 0", timeout=3)
    # A table written without a box (the change log of an object) gets one too.
    page.goto(f"/history/registry/base/{phone_world.bases['rongchang'].pk}/")
    assert page.locator("main table").evaluate("t => t.parentElement.classList.contains('table-wrap')")
    assert page_width(page)[0] <= PHONE["width"]
    # While such a table is wider than the phone, its box is focusable and named after the table;
    # on a wide screen, where it does not scroll, it is neither (no needless tab stop).
    page.goto("/policies/ledger/")  # the change log turns into cards on a phone: a wide list instead
    box = page.locator("main .table-wrap")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == "拨付台账"
    page.goto(f"/history/registry/base/{phone_world.bases['rongchang'].pk}/")
    box = page.locator("main .table-wrap")
    page.set_viewport_size({"width": 1900, "height": 900})
    wait_until(page, "!document.querySelector('main .table-wrap').hasAttribute('tabindex')")
    assert box.get_attribute("role") is None


def test_lists_pass_axe_at_phone_width_with_searchable_selects(phone_world: World, page: Any) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "ministry")
    failures = {}
    for path in ("/bases/", "/enterprises/", "/policies/ledger/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = axe_violations(page)
        if found:
            failures[path] = describe(found)
    assert not failures, "\n".join(f"== {k}\n{v}" for k, v in failures.items())


def test_a_searchable_select_filters_by_typing_and_submits_the_plain_field(phone_world: World, page: Any) -> None:
    sign_in(page, "ministry")
    page.goto("/bases/?all_statuses=on")
    # By keyboard: Tab from the search box reaches the region's combobox; typing filters its options.
    page.get_by_label("搜索").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"
    assert page.get_by_role("combobox", name="所在地区").evaluate("el => el === document.activeElement")
    page.keyboard.type("大连")
    wait_until(page, "document.querySelectorAll('.ts-dropdown .option').length === 1")
    assert page.locator(".ts-dropdown .option").inner_text() == "辽宁省 · 大连市"
    page.keyboard.press("Enter")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    assert "region=2102" in page.url
    assert [t.strip() for t in page.locator("table.list tbody td:first-child").all_inner_texts()] == [
        "大连中山电子商务示范基地"
    ]
