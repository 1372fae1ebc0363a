"""Fixtures of the selection tests: an open call (notice 767's) and a drafted application."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings

from core.testing.world import World
from selection.actions.applications import do_create_application
from selection.models import Application, Call, CallStatus

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
# 商办电函〔2014〕767号: materials by 2015-02-28; the call stores its deadline as an instant.
DEADLINE = datetime.datetime(2015, 2, 28, 23, 59, 59, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path: Path) -> Iterator[None]:
    """Documents uploaded or generated (the roster frozen at submission) go to a temporary folder."""
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield


@pytest.fixture
def call(world: World) -> Call:
    return Call.objects.create(
        title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号", deadline=DEADLINE,
        status=CallStatus.OPEN,
    )  # fmt: skip


def draft(world: World, call: Call, base: str = "shapingba", operator: str = "operator_sp") -> Application:
    from accounts.models import Role, User

    user, _ = User.objects.get_or_create(username=operator, defaults={"role": Role.OPERATOR})
    user.base = world.bases[base]
    user.save()
    world.users[operator] = user
    return do_create_application(
        user, call, world.bases[base], area_m2=Decimal("25000.00"), operating_since=datetime.date(2013, 5, 1)
    )
