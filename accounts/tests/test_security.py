"""等保 2.0 level 3 account rules: complexity, lockout, idle logout, one admin session."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from portal.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("weak", ["short1A!", "alllowercaseletters", "ALLUPPER123456", "abcdefgh12345"])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_complex_password_is_accepted() -> None:
    validate_password("Shangwu-2026-Base")


def test_lockout_after_five_failures_even_with_the_right_password(world: World, password: str) -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "prov_js", "password": "Wrong-password-1"})
    response = client.post("/accounts/login/", {"username": "prov_js", "password": password})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_is_stored_hashed(world: World) -> None:
    user = world.user("prov_js")
    assert not user.password.startswith("Ecbase") and "$" in user.password


@override_settings(SESSION_COOKIE_AGE=1)
def test_idle_session_expires(world: World, password: str) -> None:
    import time

    client = Client()
    assert client.post("/accounts/login/", {"username": "prov_js", "password": password}).status_code == 302
    time.sleep(2.1)
    response = client.get("/bases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_second_sign_in_ends_the_first_admin_session(world: World, password: str) -> None:
    first, second = Client(), Client()
    first.post("/accounts/login/", {"username": "ministry", "password": password})
    assert first.get("/bases/").status_code == 200
    second.post("/accounts/login/", {"username": "ministry", "password": password})
    assert second.get("/bases/").status_code == 200
    response = first.get("/bases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_operators_may_hold_two_sessions(world: World, password: str) -> None:
    first, second = Client(), Client()
    first.post("/accounts/login/", {"username": "operator_rc", "password": password})
    second.post("/accounts/login/", {"username": "operator_rc", "password": password})
    assert first.get("/bases/").status_code == 200


def test_role_scope_is_required(world: World) -> None:
    from accounts.models import User
    from core.roles import Role

    user = User(username="p2", role=Role.PROVINCE)
    with pytest.raises(ValidationError) as err:
        user.full_clean()
    assert "quota_unit" in err.value.message_dict
