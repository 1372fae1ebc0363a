"""四（四） — loan interest: for two years from the loan date, 50 % of the bank's same-period
benchmark rate (or of the actual rate, if lower) on the principal, at most 200,000 yuan per
enterprise per calendar year.

"电子商务企业获得扩大自身生产经营的贷款，经认定后，可享受贷款贴息，自贷款之日起，前两年给予不超过
商业银行同期贷款利率的50%贴息，每年最高不超过20万元。"

- Who: an e-commerce enterprise (not_ecommerce), a recognised loan (not_recognised) for its own
  business (not_own_business); a loan without any rate is refused (rate_missing).
- Window: from the loan date (counted) to its second anniversary (not counted; 算头不算尾 as bank
  interest is counted), or to the repayment date if earlier (not counted). A 29 February loan has
  its anniversary on 28 February.
- Per calendar year Y, the days of the window inside Y (1 January … 31 December) accrue
      principal × min(actual, benchmark) × 50 % × days / 365,
  the actual-days/365 convention: a whole leap year inside the window accrues 366/365 of a year.
  Computed in Int128 (the product reaches 10^24) and rounded half up to the fen once per loan and
  year. A loan of the year whose window has no day in Y (repaid before) says outside_window.
- Cap per enterprise and year, shared in loan order: the enterprise's eligible loans, by loan date
  then loan id, fill the 200,000.00 one after the other; the loan that crosses the cap gets what is
  left (capped), later loans get 0 (capped). "不超过" includes the cap.
"""

from __future__ import annotations

import datetime

import polars as pl

from policies.rules.base import PPM, Context, Rule, Step, reason_chain, round_div, values, wide
from policies.rules.items._common import kind_ok, kind_step

KEY = "loan_interest"
REFERENCE = "四（四）"
PARAMETERS = ("loan_share_ppm", "loan_window_years", "loan_day_basis", "loan_cap_per_year_fen")


def _wide(ctx: Context) -> pl.LazyFrame:
    share = ctx.value("loan_share_ppm")
    years = ctx.value("loan_window_years")
    basis = ctx.value("loan_day_basis")
    cap = ctx.value("loan_cap_per_year_fen")
    start = ctx.year_start
    stop = datetime.date(ctx.year + 1, 1, 1)
    loans = (
        ctx.facts.loans.lazy()
        .filter(pl.col("loan_date").is_not_null())
        .with_columns(pl.col("loan_date").dt.offset_by(f"{years}y").alias("window_end"))
        .filter((pl.col("loan_date") < stop) & (pl.col("window_end") > start))
    )
    loans = ctx.with_flags(loans).with_columns(
        pl.min_horizontal(pl.col("window_end"), pl.col("repaid_on")).alias("accrual_end"),
        pl.max_horizontal(pl.col("loan_date"), pl.lit(start)).alias("from"),
        pl.min_horizontal("actual_rate_ppm", "benchmark_rate_ppm").alias("rate_ppm"),
    )
    loans = loans.with_columns(
        pl.min_horizontal(pl.col("accrual_end"), pl.lit(stop)).alias("to"),
    ).with_columns(
        (pl.col("to") - pl.col("from")).dt.total_days().clip(lower_bound=0).cast(pl.Int64).alias("days"),
    )
    eligible = (
        kind_ok("ecommerce")
        & pl.col("recognised")
        & pl.col("own_business")
        & pl.col("rate_ppm").is_not_null()
        & (pl.col("principal_fen") >= 0)
        & (pl.col("days") > 0)
    )
    interest = round_div(
        wide(pl.col("principal_fen")) * wide(pl.col("rate_ppm")) * share * pl.col("days"), basis * PPM * PPM
    )
    loans = (
        loans.with_columns(
            pl.col("loan").alias("ref"),
            # Int128 throughout (the sum of an enterprise's loans too): nothing wraps before the checks.
            pl.when(eligible).then(interest).otherwise(0).alias("raw_fen"),
            pl.when(pl.col("rate_ppm").is_not_null() & (pl.col("principal_fen") >= 0))
            .then(interest)
            .otherwise(0)
            .alias("interest_fen"),
        )
        .sort("enterprise", "loan_date", "loan")
        .with_columns((pl.col("raw_fen").cum_sum().over("enterprise") - pl.col("raw_fen")).alias("before_fen"))
        .with_columns(
            (pl.lit(cap, dtype=pl.Int64) - pl.col("before_fen"))
            .clip(lower_bound=0)
            .pipe(lambda room: pl.min_horizontal(room, pl.col("raw_fen")))
            .alias("amount_fen")
        )
    )
    return loans.with_columns(
        reason_chain(
            [
                (~kind_ok("ecommerce"), "not_ecommerce"),
                (~pl.col("recognised"), "not_recognised"),
                (~pl.col("own_business"), "not_own_business"),
                (pl.col("rate_ppm").is_null() | (pl.col("principal_fen") < 0), "rate_missing"),
                (pl.col("days") == 0, "outside_window"),
                (pl.col("amount_fen") < pl.col("raw_fen"), "capped"),
                (pl.col("amount_fen") == 0, "no_amount"),
            ],
            "granted",
        ).alias("reason")
    )


def _steps(ctx: Context) -> list[Step]:
    share = ctx.value("loan_share_ppm")
    basis = ctx.value("loan_day_basis")
    cap = ctx.value("loan_cap_per_year_fen")
    computed = pl.col("reason").is_in(["granted", "capped", "no_amount"])
    return [
        kind_step("ecommerce"),
        Step(
            "loan",
            values(
                loan=pl.col("loan"),
                principal_fen=pl.col("principal_fen"),
                loan_date=pl.col("loan_date"),
                repaid_on=pl.col("repaid_on"),
                actual_rate_ppm=pl.col("actual_rate_ppm"),
                benchmark_rate_ppm=pl.col("benchmark_rate_ppm"),
                recognised=pl.col("recognised"),
                own_business=pl.col("own_business"),
            ),
        ),
        Step(
            "loan_days",
            values(
                window_start=pl.col("loan_date"),
                window_end=pl.col("window_end"),
                repaid_on=pl.col("repaid_on"),
                year=pl.lit(ctx.year),
                first_day=pl.col("from"),
                end=pl.col("to"),
                days=pl.col("days"),
            ),
        ),
        Step(
            "loan_interest",
            values(
                principal_fen=pl.col("principal_fen"),
                rate_ppm=pl.col("rate_ppm"),
                share_ppm=pl.lit(share),
                days=pl.col("days"),
                basis=pl.lit(basis),
                amount_fen=pl.col("interest_fen"),
            ),
            when=computed,
        ),
        Step(
            "enterprise_cap",
            values(
                cap_fen=pl.lit(cap),
                before_fen=pl.col("before_fen"),
                amount_fen=pl.col("raw_fen"),
                paid_fen=pl.col("amount_fen"),
            ),
            when=pl.col("reason") == "capped",
        ),
    ]


RULE = Rule(KEY, REFERENCE, PARAMETERS, _wide, _steps)
compute = RULE.compute
