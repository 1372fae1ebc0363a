"""Bases, enterprises, residencies and titles over the REST API: the pages' scoping, filters
and pagination; writes touch only the fields sent and are logged; no N+1."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.audit import history
from core.models import ChangeLog
from portal.testing.world import World, code
from registry.models import Base, BaseStatus, Enterprise, Residency, Title
from registry.tests.test_query_counts import add_enterprises
from registry.tests.test_scoping import VISIBLE_BASES, VISIBLE_ENTERPRISES

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world: World):
    def make(key: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(world.users[key])
        return client

    return make


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize("account", sorted(VISIBLE_BASES))
def test_base_list_and_detail_follow_scope(world: World, api, account: str) -> None:
    client = api(account)
    if not VISIBLE_BASES[account]:
        # A role that sees no base at all is refused the whole endpoint, the same for every id.
        assert client.get("/api/bases/").status_code == 403
        for base in world.bases.values():
            assert client.get(f"/api/bases/{base.pk}/").status_code == 403
        assert client.get("/api/bases/999999/").status_code == 403
        return
    expected = {world.bases[k].name for k in VISIBLE_BASES[account]}
    assert names(client.get("/api/bases/")) == expected
    for key, base in world.bases.items():
        detail = client.get(f"/api/bases/{base.pk}/")
        assert detail.status_code == (200 if key in VISIBLE_BASES[account] else 404), (account, key)
        hist = client.get(f"/api/bases/{base.pk}/history/")
        assert hist.status_code == (200 if key in VISIBLE_BASES[account] else 404), (account, key)
    assert client.get("/api/bases/999999/").status_code == 404


@pytest.mark.parametrize("account", sorted(VISIBLE_ENTERPRISES))
def test_enterprise_list_and_detail_follow_scope(world: World, api, account: str) -> None:
    client = api(account)
    if not VISIBLE_ENTERPRISES[account]:
        assert client.get("/api/enterprises/").status_code == 403
        for ent in world.enterprises.values():
            assert client.get(f"/api/enterprises/{ent.pk}/").status_code == 403
        return
    expected = {world.enterprises[k].name for k in VISIBLE_ENTERPRISES[account]}
    assert names(client.get("/api/enterprises/", {"page_size": 100})) == expected
    for key, ent in world.enterprises.items():
        detail = client.get(f"/api/enterprises/{ent.pk}/")
        assert detail.status_code == (200 if key in VISIBLE_ENTERPRISES[account] else 404), (account, key)


def test_anonymous_is_refused(world: World) -> None:
    client = APIClient()
    for url in ("/api/bases/", "/api/enterprises/", f"/api/bases/{world.bases['rongchang'].pk}/", "/api/me/"):
        assert client.get(url).status_code == 401, url
    assert client.patch(f"/api/enterprises/{world.enterprises['rc1'].pk}/", {"employees": 1}).status_code == 401


def test_operator_patch_writes_and_logs_only_the_sent_fields(world: World, api) -> None:
    ent = world.enterprises["rc1"]
    response = api("operator_rc").patch(f"/api/enterprises/{ent.pk}/", {"employees": 40}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["employees"] == 40
    ent.refresh_from_db()
    assert ent.employees == 40
    assert ent.contact_phone == "13812345678" and ent.annual_revenue is not None  # untouched
    entry = history(ent).first()
    assert entry is not None and entry.action == ChangeLog.Action.UPDATE
    assert entry.actor_name == "operator_rc"
    assert entry.source == ChangeLog.Source.API
    assert [(f, b, a) for f, b, a in entry.changed_fields()] == [("employees", 25, 40)]


def test_patch_never_erases_what_was_not_sent(world: World, api) -> None:
    """A client that sends one field leaves every other field as stored, even ones it cannot edit."""
    ent = world.enterprises["rc1"]
    before = Enterprise.objects.get(pk=ent.pk).snapshot()
    assert api("ent_rc1").patch(f"/api/enterprises/{ent.pk}/", {"main_business": "夏布服饰"}).status_code == 200
    after = Enterprise.objects.get(pk=ent.pk).snapshot()
    assert {k for k in before if before[k] != after[k]} == {"main_business"}


def test_patch_outside_scope_is_404(world: World, api) -> None:
    ent = world.enterprises["xz1"]
    response = api("operator_rc").patch(f"/api/enterprises/{ent.pk}/", {"employees": 1}, format="json")
    assert response.status_code == 404
    ent.refresh_from_db()
    assert ent.employees == 25


def test_enterprise_user_patches_itself_but_not_others(world: World, api) -> None:
    client = api("ent_rc1")
    own = client.patch(f"/api/enterprises/{world.enterprises['rc1'].pk}/", {"contact_name": "李四"}, format="json")
    assert own.status_code == 200
    other = client.patch(f"/api/enterprises/{world.enterprises['rc2'].pk}/", {"contact_name": "李四"}, format="json")
    assert other.status_code == 404
    # A field its role may not edit is refused, naming it.
    refused = client.patch(f"/api/enterprises/{world.enterprises['rc1'].pk}/", {"employees": 3}, format="json")
    assert refused.status_code == 403
    assert "从业人数" in refused.json()["detail"]
    world.enterprises["rc1"].refresh_from_db()
    assert world.enterprises["rc1"].employees == 25


def test_base_status_is_not_writable(world: World, api) -> None:
    base = world.bases["rongchang"]
    for account in ("ministry", "prov_cq", "operator_rc"):
        response = api(account).patch(f"/api/bases/{base.pk}/", {"status": BaseStatus.REMOVED}, format="json")
        assert response.status_code == 400, account
        assert "只读" in response.json()["status"][0]
    base.refresh_from_db()
    assert base.status == BaseStatus.DESIGNATED


def test_base_patch_within_change_scope_and_role_fields(world: World, api) -> None:
    base = world.bases["rongchang"]
    ok = api("operator_rc").patch(f"/api/bases/{base.pk}/", {"address": "荣昌区昌州街道"}, format="json")
    assert ok.status_code == 200 and ok.json()["address"] == "荣昌区昌州街道"
    # An operator may not rename its base; the province may change the operator, not the name.
    assert api("operator_rc").patch(f"/api/bases/{base.pk}/", {"name": "新名"}, format="json").status_code == 403
    prov = api("prov_cq").patch(f"/api/bases/{base.pk}/", {"area_m2": "36000.50"}, format="json")
    assert prov.status_code == 200 and prov.json()["area_m2"] == "36000.50"
    # Outside the change scope: the bureau sees the base but cannot change it; Jiangsu does not see it.
    assert api("bureau_rc").patch(f"/api/bases/{base.pk}/", {"address": "x"}, format="json").status_code in (403, 404)
    assert api("prov_js").patch(f"/api/bases/{base.pk}/", {"address": "x"}, format="json").status_code == 404
    base.refresh_from_db()
    assert base.address == "荣昌区昌州街道" and str(base.area_m2) == "36000.50"
    assert history(base).filter(source=ChangeLog.Source.API).count() == 2


def test_bad_credit_code_is_refused_in_chinese(world: World, api) -> None:
    good = code(77, "500153")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    payload = {
        "credit_code": bad,
        "name": "荣昌新入驻电商有限公司",
        "region": "500153",
        "base": world.bases["rongchang"].pk,
    }
    response = api("operator_rc").post("/api/enterprises/", payload, format="json")
    assert response.status_code == 400
    message = response.json()["credit_code"][0]
    assert "校验位错误" in message and good[-1] in message
    short = api("operator_rc").post("/api/enterprises/", {**payload, "credit_code": "91500153"}, format="json")
    assert "应为 18 位" in short.json()["credit_code"][0]
    assert not Enterprise.objects.filter(name="荣昌新入驻电商有限公司").exists()


def test_operator_creates_enterprise_into_its_own_base_only(world: World, api) -> None:
    client = api("operator_rc")
    payload = {"credit_code": code(78, "500153").lower(), "name": "荣昌新入驻电商有限公司", "region": "500153"}
    missing_base = client.post("/api/enterprises/", payload, format="json")
    assert missing_base.status_code == 400 and "base" in missing_base.json()
    foreign = client.post("/api/enterprises/", {**payload, "base": world.bases["xuzhou"].pk}, format="json")
    assert foreign.status_code == 400 and "base" in foreign.json()
    created = client.post(
        "/api/enterprises/",
        {**payload, "base": world.bases["rongchang"].pk, "contact_phone": "13700001234"},
        format="json",
    )
    assert created.status_code == 201, created.content
    ent = Enterprise.objects.get(pk=created.json()["id"])
    assert ent.credit_code == code(78, "500153")  # normalised
    assert ent.category == "enterprise"
    assert Residency.objects.filter(enterprise=ent, base=world.bases["rongchang"], left_on__isnull=True).exists()
    assert client.get(f"/api/enterprises/{ent.pk}/").status_code == 200
    logged = ChangeLog.objects.filter(action=ChangeLog.Action.CREATE, actor_name="operator_rc", source="api")
    assert {e.content_type.model for e in logged if e.content_type} == {"enterprise", "residency"}
    # The same code twice is refused.
    again = client.post("/api/enterprises/", {**payload, "base": world.bases["rongchang"].pk}, format="json")
    assert again.status_code == 400 and "已登记" in again.json()["credit_code"][0]


def test_province_cannot_create_enterprises(world: World, api) -> None:
    payload = {"credit_code": code(79, "500153"), "name": "某公司", "region": "500153"}
    assert api("prov_cq").post("/api/enterprises/", payload, format="json").status_code == 403


def test_residency_create_checks_the_base_is_in_scope(world: World, api) -> None:
    client = api("operator_rc")
    ent = world.enterprises["rc2"]
    Residency.objects.filter(enterprise=ent).update(left_on=datetime.date(2024, 1, 1))
    foreign = client.post(
        "/api/residencies/",
        {"enterprise": ent.pk, "base": world.bases["xuzhou"].pk, "entered_on": "2025-01-01"},
        format="json",
    )
    assert foreign.status_code == 400 and "base" in foreign.json()
    own = client.post(
        "/api/residencies/",
        {"enterprise": ent.pk, "base": world.bases["rongchang"].pk, "entered_on": "2025-01-01"},
        format="json",
    )
    assert own.status_code == 201, own.content
    # The base of a residency cannot be changed afterwards.
    moved = client.patch(f"/api/residencies/{own.json()['id']}/", {"base": world.bases["xuzhou"].pk}, format="json")
    assert moved.status_code == 400
    left = client.patch(f"/api/residencies/{own.json()['id']}/", {"left_on": "2025-06-30"}, format="json")
    assert left.status_code == 200 and left.json()["left_on"] == "2025-06-30"
    # A date before entering is refused by the model's rule, in Chinese.
    early = client.patch(f"/api/residencies/{own.json()['id']}/", {"left_on": "2024-06-30"}, format="json")
    assert early.status_code == 400 and "迁出日期不能早于入驻日期" in str(early.json())


def test_titles_are_added_only_to_enterprises_the_user_may_change(world: World, api) -> None:
    client = api("operator_rc")
    payload = {"level": "district", "name": "荣昌区电子商务示范企业", "year": 2025}
    ok = client.post("/api/titles/", {**payload, "enterprise": world.enterprises["rc2"].pk}, format="json")
    assert ok.status_code == 201, ok.content
    foreign = client.post("/api/titles/", {**payload, "enterprise": world.enterprises["xz1"].pk}, format="json")
    assert foreign.status_code == 400
    duplicate = client.post("/api/titles/", {**payload, "enterprise": world.enterprises["rc2"].pk}, format="json")
    assert duplicate.status_code == 400
    title = Title.objects.get(pk=ok.json()["id"])
    assert client.delete(f"/api/titles/{title.pk}/").status_code == 204
    assert not Title.objects.filter(pk=title.pk).exists()
    assert ChangeLog.objects.filter(action="delete", object_id=str(title.pk), actor_name="operator_rc").exists()


def test_phone_masked_in_lists_for_officials_and_full_for_those_who_change(world: World, api) -> None:
    ent = world.enterprises["rc1"]
    rows = api("prov_cq").get("/api/enterprises/").json()["results"]
    assert {r["contact_phone"] for r in rows} == {"138****5678"}
    assert api("prov_cq").get(f"/api/enterprises/{ent.pk}/").json()["contact_phone"] == "138****5678"
    assert api("ministry").get(f"/api/enterprises/{ent.pk}/").json()["contact_phone"] == "13812345678"
    rows = api("operator_rc").get("/api/enterprises/").json()["results"]
    assert {r["contact_phone"] for r in rows} == {"13812345678"}
    # The history of the object masks it too.
    api("operator_rc").patch(f"/api/enterprises/{ent.pk}/", {"contact_phone": "13911112222"}, format="json")
    entries = api("bureau_rc").get(f"/api/enterprises/{ent.pk}/history/").json()["results"]
    assert entries[0]["after"]["contact_phone"] == "139****2222"


def test_pagination_and_page_size(world: World, api) -> None:
    add_enterprises(world, 30)
    client = api("prov_js")
    first = client.get("/api/enterprises/", {"page_size": 10}).json()
    assert first["count"] == 33 and len(first["results"]) == 10 and first["next"]
    last = client.get("/api/enterprises/", {"page_size": 10, "page": 4}).json()
    assert len(last["results"]) == 3 and last["next"] is None
    all_ids = set()
    for page in (1, 2, 3, 4):
        all_ids |= {r["id"] for r in client.get("/api/enterprises/", {"page_size": 10, "page": page}).json()["results"]}
    assert len(all_ids) == 33
    assert client.get("/api/enterprises/", {"page": 99}).status_code == 404


def test_filters_work_like_the_pages(world: World, api) -> None:
    client = api("ministry")
    assert names(client.get("/api/bases/", {"status": "candidate"})) == {"沙坪坝电商产业园"}
    assert names(client.get("/api/bases/", {"quota_unit": world.units["32"].pk})) == {
        "徐州软件园电商基地",
        "南京建邺电子商务产业园",
    }
    assert names(client.get("/api/bases/", {"province": "21"})) == {"大连中山电子商务示范基地", "沈阳和平电商产业园"}
    assert names(client.get("/api/bases/", {"q": "荣昌"})) == {"荣昌区电子商务产业园"}
    assert names(client.get("/api/enterprises/", {"base": world.bases["xuzhou"].pk})) == {
        "徐州彭城电子商务有限公司",
        "荣昌外迁电子商务有限公司",
    }
    assert names(client.get("/api/enterprises/", {"is_ecommerce": "false"})) == {"荣昌陶器网络科技有限公司"}
    by_code = client.get("/api/enterprises/", {"q": world.enterprises["nj1"].credit_code})
    assert names(by_code) == {"南京建邺跨境电商有限公司"}


def test_search_and_filters_do_not_reach_outside_scope(world: World, api) -> None:
    client = api("prov_js")
    assert names(client.get("/api/enterprises/", {"q": world.enterprises["rc1"].credit_code})) == set()
    foreign_base = client.get("/api/enterprises/", {"base": world.bases["rongchang"].pk})
    assert foreign_base.status_code == 400  # not a valid choice for this user
    assert names(client.get("/api/enterprises/", {"q": "荣昌"})) == {"荣昌外迁电子商务有限公司"}


def test_status_changes_of_a_base(world: World, api) -> None:
    from registry.actions.bases import do_change_base_status

    base = world.bases["shapingba"]
    do_change_base_status(world.user("ministry"), base, BaseStatus.DESIGNATED, date=datetime.date(2025, 3, 1))
    rows = api("prov_cq").get(f"/api/bases/{base.pk}/status-changes/").json()["results"]
    assert [(r["from_status"], r["to_status"], r["date"]) for r in rows] == [("candidate", "designated", "2025-03-01")]
    assert api("prov_js").get(f"/api/bases/{base.pk}/status-changes/").status_code == 404


def count_queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("account", "url"),
    [
        ("prov_js", "/api/enterprises/"),
        ("prov_js", "/api/enterprises/?q=徐州"),
        ("ministry", "/api/enterprises/?page_size=100"),
        ("ministry", "/api/bases/"),
        ("prov_js", "/api/residencies/"),
        ("ministry", "/api/titles/"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(world: World, api, account: str, url: str) -> None:
    client = api(account)
    add_enterprises(world, 5)
    few = count_queries(client, url)
    add_enterprises(world, 50, start=2000)
    for ent in Enterprise.objects.filter(credit_code__in=[code(2000 + i, "320311") for i in range(50)]):
        Title.objects.create(enterprise=ent, level="municipal", name="徐州市电子商务示范企业", year=2025)
    for i in range(10):
        Base.objects.create(
            name=f"测试基地{i}",
            quota_unit=world.units["32"],
            region=world.regions["320311"],
            operator_name="运营",
            operator_credit_code=code(950 + i, "320311"),
            area_m2="1000",
            operating_since=datetime.date(2015, 1, 1),
        ).covered_regions.add(world.regions["320311"], world.regions["320300"])
    many = count_queries(client, url)
    assert few == many, (few, many)


def test_list_query_count_is_pinned(world: World, api, django_assert_max_num_queries) -> None:
    add_enterprises(world, 50)
    client = api("prov_js")
    # session/user lookups are absent with force_authenticate: count + page + nothing per row.
    with django_assert_max_num_queries(4):
        assert client.get("/api/enterprises/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/api/bases/").status_code == 200


def test_lists_give_each_coded_value_with_its_chinese_label(world: World, api) -> None:
    from registry.models import EnterpriseCategory, Industry

    client = api("ministry")
    enterprises = client.get("/api/enterprises/?page_size=100").json()["results"]
    assert enterprises
    categories, industries = dict(EnterpriseCategory.choices), dict(Industry.choices)
    for row in enterprises:
        assert row["category_display"] == categories[row["category"]] != row["category"]
        assert row["industry_display"] == industries[row["industry"]] != row["industry"]
    bases = client.get("/api/bases/").json()["results"]
    assert bases and all(b["status_display"] == dict(BaseStatus.choices)[b["status"]] for b in bases)
    regions = client.get("/api/regions/?page_size=5").json()["results"]
    assert regions and all(r["level_display"] in ("省级", "地级", "县级") for r in regions)
