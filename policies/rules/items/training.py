"""四（二）9 — talent training: "给予一定的培训经费补助". The amount is the district's to set; the pack
gives the rule's shape and (placeholder) values:

- mode per_trainee: trainees × per_trainee_fen; mode cost_share: training cost × cost_share_ppm,
  rounded half up; then at most cap_fen per enterprise and year. Mode none: nothing is paid
  (rule_not_set) — the district has not decided.
- Rows of the same enterprise and year are added up first (trainees, cost).
- The trace's `param` step carries `placeholder: true` while the district has not fixed the
  values, so every explanation says the amount is provisional.
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import (
    Context,
    Rule,
    Step,
    apply_rate,
    clip_to_int64,
    granted_or_capped,
    reason_chain,
    values,
    wide,
    wide_sum,
)

KEY = "training"
REFERENCE = "四（二）9"
PARAMETERS = ("training_rule",)


def _wide(ctx: Context) -> pl.LazyFrame:
    rule = ctx.value("training_rule")
    rows = ctx.with_flags(
        ctx.facts.training.lazy()
        .filter(pl.col("year") == ctx.year)
        .group_by("enterprise")
        .agg(  # Int128: rows of a year cannot wrap
            wide_sum(pl.col("trainees").fill_null(0)).alias("trainees"),
            wide_sum(pl.col("cost_fen").fill_null(0)).alias("cost_fen"),
        )
    )
    if rule["mode"] == "per_trainee":
        raw = wide(pl.col("trainees").clip(lower_bound=0)) * rule["per_trainee_fen"]
    elif rule["mode"] == "cost_share":
        raw = apply_rate(pl.col("cost_fen").clip(lower_bound=0), rule["cost_share_ppm"])
    else:
        raw = pl.lit(0, dtype=pl.Int128)
    return (
        rows.with_columns(pl.lit(0).alias("ref"), raw.alias("raw_fen"))
        .with_columns(clip_to_int64(pl.col("raw_fen"), rule["cap_fen"]).alias("amount_fen"))
        .with_columns(
            reason_chain(
                [(pl.lit(rule["mode"] == "none"), "rule_not_set")],
                granted_or_capped(pl.col("raw_fen"), pl.col("amount_fen")),
            ).alias("reason")
        )
    )


def _steps(ctx: Context) -> list[Step]:
    rule = ctx.value("training_rule")
    calc: list[Step] = []
    if rule["mode"] == "per_trainee":
        calc.append(
            Step(
                "per_unit",
                values(
                    count=pl.col("trainees"),
                    per_unit_fen=pl.lit(rule["per_trainee_fen"]),
                    amount_fen=pl.col("raw_fen"),
                ),
            )
        )
    elif rule["mode"] == "cost_share":
        calc.append(
            Step(
                "rate",
                values(
                    base_fen=pl.col("cost_fen"),
                    rate_ppm=pl.lit(rule["cost_share_ppm"]),
                    amount_fen=pl.col("raw_fen"),
                ),
            )
        )
    return [
        Step("training", values(trainees=pl.col("trainees"), cost_fen=pl.col("cost_fen"), mode=pl.lit(rule["mode"]))),
        *calc,
        Step(
            "cap",
            values(
                amount_fen=pl.col("raw_fen"),
                cap_fen=pl.lit(rule["cap_fen"]),
                paid_fen=pl.col("amount_fen"),
            ),
            when=pl.col("reason") == "capped",
        ),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
