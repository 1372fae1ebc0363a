"""Error pages in Chinese in the site's layout, with DEBUG off and on (`make run`): a wrong address
never shows Django's technical page with the URL patterns; and the app answers for its favicon."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from portal.home import HomeView
from portal.testing.world import World

pytestmark = pytest.mark.django_db

LAYOUT = "国家电子商务示范基地管理平台"  # the site's header
TECHNICAL = ("URLconf", "urlpatterns", "Page not found", "Traceback", "DEBUG = True", "Request Method")


def looks_like_ours(html: str, *words: str) -> None:
    assert LAYOUT in html and 'lang="zh-CN"' in html
    for w in words:
        assert w in html, w
    for t in TECHNICAL:
        assert t not in html, t


@pytest.mark.parametrize("debug", [False, True])
def test_a_wrong_address_is_a_chinese_404_without_the_url_patterns(world: World, login, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        for client in (Client(), login("prov_js")):
            response = client.get("/no-such-page/")
            assert response.status_code == 404
            looks_like_ours(response.content.decode(), "页面不存在", "返回首页")
        # A record outside the scope is the same 404 (no hint that it exists).
        hidden = login("prov_js").get(f"/bases/{world.bases['rongchang'].pk}/")
        assert hidden.status_code == 404
        looks_like_ours(hidden.content.decode(), "页面不存在")
        # The API keeps answering in JSON, an address no API route matches included (it was the
        # site's page, which the API's schema does not describe).
        api = login("prov_js").get(f"/api/bases/{world.bases['rongchang'].pk}/")
        assert api.status_code == 404 and api["Content-Type"].startswith("application/json")
        for address in ("/api/bases/1.5/", "/api/bases/1/no-such-part/", "/api/no-such-endpoint/"):
            for client in (Client(), login("prov_js")):
                wrong = client.get(address)
                assert wrong.status_code == 404 and wrong["Content-Type"] == "application/json", address
                assert wrong.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("debug", [False, True])
def test_a_crash_is_a_chinese_500(world: World, login, monkeypatch, debug: bool) -> None:
    def boom(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomeView, "get", boom)
    client = login("prov_js")
    client.raise_request_exception = False
    with override_settings(DEBUG=debug):
        response = client.get("/")
    assert response.status_code == 500
    looks_like_ours(response.content.decode(), "系统出错")
    assert "boom" not in response.content.decode()


def test_forbidden_is_a_chinese_403_in_the_layout(world: World, login) -> None:
    response = login("prov_js").get("/changelog/")
    assert response.status_code == 403
    looks_like_ours(response.content.decode(), "没有权限", "prov_js")  # signed in: the header names the user


def test_a_form_without_its_token_gets_a_chinese_page(world: World, password: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "prov_js", "password": password})
    assert response.status_code == 403
    looks_like_ours(response.content.decode(), "页面已过期，请刷新后重新提交")
    assert "CSRF" not in response.content.decode()


def test_the_favicon_is_the_apps_own(client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)
