"""Reference data over the API: everyone signed in reads it; the ministry and the system
administrator maintain quota units and demonstration cities, with the change log."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.audit import history
from portal.testing.world import World
from regions.models import DemoCity

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world: World):
    def make(key: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(world.users[key])
        return client

    return make


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


def test_regions_read_and_filter(world: World, api) -> None:
    client = api("ent_rc1")
    assert codes(client.get("/api/regions/", {"level": 1})) == ["210000", "320000", "500000"]
    assert codes(client.get("/api/regions/", {"parent": "320000"})) == ["320100", "320300"]
    assert codes(client.get("/api/regions/", {"q": "5001"})) == ["500100", "500106", "500153"]
    assert codes(client.get("/api/regions/", {"q": "荣昌"})) == ["500153"]
    detail = client.get("/api/regions/500153/").json()
    assert detail["name"] == "荣昌区" and detail["parent"] == "500100" and detail["level"] == 3
    assert client.get("/api/regions/999999/").status_code == 404
    # Regions come from the loader only.
    assert client.patch("/api/regions/500153/", {"name": "x"}, format="json").status_code in (403, 405)
    assert api("ministry").patch("/api/regions/500153/", {"name": "x"}, format="json").status_code == 405
    assert api("ministry").post("/api/regions/", {"code": "110000"}, format="json").status_code == 405


def test_demo_cities_maintained_by_the_ministry_only(world: World, api) -> None:
    payload = {"region": "320100", "name": "南京市", "year_named": 2014, "batch": "第二批"}
    assert api("prov_js").post("/api/demo-cities/", payload, format="json").status_code == 403
    created = api("ministry").post("/api/demo-cities/", payload, format="json")
    assert created.status_code == 201, created.content
    city = DemoCity.objects.get(pk=created.json()["id"])
    entry = history(city).first()
    assert entry is not None and entry.actor_name == "ministry" and entry.source == "api"
    assert api("prov_js").get("/api/demo-cities/", {"province": "32"}).json()["count"] == 1
    assert api("prov_js").patch(f"/api/demo-cities/{city.pk}/", {"batch": "x"}, format="json").status_code == 403
    patched = api("sysadmin").patch(f"/api/demo-cities/{city.pk}/", {"document_no": "商电函〔2014〕1号"}, format="json")
    assert patched.status_code == 200
    city.refresh_from_db()
    assert city.document_no == "商电函〔2014〕1号" and city.batch == "第二批"
    assert api("ministry").delete(f"/api/demo-cities/{city.pk}/").status_code == 204
    assert not DemoCity.objects.filter(pk=city.pk).exists()


def test_quota_units_listed_for_all_and_changed_by_the_ministry(world: World, api) -> None:
    rows = api("operator_rc").get("/api/quota-units/").json()["results"]
    assert [r["code"] for r in rows] == ["50", "32", "21", "2102"]
    unit = world.units["2102"]
    assert api("operator_rc").patch(f"/api/quota-units/{unit.pk}/", {"sort_order": 9}, format="json").status_code == 403
    ok = api("ministry").patch(f"/api/quota-units/{unit.pk}/", {"sort_order": 9}, format="json")
    assert ok.status_code == 200 and ok.json()["sort_order"] == 9
