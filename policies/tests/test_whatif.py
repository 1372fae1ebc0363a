"""政策模拟: the pure comparison (policies.whatif) on known facts, the page for the district bureau
and the API — figures checked by hand, the roles that may not (403) or the district that is not
theirs (404), and nothing saved but the change-log event."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from django.test import Client

from core.models import ChangeLog
from policies.models import FACT_MODELS, AwardApplication, Fund, LedgerEntry, OrderVolume, PolicyPack
from policies.rules.facts import SCHEMAS, Facts
from policies.rules.params import load_params
from policies.simulation import default_year
from policies.tests.conftest import api, enterprise, other_bureau
from policies.whatif import Bin, histogram, latest_fact_year, shift_facts, simulate
from portal.testing.world import World

PARAMS = load_params()
THREE_YUAN: dict[str, Any] = {"orders_per_order_fen": [{"value": 300, "effective": "2027-01-01"}]}


def facts(orders: dict[int, int], year: int = 2026, traditional: tuple[int, ...] = ()) -> Facts:
    ents = [
        {"enterprise": e, "name": f"企业{e}", "registered_in_district": True, "ecommerce": e not in traditional,
         "association": False}
        for e in orders
    ]  # fmt: skip
    rows = [{"enterprise": e, "year": year, "orders": n} for e, n in orders.items()]
    return Facts(
        enterprises=pl.DataFrame(ents, schema=SCHEMAS["enterprises"]),
        orders=pl.DataFrame(rows, schema=SCHEMAS["orders"]),
    )


# ---- pure -------------------------------------------------------------------------------------


def test_three_yuan_an_order_raises_the_orders_item_by_exactly_the_orders_above_the_threshold() -> None:
    # 2026 facts replayed in 2027, under 2.00 (current) and 3.00 (from 2027-01-01) per order:
    # 1: 19,999 orders, under 20,000: nothing either way;
    # 2: 20,000 → 40,000.00 / 60,000.00 (+20,000.00);
    # 3: 50,000 → 100,000.00 / 150,000.00 (+50,000.00);
    # 4: 120,000 → 240,000.00 / 360,000.00 capped at 300,000.00 (+60,000.00);
    # 5: 160,000 → capped at 300,000.00 both ways;
    # 6: a traditional enterprise, 30,000 orders: nothing either way.
    c = simulate(facts({1: 19_999, 2: 20_000, 3: 50_000, 4: 120_000, 5: 160_000, 6: 30_000}, traditional=(6,)),
                 PARAMS, THREE_YUAN, 2027, basis_year=2026)  # fmt: skip
    assert [i.item for i in c.items] == ["online_orders"]
    orders = c.items[0]
    assert orders.current_fen == (40_000 + 100_000 + 240_000 + 300_000) * 100
    assert orders.overlay_fen == (60_000 + 150_000 + 300_000 + 300_000) * 100
    assert orders.delta_fen == (20_000 + 50_000 + 60_000) * 100
    assert (orders.current_winners, orders.overlay_winners) == (4, 4)
    assert (c.enterprises, c.better, c.worse, c.unchanged) == (6, 3, 0, 3)
    assert [(t.enterprise, t.delta_fen) for t in c.top] == [(4, 6_000_000), (3, 5_000_000), (2, 2_000_000)]
    assert c.top[0].name == "企业4"
    assert sum(b.count for b in c.histogram) == 3
    assert c.overlaid == ("orders_per_order_fen",)
    # The pack itself is untouched.
    assert PARAMS.value("orders_per_order_fen", datetime.date(2027, 12, 31)) == 200


def test_winners_and_losers_when_the_threshold_rises_too() -> None:
    # 25,000 orders at least, 3.00 each: 2 (20,000) drops out (−40,000.00); 3 (30,000) gains
    # 90,000.00 − 60,000.00; 4 (200,000) stays at the cap.
    overlay: dict[str, Any] = {**THREE_YUAN, "orders_threshold": {"value": 25_000, "effective": "2027-01-01"}}
    c = simulate(facts({2: 20_000, 3: 30_000, 4: 200_000}), PARAMS, overlay, 2027, basis_year=2026)
    assert (c.better, c.worse, c.unchanged) == (1, 1, 1)
    assert c.delta_fen == -4_000_000 + 3_000_000
    assert {t.enterprise: t.delta_fen for t in c.top} == {2: -4_000_000, 3: 3_000_000}
    assert c.items[0].overlay_winners == 2


def test_a_change_effective_after_the_year_changes_nothing_that_year() -> None:
    later = {"orders_per_order_fen": [{"value": 300, "effective": "2028-01-01"}]}
    c = simulate(facts({2: 20_000}), PARAMS, later, 2027, basis_year=2026)
    assert c.delta_fen == 0 and c.unchanged == 1 and c.histogram == []


def test_facts_are_shifted_to_the_year_and_the_latest_year_found() -> None:
    f = facts({1: 20_000}, year=2025)
    f.residencies = pl.DataFrame(
        [{"enterprise": 1, "entered_on": datetime.date(2024, 2, 29), "left_on": None}], schema=SCHEMAS["residencies"]
    )
    shifted = shift_facts(f, 2)
    assert shifted.orders["year"].to_list() == [2027]
    assert shifted.residencies["entered_on"].to_list() == [datetime.date(2026, 2, 28)]
    assert f.orders["year"].to_list() == [2025]  # the original is not changed
    assert latest_fact_year(f, 2027) == 2025 and latest_fact_year(f, 2024) is None


def test_histogram_bins_are_round_and_never_mix_gains_and_losses() -> None:
    assert histogram([]) == []
    bins = histogram([-5, 3, 250_000, 1], bins=12)
    assert bins[0] == Bin(-50_000, 0, 1) and bins[1] == Bin(0, 50_000, 2) and bins[-1] == Bin(250_000, 300_000, 1)
    assert all(b.low_fen % 50_000 == 0 for b in bins) and len(bins) <= 12
    assert sum(b.count for b in bins) == 4
    assert histogram([700]) == [Bin(700, 800, 1)]  # at least one yuan wide
    assert histogram([-150]) == [Bin(-200, -100, 1)]


# ---- page and API -----------------------------------------------------------------------------


def _population(world: World) -> dict[str, Any]:
    """2026 orders of the world's 荣昌 enterprises: rc1 30,000 (+30,000.00 at 3 yuan), moved 160,000
    (capped either way), rc2 traditional (nothing), a new enterprise 20,000 (+20,000.00)."""
    e9 = enterprise(world, 9, "荣昌新锐电商有限公司")
    for key, n in (("rc1", 30_000), ("moved", 160_000), ("rc2", 50_000)):
        OrderVolume.objects.create(enterprise=world.enterprises[key], year=2026, orders=n)
    OrderVolume.objects.create(enterprise=e9, year=2026, orders=20_000)
    return {"e9": e9}


def _counts() -> dict[str, int]:
    counts = {m.__name__: m.objects.count() for m in FACT_MODELS.values()}
    counts.update(
        packs=PolicyPack.objects.count(), funds=Fund.objects.count(), apps=AwardApplication.objects.count(),
        ledger=LedgerEntry.objects.count(), log=ChangeLog.objects.count(),
    )  # fmt: skip
    return counts


POST = {"year": "2027", "basis_year": "2026", "v-orders_per_order_fen": "3", "e-orders_per_order_fen": "2027-01-01"}


@pytest.mark.django_db
def test_the_bureau_sees_the_parameters_with_their_values_and_references(
    world: World, pack: PolicyPack, login: Callable[[str], Client]
) -> None:
    OrderVolume.objects.create(enterprise=world.enterprises["rc1"], year=2025, orders=30_000)
    page = login("bureau_rc").get(f"/policies/packs/{pack.pk}/whatif/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="year" type="number" min="1990" max="2100" value="{default_year()}"' in html
    # The facts standing for next year: the latest year with facts (2025 here), not an empty one.
    assert 'name="basis_year" type="number" min="1990" max="2100" value="2025"' in html
    row = html[html.index('id="param-orders_per_order_fen"') :]
    row = row[: row.index("</tr>")]
    assert "每单奖励金额" in row and "2.00元" in row and "2015-07-01" in row and "给予每单2元的资金奖励" in row
    assert 'name="v-orders_per_order_fen"' in row and 'name="e-orders_per_order_fen"' in row
    assert "政策模拟" in html  # the menu entry
    index = login("bureau_rc").get("/policies/whatif/")
    assert index.status_code == 302 and index["Location"] == f"/policies/packs/{pack.pk}/whatif/"


@pytest.mark.django_db
def test_a_three_yuan_overlay_on_the_page_and_nothing_saved_but_the_log(
    world: World, pack: PolicyPack, login: Callable[[str], Client]
) -> None:
    _population(world)
    client = login("bureau_rc")  # signing in is logged too
    before = _counts()
    page = client.post(f"/policies/packs/{pack.pk}/whatif/", POST)
    assert page.status_code == 200, page.content.decode()
    html = page.content.decode()
    items = html[html.index('id="whatif-items"') :]
    row = items[items.index('data-item="online_orders"') :]
    row = row[: row.index("</tr>")]
    # current: 60,000 + 300,000 + 40,000 = 400,000.00; at 3 yuan: 90,000 + 300,000 + 60,000 = 450,000.00
    assert "400,000.00" in row and "450,000.00" in row and "+50,000.00" in row and "3 / 3" in row
    # No fund set for 2027: the pack's 10,000,000 yuan a year; 9,550,000.00 left after the overlay.
    fund = html[html.index('id="whatif-fund"') :]
    assert "10,000,000.00" in fund and "9,550,000.00" in html[html.index('id="whatif-left"') :]
    assert 'id="whatif-better">2 ' in html and 'id="whatif-worse">0 ' in html and 'id="whatif-unchanged">2 ' in html
    top = html[html.index('id="whatif-top"') :]
    assert top.index("重庆荣昌夏布电子商务有限公司") < top.index("荣昌新锐电商有限公司")  # +30,000 before +20,000
    assert 'id="whatif-cost-chart"' in html and 'id="whatif-histogram-chart"' in html
    assert 'id="whatif-data"' in html and "vendor/echarts.min.js" in html
    data = json.loads(html.split('<script id="whatif-data" type="application/json">')[1].split("</script>")[0])
    assert data["total"] == {"current_fen": 40_000_000, "overlay_fen": 45_000_000, "delta_fen": 5_000_000}

    after = _counts()
    assert after == {**before, "log": before["log"] + 1}
    entry = ChangeLog.objects.order_by("-pk").first()
    assert entry is not None and entry.action == ChangeLog.Action.EXPORT and entry.object_id == str(pack.pk)
    assert entry.source == ChangeLog.Source.WEB and entry.actor_name == "bureau_rc"
    assert "政策模拟 2027 年度（以 2026 年度事实测算）：每单奖励金额：2.00元 → 3.00元（2027-01-01起）" in entry.message
    assert json.loads(entry.message.splitlines()[-1]) == {
        "orders_per_order_fen": [{"value": 300, "effective": "2027-01-01"}]
    }


@pytest.mark.django_db
def test_bad_entries_are_named_and_nothing_is_logged(
    world: World, pack: PolicyPack, login: Callable[[str], Client]
) -> None:
    client = login("bureau_rc")
    before = ChangeLog.objects.count()
    page = client.post(f"/policies/packs/{pack.pk}/whatif/", {**POST, "v-orders_per_order_fen": "3.001"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "请修改标出的参数后再测算" in html and "应为金额（元），最多两位小数" in html
    page = client.post(f"/policies/packs/{pack.pk}/whatif/", {**POST, "v-platform_rate_ppm": "abc"})
    assert "应为百分数" in page.content.decode()
    page = client.post(f"/policies/packs/{pack.pk}/whatif/", {"year": "2027", "basis_year": "2026"})
    assert page.status_code == 400 and "请至少调整一个参数" in page.content.decode()
    page = client.post(f"/policies/packs/{pack.pk}/whatif/", {**POST, "basis_year": "2028"})
    assert "事实年度应为不晚于测算年度的整数" in page.content.decode()
    assert ChangeLog.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["ministry", "prov_cq", "operator_rc", "ent_rc1", "expert", "auditor"])
def test_other_roles_are_refused(world: World, pack: PolicyPack, login: Callable[[str], Client], key: str) -> None:
    client = login(key)
    assert client.get(f"/policies/packs/{pack.pk}/whatif/").status_code == 403
    assert client.post(f"/policies/packs/{pack.pk}/whatif/", POST).status_code == 403
    assert client.get("/policies/whatif/").status_code == 403
    assert "政策模拟" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_another_districts_bureau_gets_404(world: World, pack: PolicyPack) -> None:
    client = Client()
    client.force_login(other_bureau(world))
    assert client.get(f"/policies/packs/{pack.pk}/whatif/").status_code == 404
    assert client.post(f"/policies/packs/{pack.pk}/whatif/", POST).status_code == 404
    assert (
        api(world.users["bureau_spb"])
        .post("/api/policies/whatif/", {"pack": pack.pk, "changes": THREE_YUAN}, format="json")
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_the_api_returns_the_same_figures(world: World, pack: PolicyPack) -> None:
    _population(world)
    before = ChangeLog.objects.count()
    overlay = {**THREE_YUAN, "orders_threshold": {"value": 25_000, "effective": "2027-01-01"}}
    response = api(world.user("bureau_rc")).post(
        "/api/policies/whatif/", {"pack": pack.pk, "year": 2027, "basis_year": 2026, "changes": overlay}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    # 25,000 at least at 3 yuan: rc1 (30,000) 60,000 → 90,000; e9 (20,000) 40,000 → 0; moved capped.
    assert data["items"] == [
        {"item": "online_orders", "label": "线上营销荣昌农特产品、认定品牌产品订单奖励", "current_fen": 40_000_000,
         "overlay_fen": 39_000_000, "delta_fen": -1_000_000, "current_winners": 3, "overlay_winners": 2},
    ]  # fmt: skip
    assert data["enterprises"] == {"concerned": 4, "better": 1, "worse": 1, "unchanged": 2}
    assert data["fund"]["left_overlay_fen"] == 1_000_000_000 - 39_000_000
    assert [t["delta_fen"] for t in data["top"]] == [-4_000_000, 3_000_000]
    assert sum(b["count"] for b in data["histogram"]) == 2
    assert [line["key"] for line in data["overlay"]] == ["orders_per_order_fen", "orders_threshold"]
    entry = ChangeLog.objects.order_by("-pk").first()
    assert ChangeLog.objects.count() == before + 1 and entry is not None and entry.source == ChangeLog.Source.API


@pytest.mark.django_db
def test_the_api_refuses_other_roles_and_bad_overlays(world: World, pack: PolicyPack) -> None:
    body = {"pack": pack.pk, "year": 2027, "changes": THREE_YUAN}
    for key in ("ministry", "ent_rc1", "operator_rc"):
        assert api(world.user(key)).post("/api/policies/whatif/", body, format="json").status_code == 403
    bureau = api(world.user("bureau_rc"))
    negative = {"orders_per_order_fen": {"value": -1, "effective": "2027-01-01"}}
    bad = bureau.post("/api/policies/whatif/", {**body, "changes": negative}, format="json")
    assert bad.status_code == 400 and "每单奖励金额" in json.dumps(bad.json(), ensure_ascii=False)
    no_such = {"no_such": {"value": 1, "effective": "2027-01-01"}}
    unknown = bureau.post("/api/policies/whatif/", {**body, "changes": no_such}, format="json")
    assert unknown.status_code == 400
    assert bureau.post("/api/policies/whatif/", {**body, "changes": {}}, format="json").status_code == 400
    assert not ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT).exists()
