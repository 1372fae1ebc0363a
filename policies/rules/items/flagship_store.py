"""四（二）4 — flagship and exclusive stores of traditional enterprises: once, 50 % of the store's
yearly operating cost, at most 50,000 yuan, however many platforms.

"对登记注册在荣昌的传统企业在京东、阿里巴巴、苏宁易购、天猫等全国知名第三方电商平台新开设旗舰店、
专卖店网络销售荣昌产品且正常运行一年以上并达到一定交易额的，一次性给予其年运营费用的50%资金补助，
最高不超过5万元，企业加入多家电商平台的不重复享受。"

- Who: a traditional enterprise (neither e-commerce nor an association: not_traditional); the
  platform is on the pack's editable list (platform_not_listed); the store is newly opened
  (not_newly_opened) and running normally (not_running_normally).
- "一年以上" includes exactly one year: the store qualifies on its first anniversary
  (opened_on + 1 year; a 29 February opening has its anniversary on 28 February), and the award
  belongs to the calendar year in which that anniversary falls. A store opened in the year whose
  anniversary is still ahead is listed with under_one_year.
- Its first full year's turnover reaches the threshold (达到 includes it; below_threshold).
- amount = operating cost × 50 % rounded half up, at most 50,000.00.
- Once per enterprise: of all the enterprise's qualifying stores (whole history), only the first
  to qualify is paid — earliest anniversary, then the larger award, then the lower store id; the
  others say once_per_enterprise and name the store paid.
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import Context, Rule, Step, apply_rate, clip_to_int64, granted_or_capped, reason_chain, values
from policies.rules.items._common import kind_ok, kind_step, threshold_step

KEY = "flagship_store"
REFERENCE = "四（二）4"
PARAMETERS = ("store_platforms", "store_min_years", "store_turnover_threshold_fen", "store_rate_ppm", "store_cap_fen")


def _wide(ctx: Context) -> pl.LazyFrame:
    platforms = list(ctx.value("store_platforms"))
    years = ctx.value("store_min_years")
    threshold = ctx.value("store_turnover_threshold_fen")
    rate = ctx.value("store_rate_ppm")
    cap = ctx.value("store_cap_fen")
    stores = ctx.with_flags(ctx.facts.stores.lazy().filter(pl.col("opened_on").is_not_null())).with_columns(
        pl.col("opened_on").dt.offset_by(f"{years}y").alias("anniversary"),
        pl.col("platform").is_in(platforms).fill_null(False).alias("listed"),
        (pl.col("year_turnover_fen").fill_null(0) >= threshold).alias("turnover_ok"),
        clip_to_int64(apply_rate(pl.col("year_operating_cost_fen").fill_null(0).clip(lower_bound=0), rate), cap).alias(
            "capped_fen"
        ),
        apply_rate(pl.col("year_operating_cost_fen").fill_null(0).clip(lower_bound=0), rate).alias("raw_fen"),
    )
    qualifies = (
        kind_ok("traditional")
        & pl.col("listed")
        & pl.col("newly_opened")
        & pl.col("running_normally")
        & pl.col("turnover_ok")
    )
    first = (
        stores.filter(qualifies)
        .group_by("enterprise")
        .agg(
            pl.col(column)
            .sort_by(["anniversary", "capped_fen", "store"], descending=[False, True, False])
            .first()
            .alias(alias)
            for column, alias in (("store", "paid_store"), ("anniversary", "paid_anniversary"))
        )
    )
    in_year = stores.filter((pl.col("opened_on") <= ctx.year_end) & (pl.col("anniversary") >= ctx.year_start)).join(
        first, on="enterprise", how="left"
    )
    once_elsewhere = pl.col("paid_store").is_not_null() & (pl.col("paid_store") != pl.col("store"))
    return in_year.with_columns(
        pl.col("store").alias("ref"),
        (pl.col("anniversary") <= ctx.year_end).alias("one_year_ok"),
    ).with_columns(
        pl.when(qualifies & pl.col("one_year_ok") & ~once_elsewhere)
        .then(pl.col("capped_fen"))
        .otherwise(0)
        .alias("amount_fen"),
        reason_chain(
            [
                (~kind_ok("traditional"), "not_traditional"),
                (~pl.col("listed"), "platform_not_listed"),
                (~pl.col("newly_opened"), "not_newly_opened"),
                (~pl.col("one_year_ok"), "under_one_year"),
                (~pl.col("running_normally"), "not_running_normally"),
                (~pl.col("turnover_ok"), "below_threshold"),
                (once_elsewhere, "once_per_enterprise"),
            ],
            granted_or_capped(pl.col("raw_fen"), pl.col("capped_fen")),
        ).alias("reason"),
    )


def _steps(ctx: Context) -> list[Step]:
    years = ctx.value("store_min_years")
    rate = ctx.value("store_rate_ppm")
    cap = ctx.value("store_cap_fen")
    paid = pl.col("reason").is_in(["granted", "capped", "no_amount"])
    return [
        kind_step("traditional"),
        Step(
            "store",
            values(
                store=pl.col("store"),
                platform=pl.col("platform"),
                listed=pl.col("listed"),
                opened_on=pl.col("opened_on"),
                newly_opened=pl.col("newly_opened"),
                running_normally=pl.col("running_normally"),
                turnover_fen=pl.col("year_turnover_fen"),
                operating_cost_fen=pl.col("year_operating_cost_fen"),
            ),
        ),
        Step(
            "anniversary",
            values(
                since=pl.col("opened_on"),
                years=pl.lit(years),
                anniversary=pl.col("anniversary"),
                year_end=pl.lit(ctx.year_end),
                ok=pl.col("one_year_ok"),
            ),
        ),
        threshold_step(
            pl.col("year_turnover_fen"), ctx.value("store_turnover_threshold_fen"), "at_least", what="store_turnover"
        ),
        Step(
            "once_per_enterprise",
            values(paid_store=pl.col("paid_store"), paid_anniversary=pl.col("paid_anniversary")),
            when=pl.col("reason") == "once_per_enterprise",
        ),
        Step(
            "rate",
            values(
                base_fen=pl.col("year_operating_cost_fen"),
                rate_ppm=pl.lit(rate),
                amount_fen=pl.col("raw_fen"),
            ),
            when=paid,
        ),
        Step(
            "cap",
            values(amount_fen=pl.col("raw_fen"), cap_fen=pl.lit(cap), paid_fen=pl.col("amount_fen")),
            when=pl.col("reason") == "capped",
        ),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
