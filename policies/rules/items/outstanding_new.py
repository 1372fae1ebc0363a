"""四（二）4 — ten outstanding new e-commerce enterprises a year, 20,000 yuan each.

"全区每年评选10个业绩突出的新增电商企业给予2万元/个资金奖励。"

- The district's selection of the year, in its ranking order (`outstanding.rank`; ties by
  enterprise id; an enterprise listed twice keeps its best rank). Places 1–10 are paid; the 11th
  and after are refused (over_quota). Places are the district's list: one that is refused for
  another reason (not registered, not e-commerce, stacked) does not move the 11th up — the
  district selects again within ten.
- Who: an e-commerce enterprise (not_ecommerce).
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import Context, Rule, Step, reason_chain, values
from policies.rules.items._common import kind_ok, kind_step, quota_position

KEY = "outstanding_new"
REFERENCE = "四（二）4"
PARAMETERS = ("outstanding_new_per_year", "outstanding_new_award_fen")


def _wide(ctx: Context) -> pl.LazyFrame:
    quota = ctx.value("outstanding_new_per_year")
    award = ctx.value("outstanding_new_award_fen")
    chosen = (
        ctx.facts.outstanding.lazy().filter(pl.col("year") == ctx.year).group_by("enterprise").agg(pl.col("rank").min())
    )
    chosen = ctx.with_flags(quota_position(chosen))
    within = pl.col("position") <= quota
    return chosen.with_columns(
        pl.lit(0).alias("ref"),
        pl.when(within & kind_ok("ecommerce")).then(pl.lit(award)).otherwise(0).alias("amount_fen"),
        reason_chain([(~within, "over_quota"), (~kind_ok("ecommerce"), "not_ecommerce")], "granted").alias("reason"),
    )


def _steps(ctx: Context) -> list[Step]:
    quota = ctx.value("outstanding_new_per_year")
    award = ctx.value("outstanding_new_award_fen")
    return [
        kind_step("ecommerce"),
        Step(
            "quota",
            values(
                rank=pl.col("rank"),
                position=pl.col("position"),
                quota=pl.lit(quota),
                ok=pl.col("position") <= quota,
            ),
        ),
        Step("fixed_amount", values(amount_fen=pl.lit(award)), when=pl.col("reason") == "granted"),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
