"""The ministry keeps the list of national e-commerce demonstration cities on the web."""

from __future__ import annotations

import pytest

from core.models import ChangeLog
from portal.testing.world import World
from regions.models import DemoCity

pytestmark = pytest.mark.django_db


def test_ministry_adds_and_edits_a_city_with_history(world: World, login) -> None:
    client = login("ministry")
    assert "新增示范城市" in client.get("/demo-cities/").content.decode()
    bad = client.post("/demo-cities/add/", {"name": "徐州", "region_code": "999999", "year_named": "2014"})
    assert "区划代码 999999 不存在或已停用" in bad.content.decode()
    assert not DemoCity.objects.exists()
    client.post("/demo-cities/add/", {"name": "徐州", "region_code": "320300", "year_named": "2014", "batch": "第二批"})
    city = DemoCity.objects.get()
    assert city.region.code == "320300"
    client.post(
        f"/demo-cities/{city.pk}/",
        {
            "name": "徐州",
            "region_code": "320300",
            "year_named": "2014",
            "batch": "第二批",
            "document_no": "商办电函〔2014〕1号",
        },
    )
    city.refresh_from_db()
    assert city.document_no == "商办电函〔2014〕1号"
    entries = ChangeLog.objects.filter(object_repr="徐州").order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changed_fields() == [("document_no", "", "商办电函〔2014〕1号")]


def test_a_province_reads_the_list_but_cannot_change_it(world: World, login) -> None:
    city = DemoCity.objects.create(name="南京", region=world.regions["320100"], year_named=2011)
    client = login("prov_js")
    page = client.get("/demo-cities/").content.decode()
    assert "南京" in page and "新增示范城市" not in page
    assert f"/demo-cities/{city.pk}/" not in page  # no link to a page it may not open
    assert client.get("/demo-cities/add/").status_code == 403
    assert (
        client.post(
            f"/demo-cities/{city.pk}/", {"name": "x", "region_code": "320100", "year_named": "2011"}
        ).status_code
        == 404
    )
    city.refresh_from_db()
    assert city.name == "南京"
