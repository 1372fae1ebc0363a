"""The security policy the security administrator sets, and the running system reading it: the
lockout (django-axes and the second factor), the password rules and history, the password's
expiry, the idle timeout of sessions and tokens, the tokens' maximum age and the second factor.
Without a stored policy the settings are the policy."""

from __future__ import annotations

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, SecurityPolicy, User, UserSession
from core.models import ChangeLog
from portal.testing.world import World

pytestmark = pytest.mark.django_db
WRONG = "Wrong-password-1"


def set_policy(client: Client, **changes: object) -> int:
    """Post the policy page as the form stands, with the changes."""
    current = SecurityPolicy.stored() or SecurityPolicy.from_settings()
    form = {
        name: getattr(current, name)
        for name in ("min_length", "classes_required", "expiry_days", "history_count", "failure_limit",
                     "lockout_minutes", "idle_minutes", "token_max_hours")
    }  # fmt: skip
    if current.second_factor:
        form["second_factor"] = "on"
    for name, value in changes.items():
        if value is False:
            form.pop(name, None)
        else:
            form[name] = value
    return client.post("/accounts/security-policy/edit/", form).status_code


def test_the_security_administrator_sets_the_policy_and_the_others_read_it(world: World, login) -> None:
    sec = login("secadmin")
    page = sec.get("/accounts/security-policy/").content.decode()
    assert "尚未设置过安全策略" in page and "密码最小长度" in page and "作用于" in page
    assert set_policy(sec, failure_limit=3, idle_minutes=15) == 302
    stored = SecurityPolicy.stored()
    assert stored is not None and (stored.failure_limit, stored.idle_minutes, stored.min_length) == (3, 15, 10)
    entry = ChangeLog.objects.get(content_type__model="securitypolicy")
    assert entry.action == ChangeLog.Action.CREATE and entry.actor == world.user("secadmin")
    assert set_policy(sec, failure_limit=4) == 302
    update = ChangeLog.objects.filter(content_type__model="securitypolicy").latest("id")
    assert update.before is not None and update.after is not None
    assert update.before["failure_limit"] == 3 and update.after["failure_limit"] == 4
    # Out of range: refused, naming the field.
    assert set_policy(sec, failure_limit=1) == 200
    assert SecurityPolicy.current().failure_limit == 4
    for reader in ("sysadmin", "auditor"):
        assert "登录失败锁定次数" in login(reader).get("/accounts/security-policy/").content.decode()
        assert set_policy(login(reader), failure_limit=9) == 403
    assert login("ministry").get("/accounts/security-policy/").status_code == 403
    # The auditor reads the values in the policy's history (the three administrators' own data).
    history = login("auditor").get(f"/history/accounts/securitypolicy/{stored.pk}/").content.decode()
    assert "登录失败锁定次数" in history and "3" in history


def test_the_failure_limit_and_lockout_time_are_the_policys(world: World, login, password) -> None:
    set_policy(login("secadmin"), failure_limit=3, lockout_minutes=1)
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "expert", "password": WRONG})
    locked = client.post("/accounts/login/", {"username": "expert", "password": password})
    assert locked.status_code == 429 and "请 1 分钟后再试" in locked.content.decode()
    # A minute later the lock has run out.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(seconds=61))
    assert client.post("/accounts/login/", {"username": "expert", "password": password}).status_code == 302


def test_password_rules_and_history_follow_the_policy(world: World, login, password) -> None:
    user = world.user("operator_rc")
    validate_password("Shangwu-2026-Base", user)
    set_policy(login("secadmin"), min_length=18, classes_required=4, history_count=2)
    with pytest.raises(ValidationError) as too_short:
        validate_password("Shangwu-2026-Base", user)
    assert "密码至少 18 个字符。" in too_short.value.messages
    with pytest.raises(ValidationError) as classes:
        validate_password("shangwu2026basexxyy", user)
    assert "同时包含大写字母、小写字母、数字和特殊符号" in " ".join(classes.value.messages)
    first, second, third = "First-Passw0rd-2026!", "Second-Passw0rd-2026!", "Third-Passw0rd-2026!!"
    for new in (first, second):
        user.set_password(new)
        user.save()
    with pytest.raises(ValidationError) as reused:
        validate_password(first, user)
    assert "最近 2 次使用过的密码" in " ".join(reused.value.messages)
    user.set_password(third)
    user.save()
    validate_password(first, user)  # three passwords ago: allowed again with a history of two


def test_an_expired_password_must_be_changed_before_anything_else(world: World, login, password) -> None:
    set_policy(login("secadmin"), expiry_days=90)
    User.objects.filter(username="prov_js").update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client = Client()
    client.post("/accounts/login/", {"username": "prov_js", "password": password})
    sent = client.get("/bases/")
    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/me/password/")
    assert "超过 90 天有效期" in client.get(sent["Location"]).content.decode()
    refused = APIClient().post("/api/auth/token/", {"username": "prov_js", "password": password})
    assert refused.status_code == 403 and refused.json()["code"] == "password_change_required"
    client.post("/accounts/me/password/", {"old_password": password, "new_password1": "Jiangsu-Base-2026!",
                                           "new_password2": "Jiangsu-Base-2026!"})  # fmt: skip
    assert client.get("/bases/").status_code == 200
    # Accounts within the period go where they asked.
    assert login("prov_cq").get("/bases/").status_code == 200


def test_the_idle_timeout_is_the_policys(world: World, login, password) -> None:
    set_policy(login("secadmin"), idle_minutes=5)
    client = Client()
    client.post("/accounts/login/", {"username": "operator_rc", "password": password})
    client.get("/")
    session = UserSession.objects.get(session_key=client.session.session_key)
    assert session.user == world.user("operator_rc")
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 280 < left <= 300
    # Idle past it: signed out.
    UserSession.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/bases/").status_code == 302
    # An API token lapses after the same idle time.
    token = APIClient().post("/api/auth/token/", {"username": "operator_rc", "password": password}).json()
    stored = ApiToken.objects.get(user=world.user("operator_rc"))
    assert 280 < (stored.expiry - timezone.now()).total_seconds() <= 300, token


def test_the_tokens_maximum_age_is_the_policys(world: World, login, password) -> None:
    body = APIClient().post("/api/auth/token/", {"username": "operator_rc", "password": password}).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    ApiToken.objects.update(created=timezone.now() - datetime.timedelta(hours=2))
    assert client.get("/api/me/").status_code == 200  # within the default 12 hours
    set_policy(login("secadmin"), token_max_hours=1)
    refused = client.get("/api/me/")
    assert refused.status_code == 401 and "令牌无效或已过期" in refused.json()["detail"]
    assert not ApiToken.objects.exists()


@override_settings(ECBASE_REQUIRE_SECOND_FACTOR=True)
def test_the_policy_decides_the_second_factor_and_the_setting_can_still_switch_it_off(world: World, login,
                                                                                      password) -> None:  # fmt: skip
    def asks_for_code() -> bool:
        response = Client().post("/accounts/login/", {"username": "prov_js", "password": password})
        return response.status_code == 302 and response["Location"] == "/accounts/login/verify/"

    assert asks_for_code()
    set_policy(login("secadmin"), second_factor=False)
    assert not asks_for_code()
    set_policy(login("secadmin"), second_factor="on")
    assert asks_for_code()
    with override_settings(ECBASE_REQUIRE_SECOND_FACTOR=False):
        assert not asks_for_code()


def test_a_stored_policy_reaches_every_process_within_the_cache_time(world: World) -> None:
    with override_settings(ECBASE_POLICY_CACHE_SECONDS=2):
        SecurityPolicy.objects.create(failure_limit=7)
        assert SecurityPolicy.current().failure_limit == 7
        # Another server changed it: this process reads it again once its copy is two seconds old.
        SecurityPolicy.objects.filter(pk=1).update(failure_limit=8)
        assert SecurityPolicy.current().failure_limit == 7
        time.sleep(2.1)
        assert SecurityPolicy.current().failure_limit == 8
