"""Derived fields follow their sources on every write path: a renamed enterprise or base is found
by its new name in the list search (which reads the normalised name), whichever way it was
renamed — page, API, import, bulk writer. The bulk writer on registry models: defaults, derived
fields and constraints."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from core.bulk import BulkWriter, rows_of
from core.models import ChangeLog
from portal.testing.world import World, code
from registry.models import Base, Enterprise, Residency
from registry.tests.test_imports import job_of, row, upload, xlsx

pytestmark = pytest.mark.django_db

NEW_NAME = "荣昌更名後電子商務有限公司"  # traditional characters: searched in simplified ones
SEARCH = "更名后电子商务"
NEW_BASE_NAME = "荣昌區更名電商產業園"
BASE_SEARCH = "更名电商产业园"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ECBASE_TASKS_EAGER = True


def api(world: World, key: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users[key])
    return client


def found(client: Client, url: str, query: str, name: str) -> bool:
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return name in response.content.decode()


def assert_found_by_new_name(client: Client, ent: Enterprise) -> None:
    ent.refresh_from_db()
    assert ent.name == NEW_NAME
    assert found(client, "/enterprises/", SEARCH, NEW_NAME)
    assert not found(client, "/enterprises/", "夏布", NEW_NAME)  # the old name no longer finds it
    # The change log shows the key changing with the name.
    entry = ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE, object_id=str(ent.pk)).latest("id")
    assert entry.after is not None and entry.after["name_normalized"] == ent.name_normalized


def test_renamed_on_the_edit_page(world: World, login) -> None:
    ent = world.enterprises["rc1"]
    client = login("ministry")
    form = client.get(f"/enterprises/{ent.pk}/edit/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = NEW_NAME
    assert client.post(f"/enterprises/{ent.pk}/edit/", data).status_code == 302
    assert_found_by_new_name(client, ent)


def test_renamed_through_the_api(world: World, login) -> None:
    ent = world.enterprises["rc1"]
    response = api(world, "operator_rc").patch(f"/api/enterprises/{ent.pk}/", {"name": NEW_NAME}, format="json")
    assert response.status_code == 200, response.content
    assert_found_by_new_name(login("ministry"), ent)
    listed = api(world, "operator_rc").get("/api/enterprises/", {"q": SEARCH}).json()["results"]
    assert [r["name"] for r in listed] == [NEW_NAME]


def test_renamed_by_a_roster_import(world: World, login) -> None:
    ent = world.enterprises["rc1"]
    client = login("operator_rc")
    job = job_of(upload(client, xlsx([row(0, **{"统一社会信用代码": ent.credit_code, "企业名称": NEW_NAME})])))
    assert job.result["updated"] == 1, job.result
    assert_found_by_new_name(login("ministry"), ent)


def test_renamed_by_the_bulk_writer(world: World, login) -> None:
    ent = world.enterprises["rc1"]
    with transaction.atomic(), BulkWriter(actor=world.users["ministry"]) as bulk:
        bulk.update(Enterprise, [(rows_of(Enterprise, [ent])[0], {"name": NEW_NAME})], describe=lambda r: r["name"])
    assert_found_by_new_name(login("ministry"), ent)


def test_a_base_renamed_on_its_page_through_the_api_or_in_bulk_is_found_by_its_new_name(world: World, login) -> None:
    client = login("ministry")
    base = world.bases["rongchang"]
    form = client.get(f"/bases/{base.pk}/edit/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = NEW_BASE_NAME
    assert client.post(f"/bases/{base.pk}/edit/", data).status_code == 302
    assert found(client, "/bases/", BASE_SEARCH, NEW_BASE_NAME)

    other = world.bases["xuzhou"]
    response = api(world, "ministry").patch(f"/api/bases/{other.pk}/", {"name": "徐州軟件園更名基地"}, format="json")
    assert response.status_code == 200, response.content
    assert found(client, "/bases/", "徐州软件园更名", "徐州軟件園更名基地")

    third = world.bases["nanjing"]
    with transaction.atomic(), BulkWriter(actor=world.users["ministry"]) as bulk:
        bulk.update(Base, [(rows_of(Base, [third])[0], {"name": "南京建鄴更名產業園"})])
    assert found(client, "/bases/", "建邺更名产业园", "南京建鄴更名產業園")
    assert Base.objects.get(pk=third.pk).name_normalized == "南京建邺更名产业园"


def test_the_bulk_writer_keeps_a_check_constraint(world: World) -> None:
    ent = world.enterprises["rc1"]
    base = world.bases["xuzhou"]
    bad = {"enterprise_id": ent.pk, "base_id": base.pk, "entered_on": datetime.date(2024, 5, 1)}
    bad["left_on"] = datetime.date(2024, 1, 1)  # before the entry: residency_left_after_entered
    with pytest.raises(IntegrityError), transaction.atomic(), BulkWriter() as bulk:
        bulk.insert(Residency, [bad], describe=lambda row: "x")
    assert not Residency.objects.filter(enterprise=ent, base=base).exists()


def test_derived_fields_and_defaults_of_new_and_changed_rows(world: World) -> None:
    """Enterprises: the normalised name follows the name, in new rows and in renamed ones."""
    row = {
        "credit_code": code(700),
        "org_code_ok": True,
        "name": "荣昌批量電子商務有限公司",
        "category": "enterprise",
        "region_id": world.regions["500153"].pk,
        "annual_revenue": Decimal("12.50"),
    }
    with transaction.atomic(), BulkWriter() as bulk:
        [pk] = bulk.insert(Enterprise, [row], describe=lambda r: r["name"])
    ent = Enterprise.objects.get(pk=pk)
    assert ent.name_normalized == "荣昌批量电子商务有限公司"
    assert (ent.is_ecommerce, ent.industry, ent.main_business) == (True, "retail", "")  # the model's defaults
    [created] = ChangeLog.objects.filter(action=ChangeLog.Action.CREATE, object_id=str(ent.pk))
    assert created.after == ent.snapshot()
    stored = rows_of(Enterprise, [ent])[0]
    with transaction.atomic(), BulkWriter() as bulk:
        bulk.update(Enterprise, [(stored, {"name": "荣昌改名電商有限公司"})], describe=lambda r: r["name"])
    ent.refresh_from_db()
    assert ent.name_normalized == "荣昌改名电商有限公司"
    entry = ChangeLog.objects.get(action=ChangeLog.Action.UPDATE, object_id=str(ent.pk))
    assert (entry.before or {}).get("name_normalized") == "荣昌批量电子商务有限公司"
    assert entry.after == ent.snapshot()
