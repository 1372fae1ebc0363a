"""Issue 10, findings 4 and 7: wrong passwords lock the username-and-address pair, never the right
user at another desk; guessing one username from many addresses holds it to its known addresses;
API tokens lapse when idle and at a maximum age, end with a new password or a disabled account,
and stop when the second factor becomes required for a token issued without it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from portal.testing.world import World

pytestmark = pytest.mark.django_db
WRONG = "Wrong-password-1"


def sign_in(username: str, password: str, ip: str) -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.post("/accounts/login/", {"username": username, "password": password})
    return client


def token(username: str, password: str, ip: str = "10.9.0.1") -> tuple[int, dict]:
    response = APIClient(REMOTE_ADDR=ip).post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )
    return response.status_code, response.json()


def test_wrong_passwords_from_one_address_do_not_lock_the_user_out_elsewhere(world: World, password: str) -> None:
    for _ in range(5):
        sign_in("auditor", WRONG, "10.0.0.66")
    locked = sign_in("auditor", password, "10.0.0.66")
    assert locked.get("/changelog/").status_code == 302  # the guessing address is locked out
    assert token("auditor", password, "10.0.0.66")[0] == 429
    at_desk = sign_in("auditor", password, "10.0.0.7")
    assert at_desk.get("/changelog/").status_code == 200
    assert token("auditor", password, "10.0.0.8")[0] == 200


@override_settings(ECBASE_USERNAME_FAILURE_LIMIT=8)
def test_guessing_from_many_addresses_holds_the_username_to_its_known_addresses(world: World, password: str) -> None:
    assert sign_in("auditor", password, "10.0.0.7").get("/changelog/").status_code == 200  # a known address
    for i in range(8):
        sign_in("auditor", WRONG, f"172.16.0.{i}")  # 8 addresses, under the pair limit each
    stranger = Client(REMOTE_ADDR="172.16.9.9")
    page = stranger.post("/accounts/login/", {"username": "auditor", "password": password}).content.decode()
    assert "曾经成功登录过的地址" in page and stranger.get("/changelog/").status_code == 302
    status, body = token("auditor", password, "172.16.9.9")
    assert status == 429 and body["code"] == "username_held"
    assert sign_in("auditor", password, "10.0.0.7").get("/changelog/").status_code == 200
    assert token("auditor", password, "10.0.0.7")[0] == 200


def test_an_idle_token_lapses_and_renewal_stops_at_the_maximum_age(world: World, password: str) -> None:
    status, body = token("operator_rc", password)
    assert status == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    stored = ApiToken.objects.get(user=world.user("operator_rc"))
    # Used: the idle expiry moves on, but never beyond the maximum age.
    ApiToken.objects.filter(pk=stored.pk).update(created=timezone.now() - datetime.timedelta(hours=11, minutes=50))
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get("/api/me/").status_code == 200
    stored.refresh_from_db()
    assert stored.expiry <= stored.created + datetime.timedelta(hours=12) and stored.last_used is not None
    # Idle past its expiry: refused, in Chinese.
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    refused = client.get("/api/me/")
    assert refused.status_code == 401 and "令牌无效或已过期" in refused.json()["detail"]


def test_a_new_password_or_a_disabled_account_ends_every_token(world: World, password: str) -> None:
    keys = [token("operator_rc", password)[1]["token"] for _ in range(2)]
    user = world.user("operator_rc")
    user.set_password("Another-Passw0rd-2026")
    user.save()
    for key in keys:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/me/").status_code == 401
    key = token("bureau_rc", password)[1]["token"]
    bureau = world.user("bureau_rc")
    bureau.is_active = False
    bureau.save(update_fields=["is_active"])
    assert not ApiToken.objects.filter(user=bureau).exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").status_code == 401


def test_a_token_issued_without_the_second_factor_stops_when_it_becomes_required(world: World, password: str) -> None:
    with override_settings(ECBASE_REQUIRE_SECOND_FACTOR=False):
        status, body = token("prov_js", password)
    assert status == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    with override_settings(ECBASE_REQUIRE_SECOND_FACTOR=False):
        assert client.get("/api/me/").status_code == 200
    with override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True):
        refused = client.get("/api/me/")
        assert refused.status_code == 401 and "动态口令" in refused.json()["detail"]


@override_settings(ECBASE_BEHIND_PROXY=True)
def test_behind_the_proxy_the_pair_is_the_client_address_the_proxy_wrote(world: World, password: str) -> None:
    """Behind nginx every request comes from 127.0.0.1: without the forwarded address the pair
    would be the username alone again, and the log would name the proxy."""
    from core.models import ChangeLog

    def from_client(ip: str, secret: str, spoofed: str = "") -> Client:
        client = Client(REMOTE_ADDR="127.0.0.1")
        forwarded = f"{spoofed}, {ip}" if spoofed else ip
        client.post("/accounts/login/", {"username": "auditor", "password": secret}, HTTP_X_FORWARDED_FOR=forwarded)
        return client

    for _ in range(5):
        from_client("10.0.0.66", WRONG, spoofed="10.0.0.7")  # what the client sent first is not believed
    assert from_client("10.0.0.66", password).get("/changelog/").status_code == 302
    assert from_client("10.0.0.7", password).get("/changelog/").status_code == 200
    assert ChangeLog.objects.filter(action="login_failed", ip="10.0.0.66").count() >= 5
    assert not ChangeLog.objects.filter(ip="127.0.0.1").exists()
