"""The write scope of every role, through the real REST API: create, PATCH and DELETE of
enterprises, residencies, titles, bases and demonstration cities, for all twelve accounts.

Each table below is the expected answer per account, derived from the models' `scope_q` rules:
201/200/204 allowed; 404 an object outside the user's scope for that action; 403 a role that may
not do the action on any object (refused by the permission class, before anything else); 400 a
create whose related object (base, enterprise) is outside the scope; 405 a method the endpoint
does not offer, for a role the permission class lets through. Every attempt also checks the
database: a refused write changes no row and logs nothing; an allowed one changes exactly the
rows it logs, each logged with the acting user and source "api".
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Max
from rest_framework.test import APIClient

from core.models import ChangeLog
from portal.testing.world import World, code
from regions.models import DemoCity, QuotaUnit
from registry.models import Base, Enterprise, Residency, Title, TitleLevel

pytestmark = pytest.mark.django_db

ACCOUNTS = (
    "ministry",
    "prov_cq",
    "prov_js",
    "prov_ln",
    "city_dl",
    "bureau_rc",
    "operator_rc",
    "ent_rc1",
    "expert",
    "sysadmin",
    "secadmin",
    "auditor",
)
ALLOWED = frozenset({200, 201, 204})


def table(default: Any, **rows: Any) -> dict[str, Any]:
    """One expected outcome per account: the named ones, the rest `default`."""
    unknown = set(rows) - set(ACCOUNTS)
    assert not unknown, unknown
    return {account: rows.get(account, default) for account in ACCOUNTS}


# POST /api/enterprises/ with base = (荣昌, 徐州)
ENTERPRISE_CREATE = table((403, 403), ministry=(201, 201), operator_rc=(201, 400))
# PATCH /api/enterprises/{rc1, rc2 (has left 荣昌), xz1}/ main_business
ENTERPRISE_PATCH = table(
    (403, 403, 403), ministry=(200, 200, 200), operator_rc=(200, 404, 404), ent_rc1=(200, 404, 404)
)
# DELETE /api/enterprises/{rc1}/ (the endpoint offers no DELETE)
ENTERPRISE_DELETE = table(403, ministry=405)
# POST /api/residencies/ of rc2 into (荣昌, 徐州)
RESIDENCY_CREATE = table((403, 403), ministry=(201, 201), operator_rc=(201, 400))
# PATCH /api/residencies/{rc1@荣昌, xz1@徐州}/ left_on
RESIDENCY_PATCH = table((403, 403), ministry=(200, 200), operator_rc=(200, 404))
# POST /api/titles/ on (rc1, xz1)
TITLE_CREATE = table((403, 403), ministry=(201, 201), operator_rc=(201, 400))
# PATCH and DELETE /api/titles/{title of rc1, title of xz1}/: the CHANGE rule, never the enterprise itself
TITLE_PATCH = table((403, 403), ministry=(200, 200), operator_rc=(200, 404))
TITLE_DELETE = table((403, 403), ministry=(204, 204), operator_rc=(204, 404))
# PATCH /api/bases/{荣昌, 徐州}/ address
BASE_PATCH = table(
    (403, 403),
    ministry=(200, 200),
    prov_cq=(200, 404),
    prov_js=(404, 200),
    prov_ln=(404, 404),
    city_dl=(404, 404),
    operator_rc=(200, 404),
)
# DELETE /api/bases/{荣昌}/ and POST /api/bases/ (the endpoint offers neither)
BASE_DELETE_AND_CREATE = table((403, 403), ministry=(405, 405))
# POST, PATCH, DELETE /api/demo-cities/
DEMOCITY_WRITES = table((403, 403, 403), ministry=(201, 200, 204), sysadmin=(201, 200, 204))

TABLES = (
    ENTERPRISE_CREATE,
    ENTERPRISE_PATCH,
    ENTERPRISE_DELETE,
    RESIDENCY_CREATE,
    RESIDENCY_PATCH,
    TITLE_CREATE,
    TITLE_PATCH,
    TITLE_DELETE,
    BASE_PATCH,
    BASE_DELETE_AND_CREATE,
    DEMOCITY_WRITES,
)


@pytest.fixture
def w(world: World) -> World:
    """The shared world plus: rc2 has left 荣昌 (an operator still sees it, no longer changes it),
    xz1 holds a title, and one demonstration city exists. Plain ORM: scaffolding, not logged."""
    Residency.objects.filter(enterprise=world.enterprises["rc2"]).update(left_on=datetime.date(2024, 12, 31))
    Title.objects.create(enterprise=world.enterprises["xz1"], level=TitleLevel.MUNICIPAL, name="徐州示范", year=2023)
    DemoCity.objects.create(region=world.regions["210200"], name="大连市", year_named=2014, batch="第二批")
    return world


def state() -> dict[tuple[str, str], dict[str, Any]]:
    """Every row of every model these endpoints write, as the change log would record it."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for model in (Base, Enterprise, Residency, Title, DemoCity, QuotaUnit):
        for obj in model.objects.all():
            rows[(model._meta.model_name or "", str(obj.pk))] = obj.snapshot()
    return rows


def attempt(
    w: World, account: str, method: str, url: str, data: dict[str, Any] | None, expected: int
) -> list[tuple[str, str]]:
    """Send one write as the account; assert the status and the database effect; return the
    (model, action) of the change-log rows it wrote."""
    user = w.users[account]
    client = APIClient()
    client.force_authenticate(user)
    before = state()
    last_log = ChangeLog.objects.aggregate(m=Max("pk"))["m"] or 0
    response = getattr(client, method)(url, data, format="json")
    assert response.status_code == expected, (account, method, url, response.content.decode())
    entries = list(ChangeLog.objects.filter(pk__gt=last_log).select_related("content_type").order_by("pk"))
    after = state()
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    if expected in ALLOWED:
        assert entries, (account, method, url, "an allowed write is logged")
        assert all(e.actor_id == user.pk and e.source == ChangeLog.Source.API for e in entries)
        assert {(e.content_type.model, e.object_id) for e in entries if e.content_type} == changed
    else:
        assert entries == [], (account, method, url, "a refused write logs nothing")
        assert changed == set(), (account, method, url, "a refused write changes nothing")
    return [(e.content_type.model if e.content_type else "", e.action) for e in entries]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_enterprise_create(w: World, account: str) -> None:
    for n, (base_key, expected) in enumerate(zip(("rongchang", "xuzhou"), ENTERPRISE_CREATE[account], strict=True)):
        credit_code = code(60 + n)
        data = {
            "credit_code": credit_code,
            "name": f"荣昌新入驻电商有限公司{n}",
            "region": "500153",
            "base": w.bases[base_key].pk,
            "entered_on": "2025-05-01",
        }
        logged = attempt(w, account, "post", "/api/enterprises/", data, expected)
        created = Enterprise.objects.filter(credit_code=credit_code).first()
        assert (created is not None) == (expected == 201)
        if created is not None:
            stay = Residency.objects.get(enterprise=created)
            assert (stay.base_id, stay.entered_on) == (w.bases[base_key].pk, datetime.date(2025, 5, 1))
            assert logged == [("enterprise", "create"), ("residency", "create")]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_enterprise_patch(w: World, account: str) -> None:
    for key, expected in zip(("rc1", "rc2", "xz1"), ENTERPRISE_PATCH[account], strict=True):
        ent = w.enterprises[key]
        logged = attempt(w, account, "patch", f"/api/enterprises/{ent.pk}/", {"main_business": "直播电商"}, expected)
        assert logged == ([("enterprise", "update")] if expected == 200 else [])
        ent.refresh_from_db()
        assert (ent.main_business == "直播电商") == (expected == 200), (account, key)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_enterprise_delete(w: World, account: str) -> None:
    ent = w.enterprises["rc1"]
    attempt(w, account, "delete", f"/api/enterprises/{ent.pk}/", None, ENTERPRISE_DELETE[account])
    assert Enterprise.objects.filter(pk=ent.pk).exists()


@pytest.mark.parametrize("account", ACCOUNTS)
def test_residency_create(w: World, account: str) -> None:
    rc2 = w.enterprises["rc2"]
    for base_key, expected in zip(("rongchang", "xuzhou"), RESIDENCY_CREATE[account], strict=True):
        base = w.bases[base_key]
        data = {"enterprise": rc2.pk, "base": base.pk, "entered_on": "2025-03-01"}
        logged = attempt(w, account, "post", "/api/residencies/", data, expected)
        assert logged == ([("residency", "create")] if expected == 201 else [])
        opened = Residency.objects.filter(enterprise=rc2, base=base, left_on__isnull=True).exists()
        assert opened == (expected == 201), (account, base_key)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_residency_patch(w: World, account: str) -> None:
    for key, expected in zip(("rc1", "xz1"), RESIDENCY_PATCH[account], strict=True):
        stay = Residency.objects.get(enterprise=w.enterprises[key])
        logged = attempt(w, account, "patch", f"/api/residencies/{stay.pk}/", {"left_on": "2025-06-30"}, expected)
        assert logged == ([("residency", "update")] if expected == 200 else [])
        stay.refresh_from_db()
        assert (stay.left_on == datetime.date(2025, 6, 30)) == (expected == 200), (account, key)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_title_create(w: World, account: str) -> None:
    for key, expected in zip(("rc1", "xz1"), TITLE_CREATE[account], strict=True):
        ent = w.enterprises[key]
        data = {"enterprise": ent.pk, "level": TitleLevel.MUNICIPAL, "name": "市级电子商务示范企业", "year": 2025}
        logged = attempt(w, account, "post", "/api/titles/", data, expected)
        assert logged == ([("title", "create")] if expected == 201 else [])
        assert Title.objects.filter(enterprise=ent, year=2025).exists() == (expected == 201), (account, key)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_title_patch(w: World, account: str) -> None:
    for key, expected in zip(("rc1", "xz1"), TITLE_PATCH[account], strict=True):
        title = Title.objects.get(enterprise=w.enterprises[key])
        logged = attempt(
            w, account, "patch", f"/api/titles/{title.pk}/", {"document_no": "商电发〔2025〕1号"}, expected
        )
        assert logged == ([("title", "update")] if expected == 200 else [])
        title.refresh_from_db()
        assert (title.document_no == "商电发〔2025〕1号") == (expected == 200), (account, key)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_title_delete(w: World, account: str) -> None:
    for key, expected in zip(("rc1", "xz1"), TITLE_DELETE[account], strict=True):
        title = Title.objects.get(enterprise=w.enterprises[key])
        logged = attempt(w, account, "delete", f"/api/titles/{title.pk}/", None, expected)
        assert logged == ([("title", "delete")] if expected == 204 else [])
        assert Title.objects.filter(pk=title.pk).exists() == (expected != 204), (account, key)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_base_patch(w: World, account: str) -> None:
    for key, expected in zip(("rongchang", "xuzhou"), BASE_PATCH[account], strict=True):
        base = w.bases[key]
        logged = attempt(w, account, "patch", f"/api/bases/{base.pk}/", {"address": "新地址 1 号"}, expected)
        assert logged == ([("base", "update")] if expected == 200 else [])
        base.refresh_from_db()
        assert (base.address == "新地址 1 号") == (expected == 200), (account, key)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_base_delete_and_create(w: World, account: str) -> None:
    delete_status, create_status = BASE_DELETE_AND_CREATE[account]
    base = w.bases["rongchang"]
    attempt(w, account, "delete", f"/api/bases/{base.pk}/", None, delete_status)
    data = {"name": "新基地", "quota_unit": w.units["50"].pk, "region": "500153", "operator_name": "某公司"}
    attempt(w, account, "post", "/api/bases/", data, create_status)
    assert Base.objects.count() == len(w.bases)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_democity_writes(w: World, account: str) -> None:
    create_status, patch_status, delete_status = DEMOCITY_WRITES[account]
    data = {"region": "320300", "name": "徐州市", "year_named": 2017, "batch": "第三批"}
    attempt(w, account, "post", "/api/demo-cities/", data, create_status)
    assert DemoCity.objects.filter(name="徐州市").exists() == (create_status == 201)
    city = DemoCity.objects.get(name="大连市")
    attempt(w, account, "patch", f"/api/demo-cities/{city.pk}/", {"document_no": "商建函〔2014〕1号"}, patch_status)
    city.refresh_from_db()
    assert (city.document_no == "商建函〔2014〕1号") == (patch_status == 200)
    attempt(w, account, "delete", f"/api/demo-cities/{city.pk}/", None, delete_status)
    assert DemoCity.objects.filter(pk=city.pk).exists() == (delete_status != 204)


def test_the_matrix_covers_every_account_and_grants_writes_only_to_writing_roles() -> None:
    """Guards the tables themselves: every account has a row everywhere, and the roles without
    any write right here (bureau, expert, security administrator, auditor) are refused throughout."""
    for expected in TABLES:
        assert set(expected) == set(ACCOUNTS)
    for account in ("bureau_rc", "expert", "secadmin", "auditor"):
        for expected in TABLES:
            statuses = expected[account] if isinstance(expected[account], tuple) else (expected[account],)
            assert set(statuses) == {403}, account
