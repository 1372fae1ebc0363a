"""The notice through the API: anyone reads what is published and objects without an account; the
ministry drafts, publishes, rules and designates; objections are the ministry's alone."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from core.testing.openapi import fetch_schema, schema_errors
from portal.testing.world import World
from selection.models import Application, Call, Notice, NoticeStatus, Objection
from selection.tests.conftest import park, reviewed

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def api(world: World, key: str | None) -> APIClient:
    client = APIClient()
    if key is not None:
        client.force_authenticate(world.users[key])
    return client


@pytest.fixture
def apps(world: World, call: Call) -> list[Application]:
    park(world, "yuzhong", "渝中数字经济产业园", "50", "500106")
    return reviewed(world, call, ["shapingba", "yuzhong"], scores={"shapingba": "88.25", "yuzhong": "91.75"})


def test_the_whole_notice_through_the_api(world: World, call: Call, apps: list[Application]) -> None:
    ministry = api(world, "ministry")
    spb, yz = apps
    body = {
        "call": call.pk,
        "title": "关于第二批国家电子商务示范基地拟认定名单的公示",
        "period_length": 7,
        "period_unit": "calendar",
        "contact": "电子商务司 010-85093748",
        "applications": [yz.pk, spb.pk],
    }
    assert api(world, "prov_cq").post("/api/notices/", body, format="json").status_code == 403
    assert api(world, None).post("/api/notices/", body, format="json").status_code in (401, 403)
    bad = ministry.post("/api/notices/", {**body, "applications": [spb.pk, 999999]}, format="json")
    assert bad.status_code == 400 and "999999" in bad.json()["applications"][0]
    created = ministry.post("/api/notices/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == NoticeStatus.DRAFT
    assert [(e["base_name"], e["score"]) for e in data["entries"]] == [
        ("渝中数字经济产业园", "91.75"),
        ("沙坪坝电商产业园", "88.25"),
    ]
    notice_id = data["id"]

    # A draft is the ministry's alone.
    assert [n["id"] for n in ministry.get("/api/notices/").json()["results"]] == [notice_id]
    for key in (None, "prov_cq", "operator_sp"):
        client = api(world, key) if key != "operator_sp" else api(world, "operator_rc")
        assert client.get("/api/notices/").json()["results"] == []
        assert client.get(f"/api/notices/{notice_id}/").status_code == 404
    assert api(world, None).post(f"/api/notices/{notice_id}/objections/", {}, format="json").status_code == 404

    assert api(world, "prov_cq").post(f"/api/notices/{notice_id}/publish/", {}, format="json").status_code == 403
    today = timezone.localdate()
    published = ministry.post(f"/api/notices/{notice_id}/publish/", {"starts_on": today.isoformat()}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["ends_on"] == (today + 6 * ONE_DAY).isoformat()

    # Anyone reads it now: the public list, no score, no application id.
    public = api(world, None).get(f"/api/notices/{notice_id}/").json()
    assert public["accepting_objections"] is True and public["period"].startswith("公示期：")
    assert public["entries"][0] == {
        "position": 1,
        "base": "渝中数字经济产业园",
        "region": "重庆市沙坪坝区",
        "quota_unit": "重庆市",
        "operator": "渝中数字经济产业园运营有限公司",
    }
    assert "91.75" not in json.dumps(public, ensure_ascii=False)
    assert api(world, None).get(f"/api/notices/{notice_id}/history/").status_code in (401, 403)

    # An objection without an account; its details are the ministry's.
    anonymous = api(world, None)
    short = anonymous.post(
        f"/api/notices/{notice_id}/objections/",
        {"name": "李四", "phone": "13800138000", "content": "不同意"},
        format="json",
    )
    assert short.status_code == 400 and "至少 10 个字" in short.json()["content"][0]
    wrong = anonymous.post(
        f"/api/notices/{notice_id}/objections/",
        {"name": "李四", "phone": "13800138000", "content": "该园区入驻企业数量与申报材料不符。", "entry": 999999},
        format="json",
    )
    assert wrong.status_code == 400 and "entry" in wrong.json()
    entry_id = Notice.objects.get().entries.get(application=spb).pk
    lodged = anonymous.post(
        f"/api/notices/{notice_id}/objections/",
        {"name": "李四", "phone": "13800138000", "content": "该园区入驻企业数量与申报材料不符。", "entry": entry_id},
        format="json",
    )
    assert lodged.status_code == 201, lodged.content
    objection_id = lodged.json()["id"]
    assert anonymous.get("/api/objections/").status_code in (401, 403)
    assert api(world, "prov_cq").get("/api/objections/").status_code == 403
    listed = ministry.get("/api/objections/", {"notice": notice_id}).json()["results"]
    assert [(o["id"], o["phone"], o["base_name"]) for o in listed] == [
        (objection_id, "13800138000", "沙坪坝电商产业园")
    ]

    refused = ministry.post(
        f"/api/notices/{notice_id}/designate/",
        {"document_no": "商电函〔2026〕88号", "date": today.isoformat()},
        format="json",
    )
    assert refused.status_code == 400 and "届满后方可认定" in json.dumps(refused.json(), ensure_ascii=False)
    bad_rule = ministry.post(
        f"/api/objections/{objection_id}/rule/",
        {"outcome": "dismissed", "ruling": "不属实。", "withdraw_entry": True},
        format="json",
    )
    assert bad_rule.status_code == 400 and "withdraw_entry" in bad_rule.json()
    assert api(world, "prov_cq").post(f"/api/objections/{objection_id}/rule/", {}, format="json").status_code == 403
    ruled = ministry.post(
        f"/api/objections/{objection_id}/rule/",
        {"outcome": "upheld", "ruling": "经核查属实。", "withdraw_entry": True},
        format="json",
    )
    assert ruled.status_code == 200 and ruled.json()["status"] == "upheld"

    Notice.objects.filter(pk=notice_id).update(starts_on=today - 7 * ONE_DAY, ends_on=today - ONE_DAY)
    closed = anonymous.post(
        f"/api/notices/{notice_id}/objections/",
        {"name": "王五", "phone": "13800138001", "content": "公示期已过仍想提出异议。"},
        format="json",
    )
    assert closed.status_code == 400 and "不再受理异议" in json.dumps(closed.json(), ensure_ascii=False)
    designated = ministry.post(
        f"/api/notices/{notice_id}/designate/",
        {"document_no": "商电函〔2026〕88号", "date": today.isoformat()},
        format="json",
    )
    assert designated.status_code == 200, designated.content
    assert designated.json()["status"] == NoticeStatus.DESIGNATED
    final = anonymous.get(f"/api/notices/{notice_id}/").json()
    assert final["document_no"] == "商电函〔2026〕88号"
    assert [e["base"] for e in final["entries"]] == ["渝中数字经济产业园"]  # 沙坪坝 withdrawn
    assert Objection.objects.count() == 1


def test_the_schema_describes_the_notice_endpoints() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for path in (
        "/api/notices/",
        "/api/notices/{id}/",
        "/api/notices/{id}/publish/",
        "/api/notices/{id}/designate/",
        "/api/notices/{id}/objections/",
        "/api/objections/",
        "/api/objections/{id}/rule/",
    ):
        assert path in paths, path
    assert {} in paths["/api/notices/{id}/objections/"]["post"]["security"]  # no account needed
    assert {} in paths["/api/notices/"]["get"]["security"]
    assert {} not in paths["/api/notices/{id}/publish/"]["post"]["security"]


def test_the_ministrys_and_the_publics_notice_both_match_the_schema(
    world: World, call: Call, apps: list[Application]
) -> None:
    """The ministry reads the list with application, score and withdrawal; the schema named only
    the public's entries (base, region, …), so a client generated from it broke on the ministry's
    (schemathesis, tests/test_schema_fuzz.py)."""
    ministry = api(world, "ministry")
    spec = fetch_schema(ministry)
    body = {"call": call.pk, "title": "公示", "applications": [a.pk for a in apps]}
    notice_id = ministry.post("/api/notices/", body, format="json").json()["id"]
    ministry.post(f"/api/notices/{notice_id}/publish/", {"starts_on": timezone.localdate().isoformat()}, format="json")
    for client, shape in ((ministry, "score"), (api(world, None), "operator")):
        for url in ("/api/notices/", f"/api/notices/{notice_id}/"):
            response = client.get(url)
            assert response.status_code == 200
            data = response.json()
            entries = (data["results"][0] if "results" in data else data)["entries"]
            assert entries and all(shape in e for e in entries)
            assert schema_errors(spec, "GET", url, response) == []
