"""四（二）5 — brands recognised by the district leading group: the amount the group decides,
between 20,000 and 50,000 yuan per brand, once.

"经区电子商务产业发展领导小组认定的电商品牌，按2-5万元/个给予一次性资金奖励。"

- One award per brand of the year with kind "district" (ref = brand id). The decided amount is
  paid as decided when 20,000.00 ≤ amount ≤ 50,000.00 (both ends are in the range "2-5万元");
  outside the range it is refused (out_of_range), never clipped: the group must decide again.
- A brand row of an unknown kind (neither district, national nor municipal) is listed here with
  unknown_kind.
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import Context, Rule, Step, reason_chain, values

KEY = "brand_district"
REFERENCE = "四（二）5"
PARAMETERS = ("brand_district_min_fen", "brand_district_max_fen")
UPPER_KINDS = ("national", "municipal")


def _wide(ctx: Context) -> pl.LazyFrame:
    low = ctx.value("brand_district_min_fen")
    high = ctx.value("brand_district_max_fen")
    brands = ctx.with_flags(
        ctx.facts.brands.lazy().filter((pl.col("year") == ctx.year) & ~pl.col("kind").is_in(UPPER_KINDS))
    )
    in_range = pl.col("amount_fen").is_between(low, high, closed="both").fill_null(False)
    return brands.with_columns(
        pl.col("brand").alias("ref"),
        (pl.col("amount_fen").fill_null(0)).alias("decided_fen"),
        pl.when((pl.col("kind") == "district") & in_range).then(pl.col("amount_fen")).otherwise(0).alias("amount_fen"),
        reason_chain([(pl.col("kind") != "district", "unknown_kind"), (~in_range, "out_of_range")], "granted").alias(
            "reason"
        ),
    )


def _steps(ctx: Context) -> list[Step]:
    low = ctx.value("brand_district_min_fen")
    high = ctx.value("brand_district_max_fen")
    return [
        Step("brand", values(brand=pl.col("brand"), kind=pl.col("kind"), amount_fen=pl.col("decided_fen"))),
        Step(
            "range",
            values(
                amount_fen=pl.col("decided_fen"),
                min_fen=pl.lit(low),
                max_fen=pl.lit(high),
                ok=pl.col("decided_fen").is_between(low, high, closed="both"),
            ),
            when=pl.col("kind") == "district",
        ),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
