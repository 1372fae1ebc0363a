"""Finding 1 of the security review: overflow to a negative award.

An enterprise posted two costs of 9,223,372,036,854,775,807 fen (2^63−1); recomputing stored
`computed_amount_fen = -9223372036853875808` (the Int64 sum wrapped) under an explanation of 92
trillion yuan, and one such cost paid 4.6×10^18 fen “符合条件，全额兑现”.

- What is reported is bounded (`policies.models.facts`: a cost at most 1亿元, …) with a Chinese
  message naming the field and the bound, on the API, the pages, the bureau's corrections and the
  facts workbook of the batch command.
- The engine, given such facts directly, sums without wrapping and refuses an amount below zero or
  above its bound (the cases in `cases/general.yaml`; here through the application it stores).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from core.errors import ActionError
from policies.actions.awards import recompute
from policies.actions.facts import do_correct_fact
from policies.models import AwardApplication, OrderVolume, ParkCost, PolicyPack
from policies.tests.conftest import YEAR, api
from policies.tests.test_batch import FACTS, fill, template
from portal.testing.world import World

pytestmark = pytest.mark.django_db

BIG = 2**63 - 1
COST_BOUND = "金额不能超过1亿元（即 10,000,000,000 分）。"


def cost(world: World, amount_fen: Any) -> dict[str, Any]:
    return {"enterprise": world.enterprises["rc1"].pk, "cost_kind": "rent", "period_start": f"{YEAR}-01-01",
            "period_end": f"{YEAR}-12-31", "amount_fen": amount_fen}  # fmt: skip


def test_the_api_refuses_a_cost_above_its_ceiling_naming_field_and_bound(world: World) -> None:
    ent = api(world.user("ent_rc1"))
    for _ in range(2):  # the reviewer posted it twice: both refused, nothing stored
        refused = ent.post("/api/policies/facts/costs/", cost(world, BIG), format="json")
        assert refused.status_code == 400
        assert refused.json() == {"amount_fen": [COST_BOUND]}
    assert not ParkCost.objects.exists()
    just = ent.post("/api/policies/facts/costs/", cost(world, 10**10), format="json")  # 1亿元: the bound itself
    assert just.status_code == 201, just.content
    over = ent.post("/api/policies/facts/costs/", cost(world, 10**10 + 1), format="json")
    assert over.status_code == 400 and over.json() == {"amount_fen": [COST_BOUND]}
    # A count, and a change of a stored fact, by the same rule.
    orders = ent.post("/api/policies/facts/orders/", {"enterprise": world.enterprises["rc1"].pk, "year": YEAR,
                                                       "orders": BIG}, format="json")  # fmt: skip
    assert orders.status_code == 400
    assert orders.json() == {"orders": ["年交易单数不能超过1,000,000,000单。"]}
    stored = ParkCost.objects.get()
    patched = ent.patch(f"/api/policies/facts/costs/{stored.pk}/", {"amount_fen": BIG}, format="json")
    assert patched.status_code == 400 and patched.json() == {"amount_fen": [COST_BOUND]}


@pytest.mark.parametrize(
    ("kind", "field", "value", "message"),
    [
        ("projects", "investment_fen", 10**11 + 1, "项目投入不能超过10亿元（即 100,000,000,000 分）。"),
        ("transactions", "amount_fen", 10**14 + 1, "年电商交易额不能超过10000亿元（即 100,000,000,000,000 分）。"),
        ("training", "trainees", 10**6 + 1, "培训人数不能超过1,000,000人。"),
        ("loans", "principal_fen", 10**12 + 1, "贷款本金不能超过100亿元（即 1,000,000,000,000 分）。"),
    ],
    ids=["projects", "transactions", "training", "loans"],
)
def test_every_self_reported_figure_has_its_ceiling(
    world: World, kind: str, field: str, value: int, message: str
) -> None:
    bases: dict[str, dict[str, Any]] = {
        "projects": {"name": "夏布商城", "year": YEAR, "investment_fen": 1, "own_funds": True},
        "transactions": {"year": YEAR, "amount_fen": 1},
        "training": {"year": YEAR, "trainees": 1, "cost_fen": 1},
        "loans": {
            "bank": "荣昌农商行",
            "principal_fen": 1,
            "loan_date": f"{YEAR}-01-01",
            "actual_rate": "4.35",
            "benchmark_rate": "4.35",
        },
    }
    body = {"enterprise": world.enterprises["rc1"].pk, **bases[kind], field: value}
    refused = api(world.user("ent_rc1")).post(f"/api/policies/facts/{kind}/", body, format="json")
    assert refused.status_code == 400 and refused.json() == {field: [message]}


def test_the_page_refuses_a_cost_above_its_ceiling(world: World, login) -> None:
    page = login("ent_rc1").post(
        "/policies/facts/costs/",
        {"cost_kind": "rent", "period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31",
         "amount_fen": "92233720368547758.07", "note": ""},
    )  # fmt: skip
    assert page.status_code == 200
    body = page.content.decode()
    # 17 integer digits are refused by the yuan field itself; one fen above 1亿元 by the ceiling.
    assert "确保小数点前不超过 14 位" in body or "不超过 16 个数字" in body, body[:3000]
    page = login("ent_rc1").post(
        "/policies/facts/costs/",
        {"cost_kind": "rent", "period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31",
         "amount_fen": "100000000.01", "note": ""},
    )  # fmt: skip
    assert COST_BOUND in page.content.decode()
    assert not ParkCost.objects.exists()
    done = login("ent_rc1").post("/policies/facts/orders/", {"year": YEAR, "orders": str(10**9 + 1), "note": ""})
    assert "年交易单数不能超过1,000,000,000单。" in done.content.decode()
    assert not OrderVolume.objects.exists()


def test_the_bureaus_correction_is_held_to_the_same_ceiling(world: World, pack: PolicyPack) -> None:
    ent = api(world.user("ent_rc1"))
    made = ent.post("/api/policies/facts/costs/", cost(world, 1_200_000), format="json").json()
    app = ent.post("/api/policies/applications/", {"pack": pack.pk, "item": "park_costs", "year": YEAR},
                   format="json")  # fmt: skip
    assert app.status_code == 201, app.content
    application = AwardApplication.objects.get(pk=app.json()["id"])
    with pytest.raises(ActionError) as refused:
        do_correct_fact(world.user("bureau_rc"), application, "costs", made["id"], "amount_fen", BIG, "核对发票")
    assert refused.value.message == COST_BOUND  # the field named once, with its bound
    assert ParkCost.objects.get().amount_fen == 1_200_000


def test_a_stored_absurd_fact_is_refused_by_the_engine_never_stored_as_a_number(world: World, pack: PolicyPack) -> None:
    """Facts written before the ceilings (or by any path around them): recomputing stores 0 with
    the reason and the explanation, never a negative or an absurd amount."""
    rc1 = world.enterprises["rc1"]
    ent = api(world.user("ent_rc1"))
    ent.post("/api/policies/facts/costs/", cost(world, 1_200_000), format="json")
    filed = ent.post("/api/policies/applications/", {"pack": pack.pk, "item": "park_costs", "year": YEAR},
                     format="json")  # fmt: skip
    application = AwardApplication.objects.get(pk=filed.json()["id"])
    assert application.computed_amount_fen and application.computed_amount_fen > 0
    # What the reviewer stored (2 × 2^63−1), written around the validators as an old row would be.
    ParkCost.objects.all().delete()
    for kind in ("rent", "broadband"):
        ParkCost.objects.create(enterprise=rc1, cost_kind=kind, period_start=datetime.date(YEAR, 1, 1),
                                period_end=datetime.date(YEAR, 12, 31), amount_fen=BIG)  # fmt: skip
    recompute(world.user("ent_rc1"), application)
    application.refresh_from_db()
    assert application.computed_amount_fen == 0
    assert application.reason == "implausible_amount"
    detail = ent.get(f"/api/policies/applications/{application.pk}/").json()
    assert (
        detail["computed_amount_fen"] == 0 and detail["reason_text"] == "测算金额超出合理范围，不予兑现，请核实所填数据"
    )
    assert any("不在 0 至10亿元的合理范围内，不予兑现" in line["text"] for line in detail["explanation"])
    # One such cost: 4.6×10^18 fen was “符合条件，全额兑现”; now refused the same way.
    ParkCost.objects.filter(cost_kind="broadband").delete()
    recompute(world.user("ent_rc1"), application)
    application.refresh_from_db()
    assert (application.computed_amount_fen, application.reason) == (0, "implausible_amount")


def test_the_facts_workbook_holds_the_same_ceilings(tmp_path: Path) -> None:
    from policies.batch.reading import WorkbookError, read_workbook
    from policies.rules.params import load_params

    sheets = {**FACTS, "costs": [[1, "场租", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), 100000000.01]],
              "orders": [[1, 2026, 10**9 + 1]]}  # fmt: skip
    filled = fill(template(tmp_path), tmp_path / "filled.xlsx", sheets)
    with pytest.raises(WorkbookError) as refused:
        read_workbook(filled, load_params())
    messages = [e.message for e in refused.value.errors]
    assert messages == [
        "工作表“costs”第 2 行“金额（元）”列：不能超过1亿元（即 10,000,000,000 分）（所填：100000000.01）",
        "工作表“orders”第 2 行“年交易单数”列：不能超过1,000,000,000单（所填：1000000001）",
    ]
