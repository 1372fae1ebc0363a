"""四（二）6 — yearly e-commerce transactions exceeding 10 million, 50 million, 100 million,
500 million yuan for the first time: once 30,000, 50,000, 100,000, 200,000 yuan.

"入驻荣昌区电子商务产业园注册在荣昌电商企业年电商交易额首次突破1000万元、5000万元、1亿元、5亿元的，
分别一次性给予3万元、5万元、10万元、20万元的资金奖励。"

- Who: an e-commerce enterprise (not_ecommerce) resident in a district park during the year
  (at least one month; not_resident).
- "突破" excludes the number: exactly 10,000,000.00 does not exceed 10 million.
- "首次" looks at the enterprise's whole recorded history (`transactions`, rows of the same year
  added up): a tier is first crossed in year Y when Y's volume exceeds it and no earlier year's
  did; otherwise not_first_time (the trace names the earlier year with the highest volume).
- One row per tier exceeded in the year (ref = tier number, 1 = 10 million … 4 = 500 million).
  Several tiers crossed for the first time in the same year are each paid, unless the pack's
  `milestone_highest_tier_only` is true: then only the highest is paid and the lower ones say
  lower_tier. A year exceeding no tier gives one row, ref 0, not_exceeded.
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import Context, Rule, Step, reason_chain, values, wide_sum
from policies.rules.items._common import kind_ok, kind_step

KEY = "milestone"
REFERENCE = "四（二）6"
PARAMETERS = ("milestone_tiers", "milestone_highest_tier_only")


def _one_row_per_year(ctx: Context) -> bool:
    """Whether `transactions` has at most one row per enterprise and year (the usual case: then the
    yearly sums are the rows themselves and one grouping by enterprise suffices)."""
    tx = ctx.facts.transactions
    if tx.height == 0:
        return True
    if tx["year"].null_count() or tx["enterprise"].null_count():
        return False
    low, high = tx["enterprise"].min(), tx["enterprise"].max()
    if not isinstance(low, int) or not isinstance(high, int) or low < 0 or high >= 2**40:
        return False
    key = pl.col("enterprise") * 65_536 + (pl.col("year").cast(pl.Int64) - tx["year"].min())
    if tx["year"].max() - tx["year"].min() >= 65_536:  # type: ignore[operator]
        return False
    return int(tx.select(key.n_unique()).item()) == tx.height


def _wide(ctx: Context) -> pl.LazyFrame:
    tiers: list[dict[str, int]] = ctx.value("milestone_tiers")
    highest_only: bool = ctx.value("milestone_highest_tier_only")
    history = ctx.facts.transactions.lazy().filter(pl.col("year") <= ctx.year)
    if not _one_row_per_year(ctx):
        # Int128: rows of a year cannot wrap; several tiers' thresholds are compared with the true sum.
        history = history.group_by("enterprise", "year").agg(wide_sum(pl.col("amount_fen").fill_null(0)))
    # One row per enterprise and year now: this year's volume, and the highest earlier year.
    earlier = pl.col("year") < ctx.year
    history = history.with_columns(
        pl.when(pl.col("year") == ctx.year).then(pl.col("amount_fen").fill_null(0)).alias("this_year"),
        pl.when(earlier).then(pl.col("amount_fen").fill_null(0)).alias("earlier"),
    )
    aggs = [
        wide_sum(pl.col("this_year")).alias("year_fen"),
        pl.col("this_year").is_not_null().any().alias("has_year"),
        pl.col("earlier").max().alias("previous_max_fen"),
    ]
    if ctx.trace:
        # the earliest of the earlier years with the highest volume
        aggs.append(
            pl.col("year").filter(pl.col("earlier") == pl.col("earlier").max()).min().alias("previous_max_year")
        )
    current = history.group_by("enterprise").agg(aggs).filter(pl.col("has_year"))
    base = ctx.with_flags(
        current.join(ctx.residency().select("enterprise", "resident_mask"), on="enterprise", how="left")
    ).with_columns((pl.col("resident_mask").fill_null(0) != 0).alias("resident"))
    if not ctx.trace:
        base = base.with_columns(pl.lit(None, dtype=pl.Int32).alias("previous_max_year"))
    before = pl.col("previous_max_fen").fill_null(-1)
    # Tier thresholds increase, so the tiers exceeded are 1..k with k the number exceeded.
    exceeded = pl.sum_horizontal([(pl.col("year_fen") > t["threshold_fen"]).cast(pl.Int64) for t in tiers])
    highest_new = pl.max_horizontal(
        [
            pl.when((pl.col("year_fen") > t["threshold_fen"]) & (before <= t["threshold_fen"])).then(i + 1).otherwise(0)
            for i, t in enumerate(tiers)
        ]
    )
    thresholds = pl.Series([0] + [t["threshold_fen"] for t in tiers], dtype=pl.Int64)
    awards = pl.Series([0] + [t["award_fen"] for t in tiers], dtype=pl.Int64)
    rows = (
        base.with_columns(
            pl.int_ranges(pl.when(exceeded > 0).then(1).otherwise(0), exceeded + 1, dtype=pl.Int64).alias("ref"),
            highest_new.alias("highest_new"),
        )
        .explode("ref")
        .with_columns(
            pl.lit(thresholds).gather(pl.col("ref")).alias("threshold_fen"),
            pl.lit(awards).gather(pl.col("ref")).alias("award_fen"),
        )
        .with_columns(((pl.col("ref") > 0) & (before > pl.col("threshold_fen"))).alias("before"))
    )
    lower = pl.lit(highest_only) & (pl.col("ref") < pl.col("highest_new"))
    reason = reason_chain(
        [
            (~kind_ok("ecommerce"), "not_ecommerce"),
            (~pl.col("resident"), "not_resident"),
            (pl.col("ref") == 0, "not_exceeded"),
            (pl.col("before"), "not_first_time"),
            (lower, "lower_tier"),
        ],
        "granted",
    )
    return rows.with_columns(reason.alias("reason")).with_columns(
        pl.when(pl.col("reason") == "granted").then(pl.col("award_fen")).otherwise(0).alias("amount_fen")
    )


def _steps(ctx: Context) -> list[Step]:
    return [
        kind_step("ecommerce"),
        Step(
            "transactions",
            values(
                year_fen=pl.col("year_fen"),
                previous_max_fen=pl.col("previous_max_fen"),
                previous_max_year=pl.col("previous_max_year"),
                resident=pl.col("resident"),
            ),
        ),
        Step(
            "tier",
            values(
                tier=pl.col("ref"),
                threshold_fen=pl.col("threshold_fen"),
                award_fen=pl.col("award_fen"),
                exceeded=pl.lit(True),
                before=pl.col("before"),
            ),
            when=pl.col("ref") > 0,
        ),
        Step("highest_tier_only", values(highest_tier=pl.col("highest_new")), when=pl.col("reason") == "lower_tier"),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
