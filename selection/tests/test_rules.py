"""Runs the policy officer's YAML cases in cases/ against the pure engine of notice 767."""

from __future__ import annotations

import datetime
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from core import uscc
from selection.messages import condition_message, quota_message
from selection.rules.conditions import CONDITIONS, check_deadline, evaluate, expert_checklist, results, uscc_check
from selection.rules.params import ParameterNotInForceError, load_params
from selection.rules.quota import UnitRecommendations, allocate

CASES = Path(__file__).parent / "cases"
PARAMS = load_params()
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def server_in_utc() -> Iterator[None]:
    """The server's clock zone is UTC while the rules speak Beijing time."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


def _instant(raw: Any) -> datetime.datetime:
    moment = raw if isinstance(raw, datetime.datetime) else datetime.datetime.fromisoformat(str(raw))
    assert moment.tzinfo is not None, f"case time {raw!r} must carry its zone"
    return moment.astimezone(datetime.UTC)


CONDITION_FILE = _load("conditions.yaml")
CONDITION_CASES = CONDITION_FILE["cases"]


@pytest.fixture(scope="module")
def evaluated() -> dict[str, dict[str, Any]]:
    """All condition cases as ONE batch, as the engine runs them in production."""
    rows = []
    for i, case in enumerate(CONDITION_CASES):
        row = {**CONDITION_FILE["defaults"], **case["input"], "application_id": str(i)}
        row["submitted_at"] = _instant(row["submitted_at"])
        rows.append(row)
    frame = pl.DataFrame(
        rows,
        schema={
            "application_id": pl.String,
            "quota_unit": pl.String,
            "quota_kind": pl.String,
            "operating_since": pl.Date,
            "submitted_at": pl.Datetime("us", "UTC"),
            "area_m2": pl.String,
            "operator_credit_code": pl.String,
            "covered_by_existing_base": pl.Boolean,
            "documents": pl.List(pl.String),
        },
    )
    out = evaluate(frame, PARAMS, on=CONDITION_FILE["parameters_on"])
    assert out.height == len(CONDITION_CASES)
    return {row["application_id"]: row for row in out.iter_rows(named=True)}


@pytest.mark.parametrize("index", range(len(CONDITION_CASES)), ids=[c["name"] for c in CONDITION_CASES])
def test_condition_case(index: int, evaluated: dict[str, dict[str, Any]], server_in_utc: None) -> None:
    case = CONDITION_CASES[index]
    row = evaluated[str(index)]
    for condition, want in case["expected"].items():
        if condition == "eligible":
            assert row["eligible"] is want
            continue
        assert condition in CONDITIONS, f"unknown condition {condition!r} in case {case['name']!r}"
        want = want if isinstance(want, dict) else {"result": want}
        result = next(r for r in results(row) if r.condition == condition)
        message = condition_message(result, PARAMS)
        assert result.ok is (want["result"] == "pass"), message
        if "code" in want:
            assert result.code == want["code"]
        if "message" in want:
            assert message == want["message"]
    if not any(row[f"{c}_ok"] is False for c in CONDITIONS):
        assert row["eligible"] is True


QUOTA_FILE = _load("quota.yaml")


@pytest.mark.parametrize("case", QUOTA_FILE["cases"], ids=[c["name"] for c in QUOTA_FILE["cases"]])
def test_quota_case(case: dict[str, Any]) -> None:
    units = [
        UnitRecommendations(
            quota_unit=u["unit"],
            kind=u["kind"],
            demo_cities=u["demo_cities"],
            extra_approved=u["extra_approved"],
            # ranks given out of order on purpose: the engine sorts by rank
            ranked=[(f"{u['unit']}-{r}", r) for r in reversed(range(1, u["recommended"] + 1))],
        )
        for u in case["units"]
    ]
    decisions = {(d.quota_unit, d.rank): d for d in allocate(units, PARAMS, QUOTA_FILE["parameters_on"])}
    assert len(decisions) == sum(u["recommended"] for u in case["units"])
    for unit, by_rank in case["expected"].items():
        for rank, code in by_rank.items():
            decision = decisions[(unit, rank)]
            assert decision.code == code, quota_message(decision)
            assert decision.inside is (code != "outside_quota")
            assert decision.application_id == f"{unit}-{rank}"
    for unit, by_rank in (case.get("messages") or {}).items():
        for rank, message in by_rank.items():
            assert quota_message(decisions[(unit, rank)]) == message


def test_quota_refuses_gaps_in_ranks() -> None:
    unit = UnitRecommendations("330000", "province", 3, True, [("a", 1), ("b", 3)])
    with pytest.raises(ValueError, match="ranks must be"):
        allocate([unit], PARAMS, datetime.date(2015, 1, 1))


def test_deadline_one_second_either_side_in_beijing_time(server_in_utc: None) -> None:
    deadline = PARAMS.deadline_last_moment(datetime.date(2015, 1, 1))
    assert deadline.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") == "2015-02-28 23:59:59"
    boundary = datetime.datetime(2015, 2, 28, 16, 0, 0, tzinfo=datetime.UTC)  # 2015-03-01 00:00 Beijing
    assert check_deadline(boundary - datetime.timedelta(seconds=1), deadline)
    assert not check_deadline(boundary, deadline)
    assert not check_deadline(boundary + datetime.timedelta(seconds=1), deadline)
    # A call's own deadline, typed as 17:00 Beijing time, compared against UTC instants.
    call_deadline = datetime.datetime(2015, 2, 28, 17, 0, 0, tzinfo=SHANGHAI)
    assert check_deadline(datetime.datetime(2015, 2, 28, 9, 0, 0, tzinfo=datetime.UTC), call_deadline)
    assert not check_deadline(datetime.datetime(2015, 2, 28, 9, 0, 1, tzinfo=datetime.UTC), call_deadline)


def test_deadline_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        naive = datetime.datetime(2015, 2, 28, 12)  # noqa: DTZ001  (a naive datetime is refused)
        check_deadline(naive, PARAMS.deadline_last_moment(datetime.date(2015, 1, 1)))


def test_evaluate_refuses_float_areas_and_naive_times() -> None:
    base = {
        "application_id": ["x"],
        "quota_unit": ["210000"],
        "quota_kind": ["province"],
        "operating_since": [datetime.date(2013, 1, 1)],
        "operator_credit_code": ["91350100M000100Y43"],
        "covered_by_existing_base": [False],
        "documents": [["development_plan"]],
    }
    aware = [datetime.datetime(2015, 2, 1, tzinfo=datetime.UTC)]
    with pytest.raises(TypeError, match="never"):
        floats = pl.DataFrame({**base, "submitted_at": aware, "area_m2": [20000.01]})
        evaluate(floats, PARAMS, on=datetime.date(2015, 1, 1))
    naive = [datetime.datetime(2015, 2, 1)]  # noqa: DTZ001  (a naive column is refused)
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(pl.DataFrame({**base, "submitted_at": naive, "area_m2": ["1"]}), PARAMS, on=datetime.date(2015, 1, 1))


def test_evaluate_accepts_decimal_areas_and_beijing_dates() -> None:
    from decimal import Decimal

    frame = pl.DataFrame(
        {
            "application_id": ["a", "b"],
            "quota_unit": ["210000", "210000"],
            "quota_kind": ["province", "province"],
            "operating_since": [datetime.date(2014, 2, 28), datetime.date(2014, 2, 28)],
            "submitted_at": [datetime.date(2015, 2, 28), datetime.date(2015, 3, 1)],
            "area_m2": [Decimal("20000.00"), Decimal("20000.01")],
            "operator_credit_code": ["91350100M000100Y43", "91350100M000100Y43"],
            "covered_by_existing_base": [False, False],
            "documents": [[], []],
        }
    )
    out = evaluate(frame, PARAMS, on=datetime.date(2015, 1, 1))
    assert out["office_area_ok"].to_list() == [False, True]
    assert out["operating_years_ok"].to_list() == [True, True]
    assert out["deadline_ok"].to_list() == [True, False]


def test_vectorised_credit_code_check_agrees_with_core_uscc() -> None:
    codes = [
        uscc.make(f"91{i:06d}MA{i:07d}"[:17].replace("I", "1").replace("O", "0")) for i in range(110000, 110400, 7)
    ]
    codes += [c[:-1] + ("0" if c[-1] != "0" else "1") for c in codes[:20]]
    codes += ["", "123", "Z1110000600037341Y", "A1110000600037341K", "91350100M000100S43"]
    ours = uscc_check(pl.Series(codes))
    assert ours["ok"].to_list() == [uscc.is_valid(c) for c in codes]
    assert sum(ours["ok"].to_list()) >= 57


def test_parameters_carry_reference_and_hold_until_replaced(tmp_path: Path) -> None:
    on = datetime.date(2015, 1, 1)
    assert PARAMS.value("min_operating_years", on) == 1
    assert PARAMS.reference("min_office_area_m2", on) == "商办电函〔2014〕767号 一（二）"
    assert PARAMS.value("quota_by_kind", on)["separate_planning_city"] == 2
    with pytest.raises(ParameterNotInForceError):
        PARAMS.value("min_operating_years", datetime.date(2014, 1, 1))
    # A later call raises the area threshold from 2017-01-01: earlier dates keep the old value.
    text = (Path(__file__).parents[1] / "rules" / "params" / "notice_767.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '      - value: "20000"\n        effective: 2014-12-01\n        reference: 商办电函〔2014〕767号 一（二）\n',
        '      - value: "20000"\n        effective: 2014-12-01\n        reference: 商办电函〔2014〕767号 一（二）\n'
        '      - value: "30000"\n        effective: 2017-01-01\n        reference: 假设的后续通知 一（二）\n',
    )
    path = tmp_path / "later.yaml"
    path.write_text(text, encoding="utf-8")
    later = load_params(path)
    assert later.value("min_office_area_m2", datetime.date(2016, 12, 31)) == "20000"
    assert later.value("min_office_area_m2", datetime.date(2017, 1, 1)) == "30000"
    assert later.reference("min_office_area_m2", datetime.date(2030, 1, 1)) == "假设的后续通知 一（二）"


def test_parameter_without_reference_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "document: X\nparameters:\n  min_operating_years:\n    values:\n      - {value: 1, effective: 2015-01-01}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"min_operating_years\.values\[0\]"):
        load_params(path)


def test_expert_checklist_lists_the_judged_conditions() -> None:
    items = {item.key: item for item in expert_checklist(PARAMS)}
    services = [k for k in items if k.startswith("service_")]
    assert [items[k].label.removeprefix("公共服务：") for k in services] == [
        "战略咨询",
        "技术开发",
        "人才培养",
        "企业孵化",
        "金融服务",
        "市场开拓",
        "现代物流",
    ]
    assert {"local_industry_linkage", "talent_mechanisms", "local_coordination_mechanism"} <= set(items)
    assert all(item.reference.startswith("商办电函〔2014〕767号 一") for item in items.values())


def test_engine_has_no_django_import() -> None:
    rules = Path(__file__).parents[1] / "rules"
    for source in rules.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(django|rest_framework)\b", text, re.MULTILINE), source.name
