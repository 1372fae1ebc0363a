"""The YAML cases of score aggregation, and the engine's refusals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from selection.rules.scoring import aggregate

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "scoring.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_scoring_case(case: dict[str, Any]) -> None:
    entries = {name: i for i, name in enumerate(case["scores"], start=1)}
    experts: dict[str, int] = {}
    triples = [
        (entries[entry], experts.setdefault(expert, len(experts) + 1), Decimal(str(total)))
        for entry, sheet in case["scores"].items()
        for expert, total in sheet.items()
    ]
    results = {
        r.entry: r
        for r in aggregate(
            triples,
            method=case.get("method", "trimmed"),
            spread_threshold=Decimal(str(case.get("spread_threshold", "20"))),
        )
    }
    for entry, expected in case["expected"].items():
        got = results[entries[entry]]
        fields = {"score": got.score, "raw": got.raw_mean, "calibrated": got.calibrated, "spread": got.spread}
        for key, value in expected.items():
            if key in fields:
                assert fields[key] == Decimal(value), (entry, key)
            elif key == "flagged":
                assert got.flagged is value, entry
            elif key == "method":
                assert got.method == value, entry
            elif key == "rank":
                assert got.rank == value, entry


def test_refuses_floats_and_three_decimals_and_double_scoring() -> None:
    with pytest.raises(TypeError):
        aggregate([(1, 1, 80.5)])  # type: ignore[list-item]  # a float is exactly what must be refused
    with pytest.raises(ValueError, match="two decimal"):
        aggregate([(1, 1, Decimal("80.005"))])
    with pytest.raises(ValueError, match="twice"):
        aggregate([(1, 1, Decimal(80)), (1, 1, Decimal(81))])
