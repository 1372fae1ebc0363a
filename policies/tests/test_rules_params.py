"""The pack's parameters: metadata as the text gives it, dated values, what-if overlays, checks."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from policies.rules.params import (
    ParameterError,
    ParameterNotInForceError,
    load_params,
    pack_path,
    parse_ppm,
)

PARAMS = load_params()
D = datetime.date


def test_metadata_says_what_the_seed_does_not() -> None:
    assert PARAMS.key == "rongchang"
    assert "电子商务" in PARAMS.title and PARAMS.title.endswith("意见")
    assert PARAMS.document_no == "未载明"  # the seed shows no document number
    assert PARAMS.effective_assumed is True  # "从印发之日起执行", the date is not in the seed
    assert "假定" in PARAMS.notes["effective_note"]
    assert PARAMS.general["non_stacking"].reference.startswith("四（七）")


def test_every_item_carries_its_reference_and_kind() -> None:
    refs = {k: (i.reference, i.kind) for k, i in PARAMS.items.items()}
    assert refs["park_costs"] == ("四（二）2", "formula")
    assert refs["loan_interest"] == ("四（四）", "formula")
    assert refs["large_enterprise"] == ("四（二）7", "case")
    assert refs["rural_informatisation"] == ("四（二）8", "target")
    assert all(i.reference for i in PARAMS.items.values())


def test_values_of_the_text() -> None:
    on = D(2025, 12, 31)
    v = PARAMS.value
    assert v("park_rate_by_residence_year_ppm", on) == [1_000_000, 1_000_000, 1_000_000, 500_000, 500_000]
    assert (v("platform_rate_ppm", on), v("platform_cap_fen", on)) == (300_000, 30_000_000)
    assert (v("store_rate_ppm", on), v("store_cap_fen", on)) == (500_000, 5_000_000)
    assert set(v("store_platforms", on)) >= {"jd", "alibaba", "tmall", "suning"}
    assert (v("outstanding_new_per_year", on), v("outstanding_new_award_fen", on)) == (10, 2_000_000)
    assert (v("brand_district_min_fen", on), v("brand_district_max_fen", on)) == (2_000_000, 5_000_000)
    assert v("brand_upper_rate_ppm", on) == 1_000_000
    assert (v("orders_threshold", on), v("orders_per_order_fen", on), v("orders_cap_fen", on)) == (
        20_000,
        200,
        30_000_000,
    )
    assert [(t["threshold_fen"] // 100, t["award_fen"] // 100) for t in v("milestone_tiers", on)] == [
        (10_000_000, 30_000),
        (50_000_000, 50_000),
        (100_000_000, 100_000),
        (500_000_000, 200_000),
    ]
    assert v("milestone_highest_tier_only", on) is False
    assert v("demo_award_fen", on) == {"national": 10_000_000, "municipal": 5_000_000, "district": 2_000_000}
    assert v("demo_district_per_year", on) == 5
    assert (v("loan_share_ppm", on), v("loan_window_years", on), v("loan_day_basis", on)) == (500_000, 2, 365)
    assert v("loan_cap_per_year_fen", on) == 20_000_000
    assert v("fund_per_year_fen", on) == 1_000_000_000
    assert v("fund_allocation", on) == "pro_rata"
    assert (v("rural_village_stations_target", on), v("rural_information_officers_target", on)) == (300, 300)


def test_values_the_district_has_not_fixed_are_marked_placeholders() -> None:
    on = D(2025, 12, 31)
    placeholders = {k for k in PARAMS.parameters if PARAMS.entry(k, on).placeholder}
    assert placeholders == {"store_turnover_threshold_fen", "training_rule"}


def test_a_value_holds_from_its_effective_date_until_replaced() -> None:
    params = PARAMS.overlay({"orders_per_order_fen": [{"value": 300, "effective": "2027-01-01"}]})
    assert params.value("orders_per_order_fen", D(2026, 12, 31)) == 200
    assert params.value("orders_per_order_fen", D(2027, 1, 1)) == 300  # the effective day itself
    assert params.value("orders_per_order_fen", D(2040, 1, 1)) == 300  # never expires
    with pytest.raises(ParameterNotInForceError):
        params.value("orders_per_order_fen", D(2015, 6, 30))  # before the (assumed) effective date
    assert params.value("orders_per_order_fen", D(2015, 7, 1)) == 200


def test_the_year_reads_the_values_of_31_december() -> None:
    params = PARAMS.overlay({"orders_per_order_fen": [{"value": 250, "effective": "2026-07-01"}]})
    assert params.as_of(2026) == D(2026, 12, 31)
    assert params.value("orders_per_order_fen", params.as_of(2026)) == 250
    assert params.value("orders_per_order_fen", params.as_of(2025)) == 200


def test_an_overlay_never_changes_the_pack() -> None:
    before = PARAMS.version()
    changed = PARAMS.overlay({"platform_rate_ppm": {"value": "40%", "effective": "2027-01-01", "reference": "测算"}})
    assert PARAMS.version() == before
    assert PARAMS.value("platform_rate_ppm", D(2027, 12, 31)) == 300_000
    assert changed.value("platform_rate_ppm", D(2027, 12, 31)) == 400_000
    assert changed.version() != before
    entry = changed.entry("platform_rate_ppm", D(2027, 12, 31))
    assert entry.overlay and entry.document == "what-if" and entry.reference == "测算"
    assert changed.overlaid == ("platform_rate_ppm",)


def test_an_overlay_on_an_existing_date_replaces_that_value() -> None:
    changed = PARAMS.overlay({"orders_threshold": [{"value": 15_000, "effective": "2015-07-01"}]})
    assert len(changed["orders_threshold"].values) == 1
    assert changed.value("orders_threshold", D(2025, 1, 1)) == 15_000


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"no_such": [{"value": 1, "effective": "2027-01-01"}]}, "unknown_parameter"),
        ({"orders_cap_fen": [{"value": -1, "effective": "2027-01-01"}]}, "bad_value"),
        ({"orders_cap_fen": [{"value": 1.5, "effective": "2027-01-01"}]}, "bad_value"),
        ({"orders_cap_fen": [{"value": True, "effective": "2027-01-01"}]}, "bad_value"),
        ({"platform_rate_ppm": [{"value": "30.00001%", "effective": "2027-01-01"}]}, "bad_value"),
        ({"fund_allocation": [{"value": "lottery", "effective": "2027-01-01"}]}, "bad_value"),
        ({"milestone_highest_tier_only": [{"value": "yes", "effective": "2027-01-01"}]}, "bad_value"),
        (
            {
                "milestone_tiers": [
                    {
                        "value": [{"threshold_fen": 5, "award_fen": 1}, {"threshold_fen": 4, "award_fen": 1}],
                        "effective": "2027-01-01",
                    }
                ]
            },
            "bad_value",
        ),
        ({"training_rule": [{"value": {"mode": "per_trainee"}, "effective": "2027-01-01"}]}, "bad_value"),
        ({"orders_cap_fen": [{"value": 1, "effective": "2027-13-01"}]}, "bad_date"),
        ({"orders_cap_fen": [{"value": 1}]}, "missing_field"),
        ({"orders_cap_fen": []}, "no_value"),
    ],
)
def test_bad_overlays_are_refused_with_a_code(changes: dict, code: str) -> None:
    with pytest.raises(ParameterError) as caught:
        PARAMS.overlay(changes)
    assert caught.value.code == code


def test_rates_are_exact() -> None:
    assert parse_ppm("30%") == 300_000
    assert parse_ppm("4.35%") == 43_500
    assert parse_ppm("0.0001%") == 1
    assert parse_ppm(500_000) == 500_000
    with pytest.raises(ParameterError):
        parse_ppm("0.00001%")


def test_a_pack_file_must_give_references_and_distinct_dates(tmp_path: Path) -> None:
    text = pack_path("rongchang").read_text(encoding="utf-8")
    missing = text.replace("        reference: 四（二）5 “给予每单2元的资金奖励”\n", "", 1)
    (tmp_path / "a.yaml").write_text(missing, encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_params(tmp_path / "a.yaml")
    assert (caught.value.code, caught.value.key) == ("missing_field", "orders_per_order_fen")

    twice = text.replace(
        "      - value: 200  # 2.00 元\n",
        "      - value: 300\n        effective: 2015-07-01\n        reference: x\n      - value: 200\n",
        1,
    )
    (tmp_path / "b.yaml").write_text(twice, encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_params(tmp_path / "b.yaml")
    assert (caught.value.code, caught.value.key) == ("bad_date", "orders_per_order_fen")
