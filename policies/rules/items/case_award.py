"""Case-by-case awards decided by the district leading group: no formula, paid as decided, with the
decision document in the trace.

- 四（二）1 base_operator: "给予运营主体一定补助资金" (the operator of the national demonstration base).
- 四（二）7 large_enterprise: "按照‘一企一策、一事一议’给予支持".

One row per decided matter of the year (`case_awards`, ref = case id). A negative amount is
refused (invalid_fact); a missing decision number too — an award without its document cannot be
explained.
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import Context, Rule, Step, reason_chain, values


def _make(key: str, reference: str) -> Rule:
    def _wide(ctx: Context) -> pl.LazyFrame:
        cases = ctx.with_flags(
            ctx.facts.case_awards.lazy().filter((pl.col("year") == ctx.year) & (pl.col("item") == key))
        )
        valid = (pl.col("amount_fen").fill_null(-1) >= 0) & (
            pl.col("decision_no").fill_null("").str.strip_chars() != ""
        )
        return cases.with_columns(
            pl.col("case").alias("ref"),
            pl.col("amount_fen").alias("decided_fen"),
            pl.when(valid).then(pl.col("amount_fen")).otherwise(0).alias("amount_fen"),
            reason_chain([(~valid, "invalid_fact"), (pl.col("amount_fen") == 0, "no_amount")], "granted").alias(
                "reason"
            ),
        )

    def _steps(ctx: Context) -> list[Step]:
        return [
            Step(
                "case_decision",
                values(case=pl.col("case"), decision_no=pl.col("decision_no"), amount_fen=pl.col("decided_fen")),
            )
        ]

    return Rule(key, reference, (), _wide, _steps)


BASE_OPERATOR = _make("base_operator", "四（二）1")
LARGE_ENTERPRISE = _make("large_enterprise", "四（二）7")
