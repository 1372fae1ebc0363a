"""Ministry and provincial accounts sign in with a password and a time-based code (django-otp):
enrolment by QR code, backup codes shown once, no replay, and wrong codes counted and locked like
wrong passwords — on the page and on the API alike."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import secondfactor
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def code_for(secret_b32: str) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return f"{TOTP(key).token():06d}"


def device_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def enrolled(world: World, username: str) -> TOTPDevice:
    return TOTPDevice.objects.create(user=world.user(username), name="动态口令", confirmed=True)


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True)
def test_province_user_enrols_gets_backup_codes_then_signs_in_with_a_code(world: World, password: str) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "prov_js", "password": password})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/verify/"
    # Not signed in yet: pages still send to the sign-in page.
    assert client.get("/bases/").status_code == 302
    page = client.get("/accounts/login/verify/").content.decode()
    assert "<svg" in page
    found = re.search(r"<code>([A-Z2-7]+)</code>", page)
    assert found is not None
    secret = found.group(1)
    refused = client.post("/accounts/login/verify/", {"code": wrong(code_for(secret))})
    assert "动态口令不正确" in refused.content.decode()
    device = TOTPDevice.objects.get(user=world.user("prov_js"))
    device.throttle_reset()  # the throttle's one-second wait after the wrong code
    ok = client.post("/accounts/login/verify/", {"code": code_for(secret)})
    # First confirmation: the backup codes, shown once, before going on.
    assert ok.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", ok.content.decode())
    assert len(codes) == 10
    assert client.get("/bases/").status_code == 200
    assert secondfactor.is_enrolled(world.user("prov_js"))
    # The same code cannot be replayed in a second sign-in.
    other = Client()
    other.post("/accounts/login/", {"username": "prov_js", "password": password})
    replay = other.post("/accounts/login/verify/", {"code": code_for(secret)})
    assert replay.status_code == 200 and other.get("/bases/").status_code == 302
    # A backup code serves once, instead of the phone.
    third = Client()
    third.post("/accounts/login/", {"username": "prov_js", "password": password})
    TOTPDevice.objects.filter(user=world.user("prov_js")).update(throttling_failure_count=0)
    assert third.post("/accounts/login/verify/", {"code": codes[0]}).status_code == 302
    assert third.get("/bases/").status_code == 200
    fourth = Client()
    fourth.post("/accounts/login/", {"username": "prov_js", "password": password})
    assert "动态口令不正确" in fourth.post("/accounts/login/verify/", {"code": codes[0]}).content.decode()


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True)
def test_operator_needs_no_second_factor(world: World, password: str) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "operator_rc", "password": password})
    assert response.status_code == 302 and response["Location"] == "/"


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True, AXES_FAILURE_LIMIT=5)
def test_wrong_codes_lock_the_second_factor_on_the_page_even_for_the_right_code(world: World, password: str) -> None:
    """Issue 10, finding 5: 15 wrong codes in three rounds, then in."""
    device = enrolled(world, "ministry")
    for _round in range(3):
        client = Client()
        client.post("/accounts/login/", {"username": "ministry", "password": password})
        for _ in range(5):
            response = client.post("/accounts/login/verify/", {"code": wrong(device_code(device))})
    assert "已锁定" in response.content.decode()
    right = client.post("/accounts/login/verify/", {"code": device_code(device)})
    assert "已锁定" in right.content.decode() and client.get("/bases/").status_code == 302
    # The security administrator's reset lifts it.
    secondfactor.reset(world.user("ministry"))
    assert client.post("/accounts/login/verify/", {"code": device_code(device)}).status_code == 302


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True, AXES_FAILURE_LIMIT=5)
def test_wrong_codes_lock_the_second_factor_on_the_api(world: World, password: str) -> None:
    """Issue 10, finding 5: 12 wrong codes on POST /api/auth/token/, then the right one: 200."""
    device = enrolled(world, "ministry")
    client = APIClient()
    payload = {"username": "ministry", "password": password}
    for _ in range(12):
        response = client.post("/api/auth/token/", {**payload, "otp": wrong(device_code(device))}, format="json")
    assert response.status_code == 429 and response.json()["code"] == "second_factor_locked"
    right = client.post("/api/auth/token/", {**payload, "otp": device_code(device)}, format="json")
    assert right.status_code == 429 and "token" not in right.json()
    device.refresh_from_db()
    assert device.throttling_failure_count >= 5


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True)
def test_one_code_serves_one_sign_in_across_page_and_api(world: World, password: str) -> None:
    device = enrolled(world, "ministry")
    code = device_code(device)
    payload = {"username": "ministry", "password": password, "otp": code}
    api = APIClient().post("/api/auth/token/", payload, format="json")
    assert api.status_code == 200
    page = Client()
    page.post("/accounts/login/", {"username": "ministry", "password": password})
    assert "动态口令不正确" in page.post("/accounts/login/verify/", {"code": code}).content.decode()
