"""The allocation of a fund among the claims of a round: the YAML cases a policy officer reads, and
the invariants every allocation keeps."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from policies.rules.allocation import APPROVAL_ORDER, CARRY_OVER, PRO_RATA, RULES, Claim, allocate

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "allocation.yaml").read_text(encoding="utf-8"))["cases"]


def fen(yuan: str) -> int:
    value = Decimal(yuan) * 100
    assert value == value.to_integral_value(), yuan
    return int(value)


def _runs() -> list[Any]:
    return [pytest.param(case, rule, id=f"{case['name']}-{rule}") for case in CASES for rule in case["rules"]]


@pytest.mark.parametrize(("case", "rule"), _runs())
def test_allocation_case(case: dict[str, Any], rule: str) -> None:
    claims = [Claim(k, fen(v)) for item in case["claims"] for k, v in item.items()]
    grants = allocate(claims, fen(case["available"]), rule)
    assert [g.key for g in grants] == [c.key for c in claims]
    assert {g.key: g.granted_fen for g in grants} == {k: fen(v) for k, v in case["expected"].items()}
    carried = case.get("carried", {})
    assert {g.key: g.carried_fen for g in grants} == {c.key: fen(carried.get(c.key, "0")) for c in claims}


@pytest.mark.parametrize("rule", RULES)
def test_grants_never_exceed_the_claim_and_use_the_fund_exactly(rule: str) -> None:
    rng = random.Random(20170101)
    for _ in range(300):
        claims = [Claim(i, rng.choice([0, 1, 7, rng.randrange(1, 30_000_000)])) for i in range(rng.randrange(1, 12))]
        available = rng.randrange(0, 60_000_000)
        grants = allocate(claims, available, rule)
        total = sum(c.amount_fen for c in claims)
        assert all(0 <= g.granted_fen <= g.claimed_fen for g in grants)
        assert sum(g.granted_fen for g in grants) == min(total, available)
        if rule == CARRY_OVER:
            assert all(g.granted_fen + g.carried_fen == g.claimed_fen for g in grants)
        else:
            assert all(g.carried_fen == 0 for g in grants)


def test_pro_rata_is_deterministic_and_order_breaks_ties() -> None:
    claims = [Claim(k, 100) for k in "ABCDEFG"]
    first = allocate(claims, 300, PRO_RATA)
    assert first == allocate(claims, 300, PRO_RATA)
    # 300 fen over seven equal claims: 42 each and 6 fen left over, to the first six in the round.
    assert [g.granted_fen for g in first] == [43, 43, 43, 43, 43, 43, 42]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown allocation rule"):
        allocate([Claim("A", 1)], 1, "lottery")
    with pytest.raises(ValueError, match="non-negative integer"):
        allocate([Claim("A", 1)], -1, APPROVAL_ORDER)
    with pytest.raises(ValueError, match="non-negative integer"):
        allocate([Claim("A", 1.5)], 1, APPROVAL_ORDER)  # type: ignore[arg-type]  # a float is refused
    with pytest.raises(ValueError, match="twice"):
        allocate([Claim("A", 1), Claim("A", 2)], 1, APPROVAL_ORDER)
