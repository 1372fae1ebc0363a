"""The district bureau registers a shipped pack for its district and puts it into force; nobody
else can, and a pack is registered once."""

from __future__ import annotations

import pytest

from accounts.models import User
from core.roles import Role
from policies.models import PackStatus, PolicyPack
from portal.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_the_bureau_registers_the_rongchang_pack_and_puts_it_into_force(world: World, login) -> None:
    client = login("bureau_rc")
    page = client.get("/policies/packs/add/").content.decode()
    assert "rongchang" in page and "荣昌" in page
    response = client.post("/policies/packs/add/", {"code": "rongchang"}, follow=True)
    assert "已登记，状态为草稿" in response.content.decode()
    pack = PolicyPack.objects.get(code="rongchang")
    assert pack.region == world.user("bureau_rc").region and pack.status == PackStatus.DRAFT
    client.post(f"/policies/packs/{pack.pk}/status/", {"to_status": "active"})
    pack.refresh_from_db()
    assert pack.status == PackStatus.ACTIVE
    again = client.post("/policies/packs/add/", {"code": "rongchang"}, follow=True).content.decode()
    assert "已登记" in again and PolicyPack.objects.count() == 1
    assert (
        "请选择平台已收录的政策包"
        in client.post("/policies/packs/add/", {"code": "../etc"}, follow=True).content.decode()
    )
    assert PolicyPack.objects.count() == 1


def test_only_a_bureau_registers_and_only_its_own_pack_changes_status(world: World, login) -> None:
    assert login("prov_cq").get("/policies/packs/add/").status_code == 403
    assert login("ministry").post("/policies/packs/add/", {"code": "rongchang"}).status_code == 403
    login("bureau_rc").post("/policies/packs/add/", {"code": "rongchang"})
    pack = PolicyPack.objects.get()
    other = User.objects.create(username="bureau_other", role=Role.BUREAU, region=world.regions["320311"])
    other.set_password(PASSWORD)
    other.save()
    client = login("bureau_rc")
    client.force_login(other)
    assert client.post(f"/policies/packs/{pack.pk}/status/", {"to_status": "active"}).status_code in (403, 404)
    pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT
