"""Fixtures of the policy process tests: the 荣昌 pack in force in the world's 荣昌区 (500153), its
fund, and a few facts of the world's enterprises resident in the 荣昌 park."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from core.roles import Role
from policies.actions.awards import do_file_application, do_submit_application
from policies.actions.packs import do_change_pack_status, do_create_pack, do_set_fund
from policies.models import AwardApplication, Fund, OrderVolume, PackStatus, PolicyPack
from portal.testing.world import World
from registry.models import Enterprise

YEAR = 2025


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path: Path) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield


@pytest.fixture
def pack(world: World) -> PolicyPack:
    bureau = world.user("bureau_rc")
    created = do_create_pack(bureau, code="rongchang", region=world.regions["500153"])
    return do_change_pack_status(bureau, created, PackStatus.ACTIVE)


@pytest.fixture
def fund(world: World, pack: PolicyPack) -> Fund:
    return do_set_fund(world.user("bureau_rc"), pack, YEAR)


def other_bureau(world: World) -> User:
    """The bureau of 沙坪坝区: same municipality, another district."""
    user = User(username="bureau_spb", role=Role.BUREAU, region=world.regions["500106"], display_name="沙坪坝区商务局")
    user.set_unusable_password()
    user.save()
    world.users["bureau_spb"] = user
    return user


def enterprise_user(world: World, key: str) -> User:
    """A sign-in for another enterprise of the world."""
    username = f"ent_{key}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=Role.ENTERPRISE, enterprise=world.enterprises[key], display_name=username)
        user.set_unusable_password()
        user.save()
    world.users[username] = user
    return user


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def enterprise(world: World, n: int, name: str) -> Enterprise:
    """Another e-commerce enterprise registered in 荣昌区."""
    from portal.testing.world import code

    ent = Enterprise.objects.create(
        credit_code=code(n, "500153"), name=name, category="enterprise", region=world.regions["500153"]
    )
    world.enterprises[f"e{n}"] = ent
    return ent


def orders_claim(
    world: World, pack: PolicyPack, ent: Enterprise, orders: int, *, submit: bool = True
) -> AwardApplication:
    """An application for the online-orders award (四（二）5: 2元/单, 2万单以上, 30万元 at most) filed
    and submitted by the enterprise itself: `orders` × 2元."""
    key = next(k for k, e in world.enterprises.items() if e.pk == ent.pk)
    user = enterprise_user(world, key) if key != "rc1" else world.user("ent_rc1")
    OrderVolume.objects.update_or_create(enterprise=ent, year=YEAR, defaults={"orders": orders})
    app = do_file_application(user, pack, ent, item="online_orders", year=YEAR)
    return do_submit_application(user, app) if submit else app
