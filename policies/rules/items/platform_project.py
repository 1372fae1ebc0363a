"""四（二）3 — platform projects: 30 % of the investment, at most 300,000 yuan per project.

"电商企业或行业协会利用自有资金建电子商务平台项目，给予建设项目补助，补助资金不高于投入的30%，
单个项目补助资金最高不超过30万元。"

- Who: an e-commerce enterprise or an industry association; a traditional enterprise gets nothing
  (reason not_ecommerce_or_association). Built with own funds (not_own_funds otherwise).
- Each project of the year (`projects.year`) is one award (ref = project id); an enterprise may
  have several. amount = investment × 30 % rounded half up to the fen, then at most 300,000.00
  (不超过 includes the cap: exactly 1,000,000 yuan invested gives exactly 300,000).
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import Context, Rule, Step, apply_rate, clip_to_int64, granted_or_capped, reason_chain, values
from policies.rules.items._common import kind_ok, kind_step

KEY = "platform_project"
REFERENCE = "四（二）3"
PARAMETERS = ("platform_rate_ppm", "platform_cap_fen")


def _wide(ctx: Context) -> pl.LazyFrame:
    rate = ctx.value("platform_rate_ppm")
    cap = ctx.value("platform_cap_fen")
    projects = ctx.with_flags(ctx.facts.projects.lazy().filter(pl.col("year") == ctx.year))
    eligible = kind_ok("ecommerce_or_association") & pl.col("own_funds") & (pl.col("investment_fen") >= 0)
    return (
        projects.with_columns(
            pl.col("project").alias("ref"),
            apply_rate(pl.col("investment_fen").clip(lower_bound=0), rate).alias("raw_fen"),
        )
        .with_columns(
            pl.when(eligible).then(clip_to_int64(pl.col("raw_fen"), cap)).otherwise(0).alias("amount_fen"),
        )
        .with_columns(
            reason_chain(
                [
                    (~kind_ok("ecommerce_or_association"), "not_ecommerce_or_association"),
                    (~pl.col("own_funds"), "not_own_funds"),
                    (pl.col("investment_fen") < 0, "invalid_fact"),
                ],
                granted_or_capped(pl.col("raw_fen"), pl.col("amount_fen")),
            ).alias("reason")
        )
    )


def _steps(ctx: Context) -> list[Step]:
    rate = ctx.value("platform_rate_ppm")
    cap = ctx.value("platform_cap_fen")
    return [
        kind_step("ecommerce_or_association"),
        Step(
            "project",
            values(project=pl.col("project"), investment_fen=pl.col("investment_fen"), own_funds=pl.col("own_funds")),
        ),
        Step(
            "rate",
            values(base_fen=pl.col("investment_fen"), rate_ppm=pl.lit(rate), amount_fen=pl.col("raw_fen")),
            when=pl.col("reason").is_in(["granted", "capped", "no_amount"]),
        ),
        Step(
            "cap",
            values(amount_fen=pl.col("raw_fen"), cap_fen=pl.lit(cap), paid_fen=pl.col("amount_fen")),
            when=pl.col("reason") == "capped",
        ),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
