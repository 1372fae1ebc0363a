"""四（二）2 — park rent and broadband: 100 % in residence years 1–3, 50 % in years 4–5, nothing after.

"对入驻榮昌区电子商务产业园登记注册在榮昌的电商企业……前3年全额场租、宽带费用补助，第4-5年每年补助50%。"

- Who: an e-commerce enterprise (not a traditional one) resident in a district e-commerce park.
- Residence years run from the first entry (anniversaries, not calendar years). A calendar month
  belongs to the residence year in which the month's LAST day falls: the month of entry is month 1
  of year 1 (even when entry is on the 20th), and the month in which the k-th anniversary falls
  opens year k+1. Every residence year is thus exactly 12 calendar months. (Assigning by the first
  day would leave the entry month in no residence year and stretch year 5 into the month of the 5th
  anniversary.) Leaving and coming back does not restart the count.
- A month is resident when a residency overlaps it. A cost line (rent or broadband, one period) is
  spread evenly over the calendar months its period touches (a one-month period is a monthly
  figure); the subsidy of the line for the year is
      amount × Σ_{its months in the year} rate(residence year of the month) / months of the period,
  rounded half up to the fen once per line; the award is the sum of the lines.
- Reasons: not_ecommerce; not_resident (no cost month in the year while resident);
  residence_expired (resident, but only in years without a rate, the 6th on); no_amount;
  invalid_fact (only lines whose period ends before it starts or with a negative amount).
"""

from __future__ import annotations

import polars as pl

from policies.rules.base import (
    PPM,
    Context,
    Rule,
    Step,
    month_index,
    month_mask,
    popcount,
    reason_chain,
    round_div,
    values,
    wide_sum,
)
from policies.rules.items._common import kind_step

KEY = "park_costs"
REFERENCE = "四（二）2"
PARAMETERS = ("park_rate_by_residence_year_ppm", "park_cost_kinds")


def _wide(ctx: Context) -> pl.LazyFrame:
    rates: list[int] = ctx.value("park_rate_by_residence_year_ppm")
    kinds: list[str] = ctx.value("park_cost_kinds")
    lines = (
        ctx.facts.costs.lazy()
        .filter(
            (pl.col("period_start") <= ctx.year_end) & (pl.col("period_end") >= ctx.year_start)
            | ((pl.col("period_end") < pl.col("period_start")) & pl.col("period_start").dt.year().eq(ctx.year))
        )
        .with_columns(
            month_index(pl.col("period_start")).alias("ms"),
            month_index(pl.col("period_end")).alias("me"),
        )
        .with_columns(
            ((pl.col("me") >= pl.col("ms")) & (pl.col("amount_fen") >= 0)).alias("valid"),
            pl.col("kind").is_in(kinds).alias("covered"),
            (pl.col("me") - pl.col("ms") + 1).alias("months"),
            month_mask(pl.col("ms"), pl.col("me"), ctx.year).alias("cost_mask"),
        )
        .join(ctx.residency(), on="enterprise", how="left")
        .with_columns(
            pl.col("resident_mask").fill_null(0),
            (pl.col("valid") & pl.col("covered")).alias("eligible_line"),
        )
        .with_columns((pl.col("cost_mask") & pl.col("resident_mask")).alias("paid_mask"))
    )
    entry = pl.col("first_entry_month")
    by_year = [
        popcount(pl.col("paid_mask") & month_mask(entry + 12 * k, entry + 12 * k + 11, ctx.year))
        .fill_null(0)
        .alias(f"m{k + 1}")
        for k in range(len(rates))
    ]
    lines = lines.with_columns(*by_year)
    weighted = pl.sum_horizontal([pl.col(f"m{k + 1}") * rate for k, rate in enumerate(rates)]) if rates else pl.lit(0)
    rated = pl.sum_horizontal([pl.col(f"m{k + 1}") for k in range(len(rates))]) if rates else pl.lit(0)
    lines = lines.with_columns(
        pl.when(pl.col("eligible_line"))
        .then(round_div(pl.col("amount_fen").cast(pl.Int128) * weighted, pl.col("months").cast(pl.Int128) * PPM))
        .otherwise(0)
        .alias("subsidy_fen"),  # Int128: a line's subsidy is not cut to 64 bits before the checks
        popcount(pl.col("paid_mask")).alias("resident_months"),
        rated.alias("rated_months"),
    )
    eligible = pl.col("eligible_line")
    aggs = [
        wide_sum(pl.col("subsidy_fen")).alias("sum_fen"),  # Int128: many lines cannot wrap
        eligible.sum().alias("eligible_lines"),
        (~pl.col("valid")).sum().alias("invalid_lines"),
        pl.when(eligible).then(pl.col("resident_months")).otherwise(0).sum().alias("resident_months"),
        wide_sum(pl.when(eligible).then(pl.col("amount_fen")).otherwise(0)).alias("eligible_cost_fen"),
    ]
    if ctx.trace:
        line_values = values(
            kind=pl.col("kind"),
            period_start=pl.col("period_start"),
            period_end=pl.col("period_end"),
            amount_fen=pl.col("amount_fen"),
            months=pl.col("months"),
            months_in_year=popcount(pl.col("cost_mask")),
            resident_months=pl.col("resident_months"),
            months_by_residence_year=pl.struct([pl.col(f"m{k + 1}").alias(str(k + 1)) for k in range(len(rates))])
            if rates
            else pl.lit(None),
            rates_ppm=pl.lit(pl.Series(rates, dtype=pl.Int64).implode()),
            beyond_months=pl.col("resident_months") - pl.col("rated_months"),
            covered=pl.col("covered"),
            valid=pl.col("valid"),
            subsidy_fen=pl.col("subsidy_fen"),
        )
        # Encoded before grouping: an expression inside an aggregation runs group by group.
        lines = lines.with_columns(line_values.alias("line_json"))
        # In a stable order (the grouping keeps whatever order the join left).
        aggs.append(pl.col("line_json").sort_by("period_start", "kind", "period_end", "amount_fen").alias("cost_lines"))
        aggs.append(pl.col("first_entry").first())
    per_enterprise = ctx.with_flags(lines.group_by("enterprise").agg(aggs))
    return per_enterprise.with_columns(
        pl.lit(0).alias("ref"),
        pl.when(pl.col("ecommerce")).then(pl.col("sum_fen")).otherwise(0).alias("amount_fen"),
        reason_chain(
            [
                (~pl.col("ecommerce"), "not_ecommerce"),
                (pl.col("sum_fen") > 0, "granted"),
                ((pl.col("eligible_lines") == 0) & (pl.col("invalid_lines") > 0), "invalid_fact"),
                (pl.col("eligible_lines") == 0, "no_amount"),
                (pl.col("resident_months") == 0, "not_resident"),
                (pl.col("eligible_cost_fen") == 0, "no_amount"),
            ],
            "residence_expired",
        ).alias("reason"),
    )


def _steps(ctx: Context) -> list[Step]:
    return [
        kind_step("ecommerce"),
        Step("residence", values(first_entry=pl.col("first_entry"), resident_months=pl.col("resident_months"))),
        Step("cost_line", pl.col("cost_lines"), many=True),
        Step("sum", values(amount_fen=pl.col("sum_fen")), when=pl.col("ecommerce")),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
