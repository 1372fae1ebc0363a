"""Properties of the whole-population engine, beyond the policy cases: agreement with the NumPy floor
of bench/ on a generated population, exact loan arithmetic against Python integers, independence
from row order, traces only where asked, an item alone before the general rules."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import polars as pl
import pytest

from policies.rules.engine import compute, item_keys, targets
from policies.rules.facts import Facts
from policies.rules.items import RULES
from policies.rules.params import load_params

BENCH = Path(__file__).resolve().parents[2] / "bench"
PARAMS = load_params()
YEAR = 2025
KEY = ["enterprise", "item", "ref"]


def _module(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


data = _module("awards_data")
floor = _module("awards_floor")


@pytest.fixture(scope="module")
def population() -> tuple[dict[str, dict[str, np.ndarray]], Facts]:
    arrays = data.generate(4000, seed=7)
    return arrays, data.to_facts(arrays)


def _floor_frame(result: dict[str, np.ndarray]) -> pl.DataFrame:
    codes = {v: k for k, v in floor.ITEM_CODES.items()}
    return pl.DataFrame(result).with_columns(pl.col("item").replace_strict(codes, return_dtype=pl.String))


@pytest.mark.parametrize(
    "overlay",
    [
        {},
        {
            "milestone_highest_tier_only": [{"value": True, "effective": "2025-01-01"}],
            "training_rule": [
                {
                    "value": {
                        "mode": "cost_share",
                        "per_trainee_fen": 0,
                        "cost_share_ppm": "35%",
                        "cap_fen": 3_000_000,
                    },
                    "effective": "2025-01-01",
                }
            ],
            "loan_cap_per_year_fen": [{"value": 5_000_000, "effective": "2025-01-01"}],
            "orders_per_order_fen": [{"value": 333, "effective": "2025-01-01"}],
        },
    ],
    ids=["pack", "overlay"],
)
def test_engine_agrees_with_the_numpy_floor(population: tuple[dict, Facts], overlay: dict) -> None:
    """Two independent implementations of the same rules, to the fen, on every row."""
    arrays, facts = population
    params = PARAMS.overlay(overlay) if overlay else PARAMS
    engine = compute(facts, params, YEAR, trace=False)
    expected = _floor_frame(floor.compute(arrays, params, YEAR))
    assert engine.height == expected.height
    both = engine.join(expected, on=KEY, how="full", coalesce=True, suffix="_floor")
    bad = both.filter(
        pl.col("amount_fen").is_null()
        | pl.col("amount_fen_floor").is_null()
        | (pl.col("amount_fen") != pl.col("amount_fen_floor"))
    )
    assert bad.height == 0, bad.head(10)
    assert engine.filter(pl.col("amount_fen") > 0).height > 500  # the population really pays


def test_rows_are_unique_and_traces_do_not_change_amounts(population: tuple[dict, Facts]) -> None:
    _, facts = population
    bare = compute(facts, PARAMS, YEAR, trace=False)
    traced = compute(facts, PARAMS, YEAR)
    assert bare.select(KEY).is_duplicated().sum() == 0
    assert bare["trace"].null_count() == bare.height
    assert traced["trace"].null_count() == 0
    assert traced.drop("trace").sort(KEY).equals(bare.drop("trace").sort(KEY))
    assert set(traced["item"].unique()) == set(item_keys(PARAMS))


def test_two_runs_give_the_same_traces(population: tuple[dict, Facts]) -> None:
    """Deterministic to the trace: lists inside a trace are in a stated order, not the order a
    parallel join happened to leave."""
    _, facts = population
    first = compute(facts, PARAMS, YEAR).sort(KEY)
    for _ in range(3):
        assert compute(facts, PARAMS, YEAR).sort(KEY).equals(first)


def test_traces_only_for_the_enterprises_asked(population: tuple[dict, Facts]) -> None:
    _, facts = population
    full = compute(facts, PARAMS, YEAR)
    some = full["enterprise"].unique().sort().head(25).to_list()
    part = compute(facts, PARAMS, YEAR, trace_for=some)
    assert part.drop("trace").sort(KEY).equals(full.drop("trace").sort(KEY))
    with_trace = part.filter(pl.col("trace").is_not_null())
    assert set(with_trace["enterprise"].unique()) == set(some)
    joined = with_trace.join(full, on=KEY, suffix="_full")
    assert joined.height == with_trace.height
    assert (joined["trace"] == joined["trace_full"]).all()


def test_row_order_of_the_facts_does_not_matter(population: tuple[dict, Facts]) -> None:
    _, facts = population
    shuffled = Facts(
        **{name: getattr(facts, name).sample(fraction=1.0, shuffle=True, seed=3) for name in facts.__dataclass_fields__}
    )
    a = compute(facts, PARAMS, YEAR, trace=False).drop("trace").sort(KEY)
    b = compute(shuffled, PARAMS, YEAR, trace=False).drop("trace").sort(KEY)
    assert a.equals(b)


def test_loan_interest_is_exact_for_huge_products() -> None:
    """principal × rate × share × days reaches 10^25 (beyond Int64): checked against Python ints.
    (Principals up to 200亿元 keep every award under the engine's bound, facts.MAX_AWARD_FEN.)"""
    rng = np.random.default_rng(11)
    n = 300
    principal = rng.integers(10**9, 2 * 10**12, n)  # up to 200亿元
    actual = rng.integers(10_000, 90_000, n)
    bench_rate = rng.integers(10_000, 90_000, n)
    start = datetime.date(2024, 1, 1)
    dates = [start + datetime.timedelta(days=int(d)) for d in rng.integers(0, 730, n)]
    facts = Facts(
        enterprises=pl.DataFrame(
            {
                "enterprise": list(range(1, n + 1)),
                "name": ["x"] * n,
                "registered_in_district": [True] * n,
                "ecommerce": [True] * n,
                "association": [False] * n,
            }
        ),
        loans=pl.DataFrame(
            {
                "loan": list(range(1, n + 1)),
                "enterprise": list(range(1, n + 1)),
                "principal_fen": principal,
                "loan_date": dates,
                "repaid_on": [None] * n,
                "actual_rate_ppm": actual,
                "benchmark_rate_ppm": bench_rate,
                "recognised": [True] * n,
                "own_business": [True] * n,
            },
            schema_overrides={"repaid_on": pl.Date},
        ),
    )
    params = PARAMS.overlay({"loan_cap_per_year_fen": [{"value": 10**18, "effective": "2025-01-01"}]})
    got = compute(facts, params, YEAR, items=["loan_interest"], trace=False).sort("ref")
    expected = []
    products = []
    for i in range(n):
        window_end = (
            dates[i].replace(year=dates[i].year + 2)
            if not (dates[i].month == 2 and dates[i].day == 29)
            else (datetime.date(dates[i].year + 2, 2, 28))
        )
        first = max(dates[i], datetime.date(YEAR, 1, 1))
        end = min(window_end, datetime.date(YEAR + 1, 1, 1))
        days = max((end - first).days, 0)
        numerator = int(principal[i]) * min(int(actual[i]), int(bench_rate[i])) * 500_000 * days
        denominator = 365 * 10**12
        expected.append((2 * numerator + denominator) // (2 * denominator))
        products.append(numerator)
    assert got["amount_fen"].to_list() == expected
    assert max(expected) > 2**34 and max(products) > 2**63  # really large amounts, products beyond Int64


def test_an_item_alone_is_before_the_general_rules() -> None:
    """Rule.compute gives the item's own result; the engine adds registration and no stacking."""
    facts = Facts(
        enterprises=pl.DataFrame(
            [{"enterprise": 1, "name": "x", "registered_in_district": False, "ecommerce": True, "association": False}]
        ),
        orders=pl.DataFrame([{"enterprise": 1, "year": YEAR, "orders": 20_000}]),
    )
    alone = RULES["online_orders"].compute(facts, PARAMS, YEAR)
    assert alone.row(0, named=True) | {"trace": None} == {
        "enterprise": 1,
        "item": "online_orders",
        "ref": 0,
        "year": YEAR,
        "amount_fen": 4_000_000,
        "reason": "granted",
        "trace": None,
    }
    engine = compute(facts, PARAMS, YEAR, items=["online_orders"])
    assert engine.select("amount_fen", "reason").row(0) == (0, "not_registered")


def test_a_duplicate_enterprise_row_keeps_the_first() -> None:
    facts = Facts(
        enterprises=pl.DataFrame(
            [
                {"enterprise": 1, "name": "x", "registered_in_district": True, "ecommerce": True, "association": False},
                {
                    "enterprise": 1,
                    "name": "x",
                    "registered_in_district": False,
                    "ecommerce": True,
                    "association": False,
                },
            ]
        ),
        orders=pl.DataFrame([{"enterprise": 1, "year": YEAR, "orders": 20_000}]),
    )
    out = compute(facts, PARAMS, YEAR)
    assert out.height == 1
    assert out.select("amount_fen", "reason").row(0) == (4_000_000, "granted")


def test_unknown_items_are_refused() -> None:
    with pytest.raises(KeyError):
        compute(Facts(), PARAMS, YEAR, items=["no_such_item"])


def test_targets_are_not_awards() -> None:
    got = targets(PARAMS, YEAR)
    assert got["rural_village_stations_target"]["value"] == 300
    assert got["rural_information_officers_target"]["value"] == 300
    assert "rural_informatisation" not in item_keys(PARAMS)
