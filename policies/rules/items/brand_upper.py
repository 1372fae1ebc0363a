"""四（二）5 — national or municipal famous e-commerce brands: 100 % of the upper level's award again.

"对获得国家级、市级电商著名、知名品牌的企业，按国家级、市级补助标准的100%给予奖励。"

- One award per brand of the year with kind "national" or "municipal" (ref = brand id);
  `amount_fen` of the fact is the upper level's award; the district pays it × 100 %, rounded half
  up to the fen (the rate is a parameter, so a what-if can try another).
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import Context, Rule, Step, apply_rate, reason_chain, values

KEY = "brand_upper"
REFERENCE = "四（二）5"
PARAMETERS = ("brand_upper_rate_ppm",)
KINDS = ("national", "municipal")


def _wide(ctx: Context) -> pl.LazyFrame:
    rate = ctx.value("brand_upper_rate_ppm")
    brands = ctx.with_flags(ctx.facts.brands.lazy().filter((pl.col("year") == ctx.year) & pl.col("kind").is_in(KINDS)))
    valid = pl.col("amount_fen").fill_null(-1) >= 0
    return brands.with_columns(
        pl.col("brand").alias("ref"),
        pl.col("amount_fen").alias("upper_fen"),
        pl.when(valid).then(apply_rate(pl.col("amount_fen"), rate)).otherwise(0).alias("amount_fen"),  # Int128
    ).with_columns(
        reason_chain([(~valid, "invalid_fact"), (pl.col("amount_fen") == 0, "no_amount")], "granted").alias("reason"),
    )


def _steps(ctx: Context) -> list[Step]:
    rate = ctx.value("brand_upper_rate_ppm")
    return [
        Step("brand", values(brand=pl.col("brand"), kind=pl.col("kind"), amount_fen=pl.col("upper_fen"))),
        Step(
            "rate",
            values(base_fen=pl.col("upper_fen"), rate_ppm=pl.lit(rate), amount_fen=pl.col("amount_fen")),
            when=pl.col("reason") != "invalid_fact",
        ),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
