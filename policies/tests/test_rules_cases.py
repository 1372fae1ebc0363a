"""Runs the policy officer's YAML cases in cases/*.yaml against the pure engine of the 荣昌 pack.

An engine case file has `year` (the award year), optionally `parameters` (a what-if overlay for every case
of the file) and `cases`. Each case has a `name`, optionally its own `year` and `parameters`, the
`facts` (one list of rows per kind, column names as in policies/rules/facts.py) and either the
`expected` awards — every row the engine returns, no more, no less — or an `error` code.

What a row may leave out (to keep cases short):
- `enterprise`: 1; `year`: the case's year; ids (project, store, brand, case, loan): 1, 2, 3 … in
  the order written;
- enterprises: when the case gives no `enterprises`, the register holds enterprise 1, registered in
  the district, an e-commerce enterprise, not an association; `enterprise:` changes those flags for
  enterprise 1; `enterprises: [1, 2, {enterprise: 3, ecommerce: false}]` lists several (an integer
  is an enterprise with the defaults);
- stores: newly_opened and running_normally true; projects: own_funds true; loans: recognised and
  own_business true, repaid_on empty; residencies: left_on empty.

Expected rows: {item, ref (default 0), enterprise (default 1), amount (yuan with fen, as text:
"12345.67"), reason (optional)}. `explanation: {item: [sentences]}` lists sentences the Chinese
explanation of that item's row (ref 0 or the `ref:` given) must contain.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from policies.explain import explain_trace
from policies.rules.engine import FactsError, compute
from policies.rules.facts import SCHEMAS, Facts
from policies.rules.params import ParameterError, ParameterNotInForceError, load_params

CASES = Path(__file__).parent / "cases"
PARAMS = load_params()

ID_COLUMNS = {"projects": "project", "stores": "store", "brands": "brand", "case_awards": "case", "loans": "loan"}
ROW_DEFAULTS: dict[str, dict[str, Any]] = {
    "projects": {"own_funds": True},
    "stores": {"newly_opened": True, "running_normally": True},
    "loans": {"recognised": True, "own_business": True, "repaid_on": None},
    "residencies": {"left_on": None},
}
ENTERPRISE_DEFAULTS = {"registered_in_district": True, "ecommerce": True, "association": False}


def _files() -> list[Path]:
    """The engine's case files: those with an award `year` (cases/ also holds the fund allocation's
    cases, run by test_allocation.py)."""
    return [p for p in sorted(CASES.glob("*.yaml")) if "year" in yaml.safe_load(p.read_text(encoding="utf-8"))]


def _cases() -> list[Any]:
    out = []
    for path in _files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(pytest.param(data, case, id=f"{path.stem}: {case['name']}"))
    return out


def fen(text: Any) -> int:
    """ "12345.67" → 1234567; refuses more than two places (a case must be exact to the fen)."""
    value = Decimal(str(text))
    cents = value * 100
    assert cents == cents.to_integral_value(), f"amount {text!r} is finer than a fen"
    return int(cents)


def _enterprises(case: dict[str, Any]) -> pl.DataFrame:
    listed = case.get("enterprises")
    if listed is None:
        listed = [{"enterprise": 1, **(case.get("enterprise") or {})}]
    rows = []
    for item in listed:
        row = {"enterprise": item} if isinstance(item, int) else dict(item)
        rows.append({"name": f"企业{row['enterprise']}", **ENTERPRISE_DEFAULTS, **row})
    return pl.DataFrame(rows, schema=SCHEMAS["enterprises"]) if rows else pl.DataFrame(schema=SCHEMAS["enterprises"])


def build_facts(case: dict[str, Any], year: int) -> Facts:
    frames: dict[str, pl.DataFrame] = {"enterprises": _enterprises(case)}
    for kind, rows in (case.get("facts") or {}).items():
        assert kind in SCHEMAS and kind != "enterprises", f"unknown kind of fact {kind!r}"
        schema = SCHEMAS[kind]
        full = []
        for i, raw in enumerate(rows):
            row: dict[str, Any] = {"enterprise": 1, **ROW_DEFAULTS.get(kind, {}), **raw}
            if "year" in schema:
                row.setdefault("year", year)
            if kind in ID_COLUMNS:
                row.setdefault(ID_COLUMNS[kind], i + 1)
            for column, dtype in schema.items():
                if column.endswith("_fen") and isinstance(row.get(column), str):
                    row[column] = fen(row[column])
                if dtype == pl.Date and isinstance(row.get(column), str):
                    row[column] = datetime.date.fromisoformat(row[column])
            unknown = set(row) - set(schema)
            assert not unknown, f"{kind}: unknown columns {unknown}"
            full.append({c: row.get(c) for c in schema})
        frames[kind] = pl.DataFrame(full, schema=schema) if full else pl.DataFrame(schema=schema)
    return Facts(**frames)


def _params(data: dict[str, Any], case: dict[str, Any]) -> Any:
    params = PARAMS
    for overlay in (data.get("parameters"), case.get("parameters")):
        if overlay:
            params = params.overlay(overlay)
    return params


def _expected(case: dict[str, Any]) -> dict[tuple[int, str, int], tuple[int, str | None]]:
    out = {}
    for row in case.get("expected") or []:
        key = (int(row.get("enterprise", 1)), str(row["item"]), int(row.get("ref", 0)))
        assert key not in out, f"expected row {key} listed twice"
        out[key] = (fen(row["amount"]), row.get("reason"))
    return out


@pytest.mark.parametrize(("data", "case"), _cases())
def test_case(data: dict[str, Any], case: dict[str, Any]) -> None:
    year = int(case.get("year", data["year"]))
    facts = build_facts(case, year)
    if "error" in case:
        with pytest.raises((FactsError, ParameterError, ParameterNotInForceError)) as caught:
            compute(facts, _params(data, case), year)
        code = getattr(caught.value, "code", None) or "parameter_not_in_force"
        assert code == case["error"]
        return
    params = _params(data, case)
    awards = compute(facts, params, year)
    got = {(r["enterprise"], r["item"], r["ref"]): (r["amount_fen"], r["reason"]) for r in awards.iter_rows(named=True)}
    assert len(got) == awards.height, "the engine returned the same (enterprise, item, ref) twice"
    expected = _expected(case)
    assert set(got) == set(expected), f"rows: got {sorted(got)}, expected {sorted(expected)}"
    for key, (amount, reason) in expected.items():
        got_amount, got_reason = got[key]
        assert got_amount == amount, f"{key}: got {got_amount} fen, expected {amount} fen"
        if reason is not None:
            assert got_reason == reason, f"{key}: got reason {got_reason}, expected {reason}"
    assert awards["year"].unique().to_list() in ([year], [])
    # Amounts and reasons do not depend on whether traces are built.
    bare = compute(facts, params, year, trace=False)
    assert (
        bare.drop("trace")
        .sort("enterprise", "item", "ref")
        .equals(awards.drop("trace").sort("enterprise", "item", "ref"))
    )
    for item, sentences in (case.get("explanation") or {}).items():
        ref = 0
        if isinstance(sentences, dict):
            ref, sentences = int(sentences["ref"]), sentences["contains"]
        rows = awards.filter((pl.col("item") == item) & (pl.col("ref") == ref) & (pl.col("enterprise") == 1))
        assert rows.height == 1, f"no row for {item} ref {ref}"
        text = "".join(explain_trace(rows["trace"][0], params))
        for sentence in sentences:
            assert sentence in text, f"{item}: {sentence!r} not in {text!r}"


def test_every_item_has_cases() -> None:
    """Each item of the pack that pays is exercised by at least one expected row."""
    seen: set[str] = set()
    for path in _files():
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            seen.update(row["item"] for row in case.get("expected") or [])
    payable = {k for k, item in PARAMS.items.items() if item.kind != "target"}
    assert payable <= seen, f"items without a case: {sorted(payable - seen)}"
