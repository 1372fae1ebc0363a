"""Every role sees only its own slice, on pages, details, exports and history."""

from __future__ import annotations

import io

import openpyxl
import pytest

from portal.testing.world import World

pytestmark = pytest.mark.django_db

# Which bases each account sees on the base list.
VISIBLE_BASES = {
    "ministry": {"rongchang", "shapingba", "xuzhou", "nanjing", "dalian", "shenyang"},
    "prov_cq": {"rongchang", "shapingba"},
    "prov_js": {"xuzhou", "nanjing"},
    "prov_ln": {"shenyang"},  # 大连 is a unit of its own, not Liaoning's
    "city_dl": {"dalian"},
    "bureau_rc": {"rongchang"},
    "operator_rc": {"rongchang"},
    "ent_rc1": {"rongchang"},
    "expert": set(),
    "sysadmin": set(),
    "auditor": set(),
}

VISIBLE_ENTERPRISES = {
    "ministry": {"rc1", "rc2", "spb1", "xz1", "nj1", "dl1", "sy1", "moved"},
    "prov_cq": {"rc1", "rc2", "spb1"},
    "prov_js": {"xz1", "nj1", "moved"},
    "prov_ln": {"sy1"},
    "city_dl": {"dl1"},
    "bureau_rc": {"rc1", "rc2", "moved"},  # registered in 荣昌, or resident in a 荣昌 base
    "operator_rc": {"rc1", "rc2"},
    "ent_rc1": {"rc1"},
    "expert": set(),
    "sysadmin": set(),
}


@pytest.mark.parametrize("account", sorted(VISIBLE_BASES))
def test_base_list_and_details_follow_scope(world: World, login, account: str) -> None:
    client = login(account)
    # Every status: the list opens on current bases only (registry/tests/test_list_controls.py).
    response = client.get("/bases/", {"all_statuses": "on"})
    if not VISIBLE_BASES[account]:
        assert response.status_code == 200
        assert "没有符合条件的记录" in response.content.decode()
    text = response.content.decode()
    for key, base in world.bases.items():
        shown = base.name in text
        assert shown == (key in VISIBLE_BASES[account]), (account, key)
        detail = client.get(f"/bases/{base.pk}/")
        assert detail.status_code == (200 if key in VISIBLE_BASES[account] else 404), (account, key)
        hist = client.get(f"/history/registry/base/{base.pk}/")
        assert hist.status_code == (200 if key in VISIBLE_BASES[account] else 404), (account, key)


@pytest.mark.parametrize("account", sorted(VISIBLE_ENTERPRISES))
def test_enterprise_list_detail_and_export_follow_scope(world: World, login, account: str) -> None:
    client = login(account)
    text = client.get("/enterprises/").content.decode()
    for key, ent in world.enterprises.items():
        assert (ent.name in text) == (key in VISIBLE_ENTERPRISES[account]), (account, key)
        detail = client.get(f"/enterprises/{ent.pk}/")
        assert detail.status_code == (200 if key in VISIBLE_ENTERPRISES[account] else 404), (account, key)
    export = client.get("/enterprises/?export=xlsx")
    if not VISIBLE_ENTERPRISES[account]:
        assert export.status_code == 403
        return
    assert export.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    names = {row[1] for row in wb.active.iter_rows(min_row=2, values_only=True)}
    assert names == {world.enterprises[k].name for k in VISIBLE_ENTERPRISES[account]}


def test_anonymous_is_sent_to_sign_in(world: World, client) -> None:
    for url in ("/bases/", "/enterprises/", "/", f"/bases/{world.bases['rongchang'].pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_search_does_not_reach_outside_scope(world: World, login) -> None:
    client = login("prov_js")
    text = client.get("/enterprises/", {"q": "荣昌"}).content.decode()
    assert "荣昌外迁电子商务有限公司" in text  # resident in Xuzhou
    assert "重庆荣昌夏布电子商务有限公司" not in text
    by_code = client.get("/enterprises/", {"q": world.enterprises["rc1"].credit_code}).content.decode()
    assert world.enterprises["rc1"].name not in by_code


def test_base_filter_refuses_foreign_base(world: World, login) -> None:
    client = login("prov_js")
    text = client.get("/enterprises/", {"base": world.bases["rongchang"].pk}).content.decode()
    assert "重庆荣昌夏布电子商务有限公司" not in text


def test_list_shows_chinese_yes_no_and_filters_by_ecommerce(world: World, login) -> None:
    client = login("operator_rc")
    page = client.get("/enterprises/").content.decode()
    assert "True" not in page and "Unknown" not in page
    assert "<td>否</td>" in page  # 荣昌陶器 is a traditional enterprise
    traditional = client.get("/enterprises/", {"is_ecommerce": "false"}).content.decode()
    assert "荣昌陶器网络科技有限公司" in traditional and "重庆荣昌夏布电子商务有限公司" not in traditional
