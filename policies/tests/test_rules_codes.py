"""Every code the engine writes is documented (policies.rules.codes) and worded in Chinese
(policies.explain); every trace of a generated population reads as Chinese sentences."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest
import yaml

from core import money
from policies import explain
from policies.rules.codes import REASONS, STEPS
from policies.rules.engine import FactsError, compute
from policies.rules.params import ParameterError, load_params
from policies.tests import test_rules_cases as cases
from policies.tests import test_rules_engine as engine_tests

PARAMS = load_params()


def test_every_step_and_reason_has_a_meaning_and_chinese_words() -> None:
    assert set(STEPS) == set(explain.RENDERERS)
    assert set(REASONS) == set(explain.REASON_TEXT)


def _all_case_awards() -> list[pl.DataFrame]:
    out = []
    for path in cases._files():
        file = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in file["cases"]:
            if "error" in case:
                continue
            year = int(case.get("year", file["year"]))
            out.append(compute(cases.build_facts(case, year), cases._params(file, case), year))
    return out


@pytest.fixture(scope="module")
def awards() -> pl.DataFrame:
    arrays = engine_tests.data.generate(3000, seed=5)
    generated = compute(engine_tests.data.to_facts(arrays), PARAMS, 2025)
    return pl.concat([generated, *_all_case_awards()])


def test_the_engine_writes_only_documented_codes(awards: pl.DataFrame) -> None:
    steps = set(awards["trace"].explode().struct.field("step").unique().to_list())
    assert steps <= set(STEPS), steps - set(STEPS)
    assert set(awards["reason"].unique()) <= set(REASONS)
    # and the cases and the population between them use every one of them
    assert steps == set(STEPS), set(STEPS) - steps
    assert set(awards["reason"].unique()) == set(REASONS), set(REASONS) - set(awards["reason"].unique())


def test_every_trace_reads_as_chinese(awards: pl.DataFrame) -> None:
    for row in awards.sample(n=min(3000, awards.height), seed=1).iter_rows(named=True):
        for step in row["trace"]:
            json.loads(step["values"])  # every value is JSON
        sentences = explain.explain_trace(row["trace"], PARAMS)
        assert sentences and not any("未知步骤" in s for s in sentences)
        assert explain.summary(row, PARAMS)


def test_the_explanation_of_a_residence_year() -> None:
    """入驻第4年，按50%补助 — the sentence the issue asks for, from a real trace."""
    file = yaml.safe_load((cases.CASES / "park_costs.yaml").read_text(encoding="utf-8"))
    case = next(c for c in file["cases"] if c["name"].startswith("第3年与第4年"))
    row = compute(cases.build_facts(case, 2025), PARAMS, 2025).row(0, named=True)
    text = "".join(explain.explain_trace(row["trace"], PARAMS, with_params=False))
    assert "入驻第4年10个月，按50%补助" in text
    assert explain.summary(row, PARAMS) == "电子商务产业园场租、宽带费用补助：7,000.00元（符合条件，全额兑现）"


@pytest.mark.parametrize(("fen", "text"), [(0, "0.00元"), (5, "0.05元"), (123456789, "1,234,567.89元")])
def test_yuan(fen: int, text: str) -> None:
    assert money.yuan_text(fen) == text
    assert explain.yuan_or_missing(fen) == text and explain.yuan_or_missing(None) == "（未填写）"


@pytest.mark.parametrize(
    ("fen", "text"),
    [(1_000_000_000, "1000万元"), (10_000_000_000, "1亿元"), (2_000_000, "2万元"), (20_050, "200.50元")],
)
def test_amount_words(fen: int, text: str) -> None:
    assert explain.amount_words(fen) == text


def test_every_parameter_value_has_words() -> None:
    on = PARAMS.as_of(2025)
    for key in PARAMS.parameters:
        text = explain.parameter_value(PARAMS, key, PARAMS.value(key, on))
        assert text and "{" not in text, (key, text)
    assert explain.parameter_value(PARAMS, "loan_share_ppm", 500_000) == "50%"
    assert explain.parameter_value(PARAMS, "milestone_tiers", PARAMS.value("milestone_tiers", on)).startswith(
        "突破1000万元奖励3万元"
    )


def test_errors_in_chinese_name_the_place() -> None:
    try:
        PARAMS.overlay({"orders_cap_fen": [{"value": -1, "effective": "2027-01-01"}]})
    except ParameterError as error:
        text = explain.parameter_error_text(error, PARAMS)
    assert text.startswith("参数“订单奖励上限")
    assert "第1个取值无效" in text
    facts_error = FactsError("unknown_subsidy_item", "other_subsidies", [0, 4], ["orders"])
    assert explain.facts_error_text(facts_error) == "“other_subsidies”第2、6行：政策项目“orders”不是本政策的项目"


def test_unknown_steps_are_shown_not_dropped() -> None:
    trace: list[dict[str, Any]] = [{"step": "no_such_step", "values": "{}"}]
    assert explain.explain_trace(trace, PARAMS) == ["（未知步骤 no_such_step）"]
