"""Fixtures for the real-browser tests: Debian's headless Chromium driven by Playwright.

One browser per test session (with a fresh temporary profile), a fresh context (cookies, storage)
per test. The browser is never
downloaded: the system's /usr/bin/chromium is launched (`make sysdeps` installs it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from portal.testing.world import PASSWORD, World, build_world

CHROMIUM = Path(os.environ.get("ECBASE_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (run `make sysdeps` to install Debian's chromium)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread while the browser lives,
    # so Django's async-safety guard would refuse the test thread's plain synchronous ORM calls
    # (building the world, reading back what a page did). They are not async code: allow them
    # for the browser's lifetime only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            # launch() gives the browser a fresh temporary profile (user-data dir) of its own.
            b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield b
            finally:
                b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def browser_world(transactional_db: None) -> World:
    """The shared test world, committed so the live server's thread sees it."""
    return build_world()


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Wait until a JavaScript expression is true on the page. Playwright's `wait_for_function`
    compiles its predicate inside the page, which the pages' Content-Security-Policy (no
    'unsafe-eval') refuses; `page.evaluate` goes through the DevTools protocol, which it does not."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s on {page.url}: {expression}")
        page.wait_for_timeout(50)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (served from static/vendor, installed from npm) against the current page."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make frontend`")
    # By its address, not inlined: the pages' Content-Security-Policy refuses inline scripts.
    page.add_script_tag(url="/static/vendor/axe.min.js")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    # axe really ran: it found rules that apply and pass (an empty page would pass nothing).
    assert result["passes"], f"axe-core checked nothing on {page.url}"
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}: {node.get('failureSummary', '')}")
    return "\n".join(lines)
