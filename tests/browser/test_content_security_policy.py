"""Real browser: the pages work under their Content-Security-Policy (security review, finding 14).

Every page is served with a policy that allows the app's own scripts and styles only (no inline
script or style, no event-handler attribute, nothing from another host). A policy that a page
breaks shows in the browser as a `securitypolicyviolation` event and a console error, and the
page half works (a chart without its height, a select that never becomes searchable). Each page
below is loaded and used — the searchable selects typed into and sorted, the live check typed
into (htmx), the what-if charts drawn and hovered, the API's Swagger UI and Redoc rendered — while
every violation and console error is collected; there must be none.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest

from policies.actions.packs import do_change_pack_status, do_create_pack
from policies.models import OrderVolume, PackStatus
from portal.testing.world import World
from selection.models import Call, CallStatus
from tests.browser.conftest import sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Registered before any script of the page runs (Playwright's init scripts are not subject to CSP).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


class Watched:
    """A page whose CSP violations and console errors are collected across navigations."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.policies: dict[str, str] = {}
        page.context.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e} ({page.url})"))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text} ({self.page.url})")

    def _response(self, response: Any) -> None:
        if response.request.resource_type == "document":
            self.policies[response.url] = response.headers.get("content-security-policy", "")

    def collect(self) -> None:
        """Add the violations reported on the current page (call before leaving it)."""
        self.problems += [f"{v} ({self.page.url})" for v in self.page.evaluate("window.__violations || []")]

    def goto(self, path: str) -> None:
        self.collect()
        # The documentation pages fetch the whole schema: on a loaded machine that takes longer
        # than the context's default 10 s.
        self.page.goto(path, timeout=60_000)
        self.page.wait_for_load_state("networkidle", timeout=60_000)


@pytest.fixture
def watched(page: Any) -> Iterator[Watched]:
    yield Watched(page)


def test_pages_and_their_scripts_run_under_the_policy(browser_world: World, watched: Watched) -> None:
    from playwright.sync_api import expect

    page = watched.page
    watched.goto("/accounts/login/")
    sign_in(page, "ministry")
    watched.goto("/")
    expect(page.get_by_role("navigation", name="主菜单")).to_be_visible()

    # A list with its searchable selects (Tom Select) and its sortable columns.
    watched.goto("/bases/?all_statuses=on")
    page.get_by_label("搜索").focus()
    page.keyboard.press("Tab")
    page.keyboard.type("大连")
    wait_until(page, "document.querySelectorAll('.ts-dropdown .option').length === 1")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.locator("th a.sort").first.click()
    page.wait_for_load_state("networkidle")
    assert "sort=" in page.url
    expect(page.locator("th[aria-sort]")).to_have_count(1)
    watched.goto("/enterprises/")
    watched.goto("/changelog/")

    # The same pages stay the same: a policy on every document, the strict one on the app's own.
    strict = {url: policy for url, policy in watched.policies.items() if "/api/" not in url}
    assert strict and all("script-src 'self';" in p and "'unsafe-inline'" not in p for p in strict.values())
    watched.collect()
    print("PROBLEMS", "\n".join(watched.problems))
    assert watched.problems == []


def test_the_live_check_works_under_the_policy(browser_world: World, watched: Watched) -> None:
    """htmx would add an inline <style> of its own (switched off in base.html)."""
    from playwright.sync_api import expect

    call = Call.objects.create(
        title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号", status=CallStatus.OPEN,
        deadline=datetime.datetime(2015, 2, 28, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
    )  # fmt: skip
    page = watched.page
    sign_in(page, "operator_rc")
    watched.goto(f"/selection/calls/{call.pk}/")
    page.get_by_label("投入运营日期").fill("2014-02-28")
    page.get_by_label("电子商务办公建筑面积（平方米）").fill("20000")
    expect(page.locator("#live-check")).to_contain_text("电子商务办公建筑面积须大于 20,000 平方米")
    watched.collect()
    print("PROBLEMS", "\n".join(watched.problems))
    assert watched.problems == []


def test_the_whatif_charts_are_drawn_sized_and_hovered_under_the_policy(browser_world: World, watched: Watched) -> None:
    world = browser_world
    bureau = world.user("bureau_rc")
    pack = do_change_pack_status(
        bureau, do_create_pack(bureau, code="rongchang", region=world.regions["500153"]), PackStatus.ACTIVE
    )
    OrderVolume.objects.create(enterprise=world.enterprises["rc1"], year=2026, orders=30_000)
    page = watched.page
    sign_in(page, "bureau_rc")
    watched.goto(f"/policies/packs/{pack.pk}/whatif/")
    page.get_by_label("测算年度").fill("2027")
    page.get_by_label("事实年度").fill("2026")
    page.get_by_label("每单奖励金额的新取值").fill("3")
    page.get_by_role("button", name="测算").click()
    page.wait_for_load_state("networkidle")
    chart = page.locator("#whatif-cost-chart")
    chart.locator("canvas").first.wait_for()
    box = chart.bounding_box()
    height = int(chart.get_attribute("data-height") or 0)
    assert box is not None and abs(box["height"] - height) < 1 and height > 100  # sized without a style attribute
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the tooltip
    page.wait_for_timeout(300)
    watched.collect()
    print("PROBLEMS", "\n".join(watched.problems))
    assert watched.problems == []


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/api/docs/", ".swagger-ui .opblock-tag"),  # Swagger UI drew the operations
        ("/api/redoc/", "[role=search] input, .api-content h1"),  # Redoc drew its index
    ],
)
def test_the_api_documentation_renders_under_its_policy(
    browser_world: World, watched: Watched, path: str, ready: str
) -> None:
    page = watched.page
    sign_in(page, "ministry")
    watched.goto(path)
    page.locator(ready).first.wait_for(timeout=30_000)
    if path == "/api/redoc/":
        page.locator("[role=search] input").first.fill("基地")  # the search runs in a worker (blob:)
        page.wait_for_timeout(1000)
    policy = watched.policies[page.url]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "http" not in policy
    assert "script-src 'self';" in policy  # no inline script, no eval: Swagger UI's start-up is a file
    watched.collect()
    # Redoc's sidebar always shows a logo from cdn.redoc.ly (no setting turns it off): the policy
    # refusing it is the policy at work — an intranet reaches no such host anyway.
    logo = [p for p in watched.problems if "https://cdn.redoc.ly/redoc/logo-mini.svg" in p]
    assert len(logo) == (2 if path == "/api/redoc/" else 0)  # the event and its console line
    assert [p for p in watched.problems if p not in logo] == []
