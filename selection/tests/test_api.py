"""The whole application workflow through the REST API, and its OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from core.testing.world import World
from selection.models import Application, ApplicationStatus, Call

pytestmark = pytest.mark.django_db


def api(world: World, key: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users[key])
    return client


def test_call_to_submission_through_the_api(world: World) -> None:
    created = api(world, "ministry").post(
        "/api/calls/",
        {"title": "第三批", "document_no": "商办电函〔2099〕2号", "deadline": "2099-02-28T23:59:59+08:00"},
        format="json",
    )
    assert created.status_code == 201, created.content
    call_id = created.json()["id"]
    assert api(world, "prov_js").post("/api/calls/", {"title": "x"}, format="json").status_code == 403

    applied = api(world, "operator_rc").post(
        "/api/applications/", {"call": call_id, "area_m2": "25000.00", "operating_since": "2013-05-01"}, format="json"
    )
    assert applied.status_code == 201, applied.content
    app_id = applied.json()["id"]

    assert api(world, "prov_js").post(f"/api/applications/{app_id}/recommend/", {"rank": 1}).status_code == 404
    province = api(world, "prov_cq")
    recommended = province.post(f"/api/applications/{app_id}/recommend/", {"rank": 1}, format="json")
    assert recommended.status_code == 200, recommended.content
    assert recommended.json()["status"] == ApplicationStatus.RECOMMENDED
    taken = province.post(f"/api/applications/{app_id}/submit/")
    assert taken.status_code == 200 and taken.json()["status"] == ApplicationStatus.SUBMITTED
    again = province.post(f"/api/applications/{app_id}/submit/")
    assert again.status_code == 400 and "不能变更" in again.content.decode()
    kinds = [e["kind"] for e in api(world, "ministry").get(f"/api/applications/{app_id}/events/").json()]
    assert kinds == ["created", "recommended", "submitted"]
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    assert Call.objects.count() == 1


def test_schema_stays_valid_with_the_selection_endpoints() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
