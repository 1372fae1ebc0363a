"""The API answers what its schema says (security review, finding 13).

schemathesis, run against /api/schema/, found responses outside the schema: a status change's
`from_status` "" outside its enum, `/api/me/` `region` null where the schema said string, the
regions' `parent` and `successor` null, the applications' documents, events and goals arrays
where the schema promised a page object, and `page_size=g` accepted silently. A client generated
from the schema breaks on each. Each response below is validated against the live schema
(`core.testing.openapi`); then every GET endpoint, for the ministry and a base operator.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from core.testing.openapi import fetch_schema, schema_errors
from core.workflow import record
from portal.testing.world import World, build_world
from registry.models import BaseStatus
from selection.actions.applications import do_attach_document, do_create_application, do_save_goals
from selection.models import Call, CallStatus

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schema_conformance")]


def build_battery_world() -> World:
    world = build_world()
    call = Call.objects.create(
        title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号", status=CallStatus.OPEN,
        deadline=datetime.datetime(2099, 2, 28, 23, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
    )  # fmt: skip
    operator = world.users["operator_rc"]
    app = do_create_application(
        operator, call, world.bases["rongchang"], area_m2=Decimal("25000.00"), operating_since=datetime.date(2013, 5, 1)
    )
    do_save_goals(operator, app, 2026, {"jobs": ("1200", ["1500", "1800", "2100"])})
    do_attach_document(operator, app, "development_plan", SimpleUploadedFile("规划.pdf", b"%PDF-1.4\n"))
    # A base's first entry: no status before it.
    record(world.bases["rongchang"], world.users["ministry"], BaseStatus.DESIGNATED,
           from_status="", date=datetime.date(2015, 6, 1))  # fmt: skip
    world.application = app  # type: ignore[attr-defined]
    return world


@pytest.fixture(scope="module", autouse=True)
def _media(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture
def world(battery_world: World) -> World:
    return battery_world


def api(world: World, account: str) -> APIClient:
    client = APIClient()
    client.force_login(world.users[account])
    return client


@pytest.mark.parametrize(
    ("account", "path"),
    [
        ("ministry", "/api/me/"),  # region: null
        ("operator_rc", "/api/me/"),
        ("ministry", "/api/regions/"),  # a province: parent null; successor null
        ("ministry", "/api/regions/500000/"),
        ("ministry", "/api/bases/{base}/status-changes/"),  # from_status ""
        ("operator_rc", "/api/applications/{app}/documents/"),  # arrays, not pages
        ("operator_rc", "/api/applications/{app}/events/"),
        ("operator_rc", "/api/applications/{app}/goals/"),
    ],
)
def test_the_responses_schemathesis_found_match_the_schema(world: World, account: str, path: str) -> None:
    client = api(world, account)
    spec = fetch_schema(client)
    url = path.format(base=world.bases["rongchang"].pk, app=world.application.pk)  # type: ignore[attr-defined]
    response = client.get(url)
    assert response.status_code == 200
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data if isinstance(data, list) else []
    assert data if not isinstance(data, list) else rows, "the response has something to check"
    assert schema_errors(spec, "GET", url, response) == []


def test_the_cases_themselves_are_there(world: World) -> None:
    """What the test above validates really holds the values schemathesis tripped on."""
    client = api(world, "ministry")
    assert client.get("/api/me/").json()["region"] is None
    assert client.get("/api/regions/500000/").json()["parent"] is None
    changes = client.get(f"/api/bases/{world.bases['rongchang'].pk}/status-changes/").json()["results"]
    assert changes[0]["from_status"] == ""
    app = world.application.pk  # type: ignore[attr-defined]
    for sub in ("documents", "events", "goals"):
        assert isinstance(api(world, "operator_rc").get(f"/api/applications/{app}/{sub}/").json(), list)


@pytest.mark.parametrize("value", ["g", "0", "-1", "2.5", "１０", " "])
def test_a_page_size_that_is_not_a_whole_number_is_refused_naming_it(world: World, value: str) -> None:
    response = api(world, "ministry").get("/api/enterprises/", {"page_size": value})
    assert response.status_code == 400
    (message,) = response.json()["page_size"]
    assert message.startswith("每页条数（page_size）须为 1 至 500 之间的整数")


def test_valid_page_sizes_still_work(world: World) -> None:
    client = api(world, "ministry")
    two = client.get("/api/enterprises/", {"page_size": "2"}).json()
    assert len(two["results"]) == 2 and two["count"] == 8 and two["next"]
    assert len(client.get("/api/enterprises/", {"page_size": "100000"}).json()["results"]) == 8  # at most 500
    assert len(client.get("/api/enterprises/").json()["results"]) == 8


@pytest.mark.parametrize("account", ["ministry", "operator_rc", "prov_cq"])
def test_every_get_endpoint_answers_what_the_schema_says(world: World, account: str) -> None:
    """Every list of the schema, and for its first rows every detail and sub-resource."""
    client = api(world, account)
    spec = fetch_schema(client)
    errors: list[str] = []
    checked = 0
    for template, item in spec["paths"].items():
        if "get" not in item or "{" in template:
            continue
        response = client.get(template)
        if response.status_code != 200 or response["Content-Type"] != "application/json":
            continue
        checked += 1
        errors += schema_errors(spec, "GET", template, response)
        data = response.json()
        rows = data.get("results", []) if isinstance(data, dict) else data
        for row in rows[:2]:
            ident = row.get("id", row.get("code")) if isinstance(row, dict) else None
            if ident is None:
                continue
            for sub, sub_item in spec["paths"].items():
                if sub.startswith(template + "{") and "get" in sub_item:
                    url = re.sub(r"\{[^}]+\}", str(ident), sub)
                    answer = client.get(url)
                    if answer.status_code == 200 and answer["Content-Type"] == "application/json":
                        checked += 1
                        errors += schema_errors(spec, "GET", url, answer)
    assert checked > 20
    assert errors == []
