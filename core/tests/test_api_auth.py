"""API sign-in by token: works, is subject to the same lockout, is logged; the audit trail
over the API is for the auditor and the ministry only; /api/me/."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.tests.test_second_factor import device_code
from core.audit import history
from core.models import ChangeLog
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def token_client(username: str, password: str) -> APIClient:
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_token_sign_in_and_the_log_names_the_token_user(world: World, password: str) -> None:
    client = token_client("operator_rc", password)
    assert "sessionid" not in client.cookies or not client.cookies["sessionid"].value  # stateless: no session
    assert client.get("/api/me/").json()["username"] == "operator_rc"
    ent = world.enterprises["rc1"]
    response = client.patch(f"/api/enterprises/{ent.pk}/", {"employees": 31}, format="json")
    assert response.status_code == 200
    entry = history(ent).first()
    assert entry is not None
    assert entry.actor_id == world.user("operator_rc").pk and entry.actor_name == "operator_rc"
    assert entry.source == ChangeLog.Source.API
    assert entry.request_id and response["X-Request-ID"] == entry.request_id
    assert ChangeLog.objects.filter(action="login", actor_name="operator_rc", message="api token").exists()


def test_wrong_password_and_anonymous(world: World) -> None:
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "operator_rc", "password": "Wrong-1234!"}, format="json")
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.json()["detail"]
    assert ChangeLog.objects.filter(action="login_failed", object_repr="operator_rc").exists()
    assert client.get("/api/enterprises/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/enterprises/").status_code == 401


def test_token_endpoint_locks_out_like_the_sign_in_page(world: World, password: str) -> None:
    client = APIClient()
    for _ in range(5):
        client.post("/api/auth/token/", {"username": "prov_js", "password": "Wrong-password-1"}, format="json")
    response = client.post("/api/auth/token/", {"username": "prov_js", "password": password}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "锁定" in response.json()["detail"]
    assert "token" not in response.json()


def test_a_token_per_device_listed_and_revoked_by_its_owner(world: World, password: str) -> None:
    first = token_client("operator_rc", password)
    second = token_client("operator_rc", password)
    assert first.get("/api/me/").status_code == 200 and second.get("/api/me/").status_code == 200
    listed = second.get("/api/auth/tokens/").json()
    assert len(listed) == 2 and sum(t["current"] for t in listed) == 1
    assert all(t["expiry"] for t in listed)
    other_key = next(t["token_key"] for t in listed if not t["current"])
    # Nobody else's token can be revoked by its key.
    stranger = token_client("bureau_rc", password)
    assert stranger.delete(f"/api/auth/tokens/{other_key}/").status_code == 404
    assert second.delete(f"/api/auth/tokens/{other_key}/").status_code == 204
    assert first.get("/api/me/").status_code == 401
    assert second.delete("/api/auth/token/").status_code == 204
    assert second.get("/api/me/").status_code == 401


def test_second_factor_accounts_need_a_code(world: World, password: str) -> None:
    user = world.user("ministry")
    with override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True):
        client = APIClient()
        not_enrolled = client.post("/api/auth/token/", {"username": "ministry", "password": password}, format="json")
        assert not_enrolled.status_code == 400 and "动态口令" in not_enrolled.json()["detail"]
        device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)
        no_code = client.post("/api/auth/token/", {"username": "ministry", "password": password}, format="json")
        assert no_code.status_code == 400
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        payload = {"username": "ministry", "password": password, "otp": device_code(device)}
        assert client.post("/api/auth/token/", payload, format="json").status_code == 200
        # The same code is never accepted twice.
        assert client.post("/api/auth/token/", payload, format="json").status_code == 400


def test_changelog_is_for_the_auditor_and_the_ministry(world: World, login) -> None:
    for account in ("prov_js", "operator_rc", "ent_rc1", "sysadmin", "expert"):
        assert login(account).get("/api/changelog/").status_code == 403, account
    auditor = login("auditor").get("/api/changelog/", {"action": "login"})
    assert auditor.status_code == 200
    ministry = login("ministry").get("/api/changelog/")
    assert ministry.status_code == 200 and ministry.json()["count"] >= 1
    # The security administrator sees sign-in events only.
    rows = login("secadmin").get("/api/changelog/").json()["results"]
    assert {r["action"] for r in rows} <= {"login", "login_failed", "logout"}


def test_changelog_filters(world: World, login) -> None:
    operator = APIClient()
    operator.force_authenticate(world.user("operator_rc"))
    ent = world.enterprises["rc1"]
    assert operator.patch(f"/api/enterprises/{ent.pk}/", {"employees": 9}, format="json").status_code == 200
    client = login("auditor")
    rows = client.get("/api/changelog/", {"object_type": "registry.enterprise", "action": "update"}).json()["results"]
    assert len(rows) == 1
    assert rows[0]["actor_name"] == "operator_rc" and rows[0]["source"] == "api"
    # The auditor sees who changed which field, not the business values; the ministry sees them.
    assert rows[0]["after"]["employees"] == "（不向本角色显示）"
    rows = login("ministry").get("/api/changelog/", {"object_type": "registry.enterprise", "action": "update"}).json()
    assert rows["results"][0]["before"]["employees"] == 25 and rows["results"][0]["after"]["employees"] == 9
    assert client.get("/api/changelog/", {"actor": "nobody"}).json()["count"] == 0


def test_me_reports_role_scope_and_permissions(world: World, login) -> None:
    data = login("operator_rc").get("/api/me/").json()
    assert data["role"] == "operator" and data["base"] == world.bases["rongchang"].pk
    assert data["permissions"]["registry.enterprise"] == ["view", "add", "change"]
    assert data["permissions"]["registry.base"] == ["view", "change"]
    assert login("auditor").get("/api/me/").json()["permissions"]["registry.base"] == []
