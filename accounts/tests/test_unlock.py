"""The security administrator lifts the locks of an account, from the account list or its page,
after a confirmation, with a log entry: the wrong passwords at every address (django-axes), the
per-username hold and the second-factor lock. Nobody else may."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import lockout
from core.models import ChangeLog
from portal.testing.world import World

pytestmark = pytest.mark.django_db
WRONG = "Wrong-password-1"


def lock(username: str, ip: str = "10.1.1.1", times: int = 5) -> None:
    for _ in range(times):
        Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": WRONG})


def signs_in(username: str, password: str, ip: str = "10.1.1.1") -> bool:
    client = Client(REMOTE_ADDR=ip)
    client.post("/accounts/login/", {"username": username, "password": password})
    return client.get("/").status_code == 200


def test_secadmin_sees_the_locked_account_and_unlocks_it_after_confirming(world: World, login, password) -> None:
    lock("bureau_rc")
    bureau = world.user("bureau_rc")
    assert not signs_in("bureau_rc", password)
    sec = login("secadmin")
    listing = sec.get("/accounts/users/").content.decode()
    assert "当前被锁定的账号" in listing and f"/accounts/users/{bureau.pk}/unlock/" in listing
    assert "bureau_rc" in sec.get("/accounts/users/", {"locked": "1"}).content.decode()
    assert "operator_rc" not in sec.get("/accounts/users/", {"locked": "1"}).content.decode()
    assert "已锁定" in sec.get(f"/accounts/users/{bureau.pk}/").content.decode()
    confirm = sec.get(f"/accounts/users/{bureau.pk}/unlock/").content.decode()
    assert "该账号当前已被锁定" in confirm and "确认解锁" in confirm
    assert lockout.is_locked(bureau)  # asking changed nothing
    assert sec.post(f"/accounts/users/{bureau.pk}/unlock/").status_code == 302
    assert not lockout.is_locked(bureau)
    assert signs_in("bureau_rc", password)
    entry = ChangeLog.objects.get(object_id=str(bureau.pk), action=ChangeLog.Action.UPDATE)
    assert entry.actor == world.user("secadmin") and "解除登录锁定" in entry.message


@override_settings(ECBASE_USERNAME_FAILURE_LIMIT=6)
def test_unlock_lifts_the_hold_on_a_username_guessed_from_many_addresses(world: World, login, password) -> None:
    for i in range(6):
        lock("operator_rc", ip=f"172.16.0.{i}", times=1)
    assert lockout.is_locked(world.user("operator_rc"))
    assert not signs_in("operator_rc", password, ip="10.9.9.9")
    login("secadmin").post(f"/accounts/users/{world.user('operator_rc').pk}/unlock/")
    assert signs_in("operator_rc", password, ip="10.9.9.9")


def test_unlock_lifts_the_second_factor_lock(world: World, login) -> None:
    province = world.user("prov_js")
    device = TOTPDevice.objects.create(user=province, name="动态口令", confirmed=True)
    device.throttling_failure_count = 5
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    assert lockout.is_locked(province)
    login("secadmin").post(f"/accounts/users/{province.pk}/unlock/")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0 and not lockout.is_locked(province)


def test_only_the_security_administrator_unlocks(world: World, login, password) -> None:
    lock("bureau_rc")
    bureau = world.user("bureau_rc")
    assert login("sysadmin").post(f"/accounts/users/{bureau.pk}/unlock/").status_code == 403
    assert login("auditor").post(f"/accounts/users/{bureau.pk}/unlock/").status_code == 404
    own = login("bureau_rc")
    assert own.post(f"/accounts/users/{bureau.pk}/unlock/").status_code == 403
    assert lockout.is_locked(bureau)
    api = APIClient()
    api.force_authenticate(world.user("sysadmin"))
    assert api.post(f"/api/users/{bureau.pk}/unlock/").status_code == 403
    api.force_authenticate(world.user("secadmin"))
    response = api.post(f"/api/users/{bureau.pk}/unlock/")
    assert response.status_code == 200 and response.json()["cleared"] >= 1
    assert not lockout.is_locked(bureau)
    assert ChangeLog.objects.filter(object_id=str(bureau.pk), source=ChangeLog.Source.API).count() == 1
