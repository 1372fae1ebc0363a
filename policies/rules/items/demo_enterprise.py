"""四（二）6 — demonstration enterprises: national 100,000, Chongqing municipal 50,000, district
20,000 yuan, in the year of recognition; at most five district recognitions a year.

"被认定为全国电子商务示范企业的给予10万元的资金奖励；被认定为重庆市电子商务示范企业的给予5万元的
资金奖励；被认定为区级电子商务示范企业的（每年不超过5户）给予2万元的资金奖励。"

- One row per recognition of the year; ref = level (1 national, 2 municipal, 3 district; 0 for a
  level the pack does not know: unknown_kind). An enterprise recognised at two levels in one year
  gets both (the text does not exclude it; 四（七）no-stacking is about other policies).
- District recognitions are placed in the district's ranking order (`demo_titles.rank`, ties by
  enterprise id): places 1–5 are paid, the 6th and after are refused (over_quota). "不超过5户"
  includes five.
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import Context, Rule, Step, reason_chain, values
from policies.rules.items._common import quota_position
from policies.rules.params import DEMO_LEVELS

KEY = "demo_enterprise"
REFERENCE = "四（二）6"
PARAMETERS = ("demo_award_fen", "demo_district_per_year")
LEVEL_REF = {level: i + 1 for i, level in enumerate(DEMO_LEVELS)}  # national 1, municipal 2, district 3


def _wide(ctx: Context) -> pl.LazyFrame:
    awards: dict[str, int] = ctx.value("demo_award_fen")
    quota = ctx.value("demo_district_per_year")
    titles = (
        ctx.facts.demo_titles.lazy()
        .filter(pl.col("year") == ctx.year)
        .group_by("enterprise", "level")
        .agg(pl.col("rank").min())
    )
    district = quota_position(titles.filter(pl.col("level") == "district"))
    others = titles.filter(pl.col("level") != "district").with_columns(pl.lit(None, dtype=pl.Int64).alias("position"))
    rows = ctx.with_flags(pl.concat([district, others], how="diagonal_relaxed"))
    known = pl.col("level").is_in(DEMO_LEVELS)
    over = (pl.col("level") == "district") & (pl.col("position") > quota)
    return rows.with_columns(
        pl.col("level").replace_strict(LEVEL_REF, default=0, return_dtype=pl.Int64).alias("ref"),
        reason_chain([(~known, "unknown_kind"), (over, "over_quota")], "granted").alias("reason"),
    ).with_columns(
        pl.when(pl.col("reason") == "granted")
        .then(pl.col("level").replace_strict(awards, default=0, return_dtype=pl.Int64))
        .otherwise(0)
        .alias("amount_fen")
    )


def _steps(ctx: Context) -> list[Step]:
    quota = ctx.value("demo_district_per_year")
    return [
        Step("title", values(level=pl.col("level"), rank=pl.col("rank"))),
        Step(
            "quota",
            values(
                rank=pl.col("rank"), position=pl.col("position"), quota=pl.lit(quota), ok=pl.col("position") <= quota
            ),
            when=pl.col("level") == "district",
        ),
        Step("fixed_amount", values(amount_fen=pl.col("amount_fen")), when=pl.col("reason") == "granted"),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
