"""Ministry and provincial accounts sign in with a password and a time-based code."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from accounts import totp
from accounts.models import User
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def test_rfc6238_reference_vector() -> None:
    # RFC 6238 appendix B, SHA-1, secret "12345678901234567890", T = 59 s → 94287082 (8 digits).
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.code_at(secret, 1) == "287082"  # the same value, last six digits


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True)
def test_province_user_enrols_then_signs_in_with_a_code(world: World, password: str) -> None:
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
    wrong = client.post(
        "/accounts/login/verify/", {"code": "000000" if totp.now_code(secret) != "000000" else "111111"}
    )
    assert "动态口令不正确" in wrong.content.decode()
    ok = client.post("/accounts/login/verify/", {"code": totp.now_code(secret)})
    assert ok.status_code == 302
    assert client.get("/bases/").status_code == 200
    user = User.objects.get(username="prov_js")
    assert user.totp_confirmed
    # The same code cannot be replayed in a second sign-in.
    other = Client()
    other.post("/accounts/login/", {"username": "prov_js", "password": password})
    replay = other.post("/accounts/login/verify/", {"code": totp.now_code(secret)})
    assert replay.status_code == 200 and other.get("/bases/").status_code == 302


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True)
def test_operator_needs_no_second_factor(world: World, password: str) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "operator_rc", "password": password})
    assert response.status_code == 302 and response["Location"] == "/"


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True)
def test_five_wrong_codes_end_the_attempt(world: World, password: str) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "ministry", "password": password})
    client.get("/accounts/login/verify/")
    for _ in range(5):
        response = client.post("/accounts/login/verify/", {"code": "abcdef"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"
