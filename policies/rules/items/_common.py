"""Pieces several items share: the enterprise-kind check, quota positions, yearly sums of facts."""

from __future__ import annotations

import polars as pl

from policies.rules.base import Step, values

KIND_OK = {
    "ecommerce": pl.col("ecommerce"),
    "ecommerce_or_association": pl.col("ecommerce") | pl.col("association"),
    "traditional": ~pl.col("ecommerce") & ~pl.col("association"),
}


def kind_ok(required: str) -> pl.Expr:
    return KIND_OK[required]


def kind_step(required: str) -> Step:
    """Step `enterprise_kind`: what the item asks (ecommerce, ecommerce_or_association,
    traditional) and what the enterprise is."""
    return Step(
        "enterprise_kind",
        values(
            required=pl.lit(required),
            ecommerce=pl.col("ecommerce"),
            association=pl.col("association"),
            ok=kind_ok(required),
        ),
    )


def quota_position(frame: pl.LazyFrame, *, by: str = "rank") -> pl.LazyFrame:
    """Adds `position`: 1, 2, 3 … in the order of `by`, ties by enterprise id (the district's own
    ranking decides; the engine never reorders it)."""
    return (
        frame.sort([by, "enterprise"], nulls_last=True)
        .with_row_index("position", offset=1)
        .with_columns(pl.col("position").cast(pl.Int64))
    )


def threshold_step(value: pl.Expr, threshold: pl.Expr | int, comparison: str, *, what: str) -> Step:
    """Step `threshold`: value compared with a legal number. comparison: at_least (以上、达到, the
    number itself passes) or above (超过、突破, the number itself does not)."""
    limit = threshold if isinstance(threshold, pl.Expr) else pl.lit(threshold)
    ok = value >= limit if comparison == "at_least" else value > limit
    return Step(
        "threshold",
        values(what=pl.lit(what), value=value, threshold=limit, comparison=pl.lit(comparison), ok=ok),
    )
