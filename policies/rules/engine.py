"""The rule engine of a policy pack: every item over the whole population at once, in Polars.

    awards = compute(facts, params, 2025)                  # every item, with traces
    amounts = compute(facts, params, 2025, trace=False)    # amounts and reasons only (what-if, budget)

Each item (policies.rules.items) produces its rows; then the general rules of the pack apply to
every row, in this order of precedence:

1. Registration in the district (every item; the policy is the district's): an enterprise that is
   not registered, or not in the register at all, gets 0 with reason not_registered.
2. No stacking (四（七）): when `other_subsidies` has the same enterprise, year and item, the row
   pays 0 with reason stacked and the sources in its trace. A row already at zero for its own
   reason keeps that reason (the stacked step is still in the trace).

Traces: `trace=True` (default) for every row, `trace_for=[ids]` for those enterprises' rows only,
`trace=False` for none (amounts and reasons: what-if, budget) — building them costs an order of
magnitude more than the amounts (docs/policies-rules.md).

The result has AWARD_SCHEMA (policies.rules.facts). Row order is unspecified; a row is identified
by (enterprise, item, ref, year). The engine reads nothing but its arguments: no ORM, no files,
no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from policies.rules.base import Context, Step, awards, values
from policies.rules.facts import AWARD_SCHEMA, Facts
from policies.rules.items import RULES
from policies.rules.params import Params


class FactsError(ValueError):
    """Facts the engine cannot interpret and must not guess about. `code`: unknown_case_item,
    unknown_subsidy_item; `kind` is the kind of fact, `rows` (0-based) the first few
    offending rows, `values` the unknown keys."""

    def __init__(self, code: str, kind: str, rows: list[int], values: list[str]) -> None:
        self.code = code
        self.kind = kind
        self.rows = rows
        self.values = values
        super().__init__(f"{kind}: {code} {values} at rows {rows}")


def item_keys(params: Params) -> list[str]:
    """The items the engine computes for the pack: every item that has a rule, in pack order."""
    missing = [k for k, item in params.items.items() if item.kind != "target" and k not in RULES]
    if missing:
        raise KeyError(f"items of the pack without a rule: {missing}")
    return [k for k, item in params.items.items() if item.kind != "target"]


def targets(params: Params, year: int) -> dict[str, dict[str, Any]]:
    """The target quantities of items of kind "target" (四（二）8), with their references."""
    on = params.as_of(year)
    out: dict[str, dict[str, Any]] = {}
    for key in ("rural_village_stations_target", "rural_information_officers_target"):
        if key in params.parameters:
            out[key] = params.entry(key, on).trace(key)
    return out


def validate(facts: Facts, params: Params) -> None:
    """Refuse facts that would silently change who is paid: a case award or an other-subsidy row
    naming an item the pack does not have (a typo there would pay twice or lose a decision)."""
    case_items = [k for k, item in params.items.items() if item.kind == "case"]
    _known(facts.case_awards, case_items, "unknown_case_item", "case_awards")
    _known(facts.other_subsidies, list(params.items), "unknown_subsidy_item", "other_subsidies")


def _known(frame: pl.DataFrame, allowed: list[str], code: str, kind: str) -> None:
    bad = frame.with_row_index("row").filter(~pl.col("item").is_in(allowed) | pl.col("item").is_null())
    if bad.height:
        raise FactsError(
            code,
            kind,
            bad["row"].head(10).to_list(),
            sorted({str(v) for v in bad["item"].to_list()}),
        )


def compute(
    facts: Facts,
    params: Params,
    year: int,
    *,
    items: Iterable[str] | None = None,
    trace: bool = True,
    trace_for: Iterable[int] | None = None,
) -> pl.DataFrame:
    """Every award of `year` (or of the `items` named) for every enterprise in `facts`.

    trace=False leaves every trace null (amounts and reasons only: what-if, budget, batch totals).
    trace_for=[ids] computes every award as usual — quotas and ranks need the whole population —
    but builds the traces of those enterprises' rows only (an application page, one enterprise)."""
    keys = item_keys(params) if items is None else list(items)
    unknown = [k for k in keys if k not in RULES or k not in params.items]
    if unknown:
        raise KeyError(f"no such items in the pack: {unknown}")
    validate(facts, params)
    ctx = Context(facts, params, year, trace)
    only = None if trace_for is None else pl.Series("enterprise", list(trace_for), dtype=pl.Int64)
    if not keys:
        return pl.DataFrame(schema=AWARD_SCHEMA)
    stacked = (
        facts.other_subsidies.lazy()
        .filter(pl.col("year") == year)
        .group_by("item", "enterprise")
        .agg(pl.col("source").fill_null("").unique().sort().alias("sources"))
        .collect()
    )
    frames = []
    for k in keys:
        rule = RULES[k]
        rows = _general_rules(rule.frame(ctx), stacked.filter(pl.col("item") == k), trace)
        steps = None
        if trace:
            steps = [
                Step(
                    "registered",
                    values(
                        registered=pl.col("registered_in_district"),
                        reference=pl.lit(_reference(params, "registration")),
                    ),
                ),
                *rule.trace_steps(ctx),
                Step(
                    "stacked",
                    values(sources=pl.col("sources"), reference=pl.lit(_reference(params, "non_stacking"))),
                    when=pl.col("stacked"),
                ),
            ]
        frames.append(awards(rows, steps, amount="final_amount_fen", reason="final_reason", trace_for=only))
    return pl.concat(frames, how="vertical").collect()


def _general_rules(rows: pl.LazyFrame, stacked: pl.DataFrame, trace: bool) -> pl.LazyFrame:
    """Registration and no stacking on one item's rows: `final_amount_fen` and `final_reason` beside
    the item's own `amount_fen` and `reason` (which its trace steps read). `stacked`: the item's
    other subsidies of the year (enterprise, sources) — a handful of rows, looked up by a hash set."""
    rows = rows.with_columns(pl.col("enterprise").is_in(stacked["enterprise"].implode()).alias("stacked"))
    if trace:
        rows = rows.join(stacked.lazy().select("enterprise", "sources"), on="enterprise", how="left")
    registered = pl.col("registered_in_district")
    return rows.with_columns(
        pl.when(registered & ~pl.col("stacked")).then(pl.col("amount_fen")).otherwise(0).alias("final_amount_fen"),
        pl.when(~registered)
        .then(pl.lit("not_registered"))
        .when(pl.col("stacked") & pl.col("reason").is_in(["granted", "capped"]))
        .then(pl.lit("stacked"))
        .otherwise(pl.col("reason"))
        .alias("final_reason"),
    )


def _reference(params: Params, key: str) -> str:
    rule = params.general.get(key)
    return rule.reference if rule else ""
