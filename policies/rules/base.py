"""What every item of a pack shares: the computation context, exact money arithmetic, month masks,
and the declarative `Rule` each item module fills in.

Money: integer fen throughout. A product (amount × rate in ppm, principal × rate × share × days)
and a sum of facts (the lines of a cost, the orders of a year) are taken in Int128, so nothing wraps
however large or many the facts (Polars' Int64 sums wrap silently: two costs of 2^63-1 fen made a
negative award); every division rounds half up to the fen: round(n / d) = floor((2n + d) / 2d) for
n ≥ 0, d > 0 — exact, no float anywhere. `awards` casts an amount to Int64 only after checking it:
a result below zero or above `MAX_AWARD_FEN` becomes 0 with reason `implausible_amount` and a step
`implausible_amount` in the trace that says why.

Months: a month is an integer index (1970-01 = 0). A year's months are a 12-bit mask (bit 0 =
January), so "the months of this cost that fall in residence year 3 while the enterprise was
resident" is a bitwise AND and a popcount, for the whole population at once.

Traces: a rule names its steps (`Step`: a code from `codes.STEPS`, JSON values built from columns,
an optional condition). They are assembled into the trace column only when asked (`awards`, with
steps): building millions of JSON strings costs an order of magnitude more than the amounts, so a what-if or a
budget run asks for amounts and reasons only, and the rows that are stored or shown are traced.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from policies.rules.facts import AWARD_SCHEMA, MAX_AWARD_FEN, Facts
from policies.rules.params import PPM, DatedValue, Params

TRACE_DTYPE = AWARD_SCHEMA["trace"]
STEP_DTYPE = pl.Struct({"step": pl.String, "values": pl.String})
EPOCH_YEAR = 1970
FULL_YEAR_MASK = (1 << 12) - 1
FAR_FUTURE_MONTH = 1_000_000  # a residency without exit date runs on
IMPLAUSIBLE = "implausible_amount"  # the reason and the step of an amount outside 0..MAX_AWARD_FEN


# ---- exact arithmetic -------------------------------------------------------------------------


def wide(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Int128)


def round_div(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    """numerator / denominator rounded half up, for numerator ≥ 0 and denominator > 0, in Int128."""
    num = wide(numerator)
    den = wide(denominator) if isinstance(denominator, pl.Expr) else pl.lit(denominator, dtype=pl.Int128)
    return (num * 2 + den) // (den * 2)


def apply_rate(amount: pl.Expr, rate_ppm: pl.Expr | int) -> pl.Expr:
    """amount × rate (ppm) rounded half up to the fen, in Int128 (callers cap, then cast to Int64)."""
    rate = wide(rate_ppm) if isinstance(rate_ppm, pl.Expr) else pl.lit(rate_ppm, dtype=pl.Int128)
    return round_div(wide(amount) * rate, PPM)


def round_half_up(numerator: int, denominator: int) -> int:
    """The same rounding in plain Python, for tests and explanations."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def wide_sum(expr: pl.Expr) -> pl.Expr:
    """A sum that cannot wrap: taken in Int128 (an Int64 sum wraps silently past 2^63)."""
    return wide(expr).sum()


def clip_to_int64(expr: pl.Expr, cap: pl.Expr | int) -> pl.Expr:
    """min(expr, cap) as Int64 (expr may be Int128)."""
    cap_expr = wide(cap) if isinstance(cap, pl.Expr) else pl.lit(cap, dtype=pl.Int128)
    return pl.min_horizontal(wide(expr), cap_expr).cast(pl.Int64)


# ---- months -----------------------------------------------------------------------------------


def month_index(date: pl.Expr) -> pl.Expr:
    """1970-01 → 0, 2025-03 → 662; null stays null."""
    return (date.dt.year().cast(pl.Int32) - EPOCH_YEAR) * 12 + date.dt.month().cast(pl.Int32) - 1


def year_first_month(year: int) -> int:
    return (year - EPOCH_YEAR) * 12


POW2 = pl.Series("pow2", [1 << k for k in range(13)], dtype=pl.Int64)


def _pow2(exponent: pl.Expr) -> pl.Expr:
    """2**exponent for exponent in 0..12 (clipped), by table lookup."""
    return pl.lit(POW2).gather(exponent.clip(0, 12))


def month_mask(first: pl.Expr, last: pl.Expr, year: int) -> pl.Expr:
    """The months first..last (inclusive indices) that fall in `year`, as a 12-bit mask (Int64)."""
    y0 = year_first_month(year)
    lo = pl.max_horizontal(first, pl.lit(y0)) - y0
    hi = pl.min_horizontal(last, pl.lit(y0 + 11)) - y0
    return pl.when(hi >= lo).then(_pow2(hi + 1) - _pow2(lo)).otherwise(0).cast(pl.Int64)


def popcount(mask: pl.Expr) -> pl.Expr:
    return mask.bitwise_count_ones().cast(pl.Int64)


# ---- traces -----------------------------------------------------------------------------------


def values(**columns: pl.Expr) -> pl.Expr:
    """A step's values as JSON text, from expressions over the rule's frame."""
    return pl.struct([expr.alias(name) for name, expr in columns.items()]).struct.json_encode()


def constant(obj: Any) -> pl.Expr:
    return pl.lit(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str))


@dataclass(frozen=True)
class Step:
    """One step of an explanation: `code` (codes.STEPS), `values` (an expression giving JSON text,
    or, with `many=True`, a list of JSON texts: one step each, e.g. one per cost line), shown only
    where `when` holds."""

    code: str
    values: pl.Expr
    when: pl.Expr | None = None
    many: bool = False


def assemble_trace(frame: pl.DataFrame, steps: Sequence[Step]) -> pl.Series:
    """The trace column of `frame` (which has a `_row` index 0..n-1): every step is one long frame
    (_row, step, values) of the rows where it applies; the steps are stacked in order and grouped
    back by row, keeping their order. (Building lists of structs column-wise with concat_list costs
    ten times more in Polars 2.1.)"""
    lf = frame.lazy()
    parts = []
    for s in steps:
        if s.many:
            part = (
                lf.select("_row", s.values.alias("values"))
                .explode("values")
                .drop_nulls("values")
                .select("_row", pl.lit(s.code).alias("step"), "values")
            )
        else:
            part = (lf if s.when is None else lf.filter(s.when)).select(
                "_row", pl.lit(s.code).alias("step"), s.values.alias("values")
            )
        parts.append(part)
    if not parts:
        return pl.Series("trace", [[]] * frame.height, dtype=TRACE_DTYPE)
    grouped = (
        pl.concat(parts, how="vertical")
        .group_by("_row", maintain_order=True)
        .agg(pl.struct("step", "values").alias("trace"))
    )
    traces = frame.lazy().select("_row").join(grouped, on="_row", how="left", maintain_order="left").collect()
    return traces["trace"].fill_null([]).cast(TRACE_DTYPE)


# ---- context ----------------------------------------------------------------------------------


@dataclass
class Context:
    """One computation: the facts, the pack's parameters, the award year, whether to trace."""

    facts: Facts
    params: Params
    year: int
    trace: bool = True
    _cache: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def on(self) -> datetime.date:
        return self.params.as_of(self.year)

    @property
    def year_start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def year_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def entry(self, key: str) -> DatedValue:
        return self.params.entry(key, self.on)

    def value(self, key: str) -> Any:
        return self.entry(key).value

    def param_step(self, key: str) -> Step:
        return Step("param", constant(self.entry(key).trace(key)))

    def flags(self) -> pl.LazyFrame:
        """One row per enterprise: registered, ecommerce, association (first row of a duplicate id)."""
        if "flags" not in self._cache:
            ent = self.facts.enterprises.select("enterprise", "registered_in_district", "ecommerce", "association")
            if ent["enterprise"].n_unique() != ent.height:
                ent = ent.lazy().unique("enterprise", keep="first").collect()
            self._cache["flags"] = ent
        return self._cache["flags"].lazy()

    def with_flags(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """`frame` with the enterprise's flags; an enterprise missing from the register has all
        flags False (fail-closed: not registered)."""
        return frame.join(self.flags(), on="enterprise", how="left").with_columns(
            pl.col("registered_in_district", "ecommerce", "association").fill_null(False)
        )

    def residency(self) -> pl.LazyFrame:
        """One row per enterprise ever resident: `first_entry` (date), `first_entry_month` (index;
        residence years count from it — leaving and coming back does not start them again), and
        `resident_mask` (the months of the year in which any residency overlaps the month)."""
        if "residency" not in self._cache:
            y0 = year_first_month(self.year)
            r = self.facts.residencies.lazy().filter(pl.col("entered_on").is_not_null())
            self._cache["residency"] = (
                r.with_columns(
                    month_mask(
                        month_index(pl.col("entered_on")),
                        month_index(pl.col("left_on")).fill_null(FAR_FUTURE_MONTH + y0),
                        self.year,
                    ).alias("mask")
                )
                .group_by("enterprise")
                .agg(
                    pl.col("entered_on").min().alias("first_entry"),
                    pl.col("mask").bitwise_or().alias("resident_mask"),
                )
                .with_columns(month_index(pl.col("first_entry")).alias("first_entry_month"))
                .collect()
            )
        return self._cache["residency"].lazy()


# ---- the declarative unit ---------------------------------------------------------------------

WideFn = Callable[[Context], pl.LazyFrame]
StepsFn = Callable[[Context], list[Step]]


@dataclass(frozen=True)
class Rule:
    """An item of the pack as code.

    `wide(ctx)` returns one row per award with at least: enterprise, ref, amount_fen (Int64),
    reason, registered_in_district — plus whatever columns its `steps(ctx)` read. `parameters` are
    the pack parameters the rule reads; each becomes a `param` step of the trace with its value,
    reference and effective date."""

    key: str
    reference: str
    parameters: tuple[str, ...]
    wide: WideFn
    steps: StepsFn

    def frame(self, ctx: Context) -> pl.LazyFrame:
        """The rule's wide frame with `item` and `year` (the engine applies the general rules —
        registration, no stacking — on top, then `awards`)."""
        return self.wide(ctx).with_columns(
            pl.lit(self.key).alias("item"), pl.lit(ctx.year, dtype=pl.Int32).alias("year")
        )

    def trace_steps(self, ctx: Context) -> list[Step]:
        return [ctx.param_step(k) for k in self.parameters] + self.steps(ctx)

    def compute(self, facts: Facts, params: Params, year: int, *, trace: bool = True) -> pl.DataFrame:
        """This item alone, in AWARD_SCHEMA, before the general rules (registration, no stacking)
        that `policies.rules.engine.compute` applies to every item."""
        ctx = Context(facts, params, year, trace)
        steps = self.trace_steps(ctx) if trace else None
        return awards(self.frame(ctx), steps).collect()


def awards(
    frame: pl.LazyFrame,
    steps: Sequence[Step] | None,
    *,
    amount: str = "amount_fen",
    reason: str = "reason",
    trace_for: pl.Series | None = None,
) -> pl.LazyFrame:
    """AWARD_SCHEMA rows of a rule's frame; with `steps`, the trace of every row — or only of the
    rows of the enterprises in `trace_for`, the others' trace being null. (With steps this collects
    the frame once: traces are assembled from the computed columns.)"""
    # The bound on every amount, checked in Int128 before the cast: an amount outside 0..MAX_AWARD_FEN
    # is refused (0, implausible_amount), never stored or paid.
    raw = wide(pl.col(amount))
    plausible = raw.is_between(0, MAX_AWARD_FEN, closed="both").fill_null(True)
    columns = [
        pl.col("enterprise").cast(pl.Int64),
        pl.col("item").cast(pl.String),
        pl.col("ref").cast(pl.Int64),
        pl.col("year").cast(pl.Int32),
        pl.when(plausible).then(raw).otherwise(0).cast(pl.Int64).alias("amount_fen"),
        pl.when(plausible).then(pl.col(reason)).otherwise(pl.lit(IMPLAUSIBLE)).cast(pl.String).alias("reason"),
    ]
    if steps is None:
        return frame.select(*columns, pl.lit(None, dtype=TRACE_DTYPE).alias("trace"))
    steps = [
        *steps,
        Step(
            IMPLAUSIBLE,
            values(amount_fen=pl.col("_raw_fen"), max_fen=pl.lit(MAX_AWARD_FEN)),
            when=~pl.col("_plausible"),
        ),
    ]
    frame = frame.with_columns(raw.alias("_raw_fen"), plausible.alias("_plausible"))
    computed = frame.with_row_index("_row").collect()
    if trace_for is None:
        return computed.select(columns).with_columns(assemble_trace(computed, steps).alias("trace")).lazy()
    subset = (
        computed.filter(pl.col("enterprise").is_in(trace_for.implode())).rename({"_row": "_of"}).with_row_index("_row")
    )
    traced = subset.select("_of", assemble_trace(subset, steps).alias("trace"))
    return (
        computed.select("_row", *columns)
        .join(traced, left_on="_row", right_on="_of", how="left", maintain_order="left")
        .drop("_row")
        .lazy()
    )


def reason_chain(cases: Sequence[tuple[pl.Expr, str]], otherwise: pl.Expr | str) -> pl.Expr:
    """The first reason whose condition holds (cases in order of precedence)."""
    default = pl.lit(otherwise) if isinstance(otherwise, str) else otherwise
    if not cases:
        return default
    expr = default
    for cond, code in reversed(cases):
        expr = pl.when(cond).then(pl.lit(code)).otherwise(expr)
    return expr


def granted_or_capped(raw: pl.Expr, paid: pl.Expr) -> pl.Expr:
    """ "capped" when the cap cut the amount, "no_amount" when the rule gives zero, else "granted"."""
    return (
        pl.when(paid < raw)
        .then(pl.lit("capped"))
        .when(paid == 0)
        .then(pl.lit("no_amount"))
        .otherwise(pl.lit("granted"))
    )
