"""四（二）5 — online orders of local agricultural or recognised brand products: 20,000 orders or
more in a year earn 2 yuan per order, at most 300,000 yuan.

"登记注册在荣昌区的电商企业线上营销荣昌农特产品或经认定的品牌产品，年交易2万单以上的给予每单2元的
资金奖励，奖励金额最高不超过30万元。"

- Who: an e-commerce enterprise (not_ecommerce). The year's orders (rows of the same enterprise
  and year are added up).
- "2万单以上" includes 20,000: 20,000 orders earn 40,000.00; 19,999 earn nothing
  (below_threshold). Every order counts once the threshold is reached, not only those above it.
- amount = orders × 2.00, at most 300,000.00 (reached at 150,000 orders: capped above).
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import (
    Context,
    Rule,
    Step,
    clip_to_int64,
    granted_or_capped,
    reason_chain,
    values,
    wide,
    wide_sum,
)
from policies.rules.items._common import kind_ok, kind_step, threshold_step

KEY = "online_orders"
REFERENCE = "四（二）5"
PARAMETERS = ("orders_threshold", "orders_per_order_fen", "orders_cap_fen")


def _wide(ctx: Context) -> pl.LazyFrame:
    threshold = ctx.value("orders_threshold")
    per_order = ctx.value("orders_per_order_fen")
    cap = ctx.value("orders_cap_fen")
    orders = ctx.with_flags(
        ctx.facts.orders.lazy()
        .filter(pl.col("year") == ctx.year)
        .group_by("enterprise")
        .agg(wide_sum(pl.col("orders").fill_null(0)).alias("orders"))  # Int128: rows of a year cannot wrap
    )
    reached = pl.col("orders") >= threshold
    return (
        orders.with_columns(
            pl.lit(0).alias("ref"),
            (wide(pl.col("orders").clip(lower_bound=0)) * per_order).alias("raw_fen"),
        )
        .with_columns(
            pl.when(reached & kind_ok("ecommerce"))
            .then(clip_to_int64(pl.col("raw_fen"), cap))
            .otherwise(0)
            .alias("amount_fen"),
        )
        .with_columns(
            reason_chain(
                [(~kind_ok("ecommerce"), "not_ecommerce"), (~reached, "below_threshold")],
                granted_or_capped(pl.col("raw_fen"), pl.col("amount_fen")),
            ).alias("reason")
        )
    )


def _steps(ctx: Context) -> list[Step]:
    per_order = ctx.value("orders_per_order_fen")
    cap = ctx.value("orders_cap_fen")
    paid = pl.col("reason").is_in(["granted", "capped"])
    return [
        kind_step("ecommerce"),
        threshold_step(pl.col("orders"), ctx.value("orders_threshold"), "at_least", what="orders"),
        Step(
            "per_unit",
            values(count=pl.col("orders"), per_unit_fen=pl.lit(per_order), amount_fen=pl.col("raw_fen")),
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
