"""Dated parameters (core.params): a value holds from its effective date until replaced, carries
its reference, is looked up by date, and what-ifs are overlays that never change the original."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import params
from core.params import DatedValue, Parameter, ParameterError, ParameterNotInForceError, load_parameters

D = datetime.date

YAML = """\
key: rates
document: 示例〔2025〕1号
parameters:
  subsidy_rate_ppm:
    label: 补助比例
    values:
      - value: 300000
        effective: 2025-07-01
        reference: 第三条
      - value: 500000
        effective: 2027-01-01
        reference: 第三条（修订）
        document: 示例〔2026〕9号
  cap_fen:
    label: 补助上限
    values:
      - {value: 100000, effective: 2025-07-01, reference: 第四条, placeholder: true, note: 待区里确定}
"""


@pytest.fixture
def rates(tmp_path: Path) -> params.ParameterSet:
    path = tmp_path / "rates.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load_parameters(path)


def test_a_value_holds_from_its_effective_day_until_replaced(rates: params.ParameterSet) -> None:
    assert rates.value("subsidy_rate_ppm", D(2025, 7, 1)) == 300_000  # the effective day itself
    assert rates.value("subsidy_rate_ppm", D(2026, 12, 31)) == 300_000
    assert rates.value("subsidy_rate_ppm", D(2027, 1, 1)) == 500_000
    assert rates.value("subsidy_rate_ppm", D(2060, 1, 1)) == 500_000  # never silently expires
    with pytest.raises(ParameterNotInForceError) as caught:
        rates.value("subsidy_rate_ppm", D(2025, 6, 30))
    assert (caught.value.key, caught.value.on) == ("subsidy_rate_ppm", D(2025, 6, 30))


def test_each_value_carries_its_reference_and_document(rates: params.ParameterSet) -> None:
    old = rates.entry("subsidy_rate_ppm", D(2026, 1, 1))
    new = rates.entry("subsidy_rate_ppm", D(2027, 1, 1))
    assert (old.reference, old.document) == ("第三条", "示例〔2025〕1号")  # the file's document by default
    assert (new.reference, new.document) == ("第三条（修订）", "示例〔2026〕9号")
    cap = rates.entry("cap_fen", D(2026, 1, 1))
    assert cap.placeholder and cap.note == "待区里确定" and not cap.overlay
    assert cap.trace("cap_fen")["effective"] == "2025-07-01"
    assert rates.reference("cap_fen", D(2026, 1, 1)) == "第四条"
    assert rates.name == "rates" and "cap_fen" in rates and rates["cap_fen"].label == "补助上限"


def test_an_overlay_is_a_new_set_and_says_so(rates: params.ParameterSet) -> None:
    before = rates.version()
    what_if = rates.overlay({"cap_fen": {"value": 200_000, "effective": "2026-01-01", "note": "测算"}})
    assert rates.value("cap_fen", D(2026, 6, 1)) == 100_000 and rates.version() == before
    entry = what_if.entry("cap_fen", D(2026, 6, 1))
    assert entry.value == 200_000 and entry.overlay and entry.document == "what-if" and entry.note == "测算"
    assert what_if.value("cap_fen", D(2025, 12, 31)) == 100_000  # earlier dates keep the text's value
    assert what_if.overlaid == ("cap_fen",) and what_if.version() != before
    same_day = rates.overlay({"cap_fen": [{"value": 1, "effective": "2025-07-01"}]})
    assert len(same_day["cap_fen"].values) == 1 and same_day.value("cap_fen", D(2030, 1, 1)) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"nothing": {"value": 1, "effective": "2026-01-01"}}, "unknown_parameter"),
        ({"cap_fen": []}, "no_value"),
        ({"cap_fen": [{"value": 1}]}, "missing_field"),
        ({"cap_fen": [{"value": 1, "effective": "2026-02-30"}]}, "bad_date"),
        ({"cap_fen": [{"value": 1, "effective": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)}]}, "bad_date"),
        ({"cap_fen": ["300"]}, "bad_value"),
    ],
)
def test_bad_overlays_are_refused_with_a_code(rates: params.ParameterSet, changes: dict, code: str) -> None:
    with pytest.raises(ParameterError) as caught:
        rates.overlay(changes)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ("      - {value: 1, effective: 2025-01-01}\n", "missing_field", "p.values[0]"),
        ("      - {value: 1, effective: 2025-01-01, reference: a}\n" * 2, "bad_date", "p.values[1]"),
        ("      - {value: 1, effective: 2025-1-1x, reference: a}\n", "bad_date", "p.values[0]"),
        ("      []\n", "no_value", "p"),
    ],
)
def test_a_file_must_give_dates_and_references(tmp_path: Path, text: str, code: str, where: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("parameters:\n  p:\n    values:\n" + text, encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_parameters(path)
    assert caught.value.code == code and str(caught.value).startswith(where + ":")


def test_both_engines_raise_the_one_error() -> None:
    from policies.rules import params as policies_params
    from selection.rules import params as selection_params

    assert policies_params.ParameterNotInForceError is ParameterNotInForceError
    assert selection_params.ParameterNotInForceError is ParameterNotInForceError
    with pytest.raises(ParameterNotInForceError):
        selection_params.load_params().value("min_operating_years", D(2014, 11, 30))
    with pytest.raises(ParameterNotInForceError):
        policies_params.load_params().value("orders_threshold", D(2015, 6, 30))


DATES = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


@given(st.lists(DATES, min_size=1, max_size=8, unique=True), DATES)
def test_the_value_in_force_is_the_latest_effective_on_or_before_the_day(days: list[D], on: D) -> None:
    entries = tuple(sorted((DatedValue(i, day, f"ref {i}") for i, day in enumerate(days)), key=lambda e: e.effective))
    param = Parameter("p", "p", entries)
    earlier = [e for e in entries if e.effective <= on]
    if not earlier:
        with pytest.raises(ParameterNotInForceError):
            param.at(on)
    else:
        assert param.entry_at(on) == max(earlier, key=lambda e: e.effective)
