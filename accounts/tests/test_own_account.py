"""Everyone's own account ("我的账号", from the page header): the password changed with the old one
and the policy's rules (the last five refused), recent sign-ins with time, address and result, and
the API tokens listed and revoked; nobody reaches another's."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import html as lxml_html
from rest_framework.test import APIClient

from accounts.models import ApiToken, UserSession
from core.models import ChangeLog
from core.testing.battery import table_column
from portal.testing.world import World

pytestmark = pytest.mark.django_db
NEW = "Rongchang-Base-2026!"


def sign_in(username: str, password: str, ip: str = "10.3.3.3") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.post("/accounts/login/", {"username": username, "password": password})
    return client


def test_my_account_is_linked_from_the_header_and_shows_sign_ins_and_tokens(world: World, password) -> None:
    Client(REMOTE_ADDR="10.6.6.6").post("/accounts/login/", {"username": "operator_rc", "password": "Wrong-pass-1"})
    APIClient(REMOTE_ADDR="10.7.7.7").post(
        "/api/auth/token/", {"username": "operator_rc", "password": password, "device": "统计报送系统"}
    )
    client = sign_in("operator_rc", password)
    header = lxml_html.fromstring(client.get("/").content).xpath('//header//a[@href="/accounts/me/"]')
    assert header and header[0].text_content() == "我的账号"
    page = client.get("/accounts/me/").content.decode()
    assert "operator_rc" in page and "荣昌区电子商务产业园" in page and "13900001111" in page
    events = table_column(page, "事件")
    addresses = table_column(page, "地址")
    results = table_column(page, "结果")
    assert events[0] == "登录" and addresses[0] == "10.3.3.3"
    assert ("登录失败", "10.6.6.6", "失败") in list(zip(events, addresses, results, strict=True))
    assert table_column(page, "设备或系统") == ["统计报送系统"]
    # Others' sign-ins are not mine.
    assert "10.9.9.9" not in page
    sign_in("bureau_rc", password, ip="10.9.9.9")
    assert "10.9.9.9" not in client.get("/accounts/me/").content.decode()
    api = APIClient()
    api.force_authenticate(world.user("operator_rc"))
    assert [e["ip"] for e in api.get("/api/auth/sign-ins/").json()][:1] == ["10.3.3.3"]


def test_a_token_is_revoked_from_the_page_and_only_by_its_owner(world: World, password) -> None:
    key = APIClient().post("/api/auth/token/", {"username": "operator_rc", "password": password}).json()["token"]
    token = ApiToken.objects.get(user=world.user("operator_rc"))
    stranger = sign_in("bureau_rc", password)
    assert stranger.post(f"/accounts/me/tokens/{token.token_key}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    owner = sign_in("operator_rc", password)
    assert owner.post(f"/accounts/me/tokens/{token.token_key}/revoke/").status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/me/").status_code == 401
    entry = ChangeLog.objects.filter(action=ChangeLog.Action.LOGOUT, actor=world.user("operator_rc")).latest("id")
    assert entry.message == "api token"


def test_changing_ones_password_checks_the_old_one_and_the_rules(world: World, password) -> None:
    client = sign_in("ent_rc1", password)
    form = client.get("/accounts/me/password/").content.decode()
    assert "密码至少 10 个字符。" in form and "至少三类" in form and "最近 5 次" in form

    def change(old: str, new: str, again: str | None = None) -> str:
        response = client.post("/accounts/me/password/", {"old_password": old, "new_password1": new,
                                                           "new_password2": again or new})  # fmt: skip
        return "" if response.status_code == 302 else response.content.decode()

    assert "原密码不正确" in change("Not-the-Passw0rd", NEW)
    assert "两次输入的新密码不一致" in change(password, NEW, NEW + "x")
    assert "密码至少 10 个字符。" in change(password, "Ab1!short")
    assert "至少三类" in change(password, "onlylowercaseletters")
    assert "最近 5 次使用过的密码" in change(password, password)
    assert change(password, NEW) == ""
    entry = ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE, actor=world.user("ent_rc1")).latest("id")
    # Logged without the password or its hash.
    user = world.user("ent_rc1")
    user.refresh_from_db()
    assert entry.message == "修改本人密码" and "password" not in (entry.after or {})
    assert user.password.split("$")[-1] not in str(entry.after)
    # Going back to an older password is refused while it is among the last five.
    assert "最近 5 次使用过的密码" in change(NEW, password)


def test_a_new_password_ends_the_other_sessions_and_the_tokens_not_this_one(world: World, password) -> None:
    other = sign_in("bureau_rc", password, ip="10.4.4.4")
    key = APIClient().post("/api/auth/token/", {"username": "bureau_rc", "password": password}).json()["token"]
    client = sign_in("bureau_rc", password)
    client.post("/accounts/me/password/", {"old_password": password, "new_password1": NEW, "new_password2": NEW})
    assert client.get("/bases/").status_code == 200
    assert other.get("/bases/").status_code == 302
    assert UserSession.objects.filter(user=world.user("bureau_rc")).count() == 1
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/me/").status_code == 401
