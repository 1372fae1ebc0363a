"""The audit log and the history in a real browser: columns that never break a word one character
per line, cards on a phone without page-wide sideways scrolling, and accessibility (axe-core);
the 404 page likewise."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from portal.testing.world import World
from registry.actions.bases import do_change_base_status, do_update_base
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# How many lines each cell's text takes, and its length: a column too narrow breaks a word into
# one character per line.
LINES = """(selector) => [...document.querySelectorAll(selector)].map((cell) => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return {lines: tops.size, chars: cell.innerText.trim().length, text: cell.innerText.trim()};
})"""


def edit(world: World) -> None:
    ministry = world.users["ministry"]
    ministry.display_name = "王建华"
    ministry.save()
    base = world.bases["nanjing"]
    do_update_base(ministry, base, {"area_m2": Decimal("171682.85"), "address": "南京市建邺区江东中路1号"})
    do_change_base_status(ministry, base, "warned", date=datetime.date(2025, 3, 1), document_no="商电函〔2025〕1号")


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_the_log_reads_on_a_desk_and_on_a_phone(browser_world: World, page: Any) -> None:
    edit(browser_world)
    sign_in(page, "auditor")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/changelog/?object_type=registry.base")
    assert "电子商务办公建筑面积（平方米）" in page.locator("table.log").inner_text()
    for cell in page.evaluate(LINES, "table.log td.log-time, table.log td.log-short"):
        assert cell["lines"] == 1, cell  # a time or an action on one line
    for cell in page.evaluate(LINES, "table.log td"):
        assert cell["lines"] <= max(1, cell["chars"] // 3), cell  # never a character or two per line
    assert (found := axe_violations(page)) == [], describe(found)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    no_sideways_scroll(page)
    for cell in page.evaluate(LINES, "table.log td"):
        assert cell["lines"] <= max(1, cell["chars"] // 3), cell
    assert (found := axe_violations(page)) == [], describe(found)


def test_the_history_of_a_base_on_a_phone(browser_world: World, page: Any) -> None:
    edit(browser_world)
    sign_in(page, "prov_js")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/history/registry/base/{browser_world.bases['nanjing'].pk}/")
    text = page.locator("table.history").inner_text()
    assert "171,682.85" in text and "王建华（商务部电子商务司）" in text and "警示" in text
    assert "area_m2" not in text and "warned" not in text
    no_sideways_scroll(page)
    for cell in page.evaluate(LINES, "table.history td, table.history dd"):
        assert cell["lines"] <= max(1, cell["chars"] // 3), cell
    assert (found := axe_violations(page)) == [], describe(found)


def test_the_404_page_is_accessible(browser_world: World, page: Any) -> None:
    sign_in(page, "prov_js")
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "页面不存在"
    assert (found := axe_violations(page)) == [], describe(found)
