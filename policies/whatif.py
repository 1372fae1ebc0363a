"""What-if (政策模拟), pure: the awards of a year under the pack's current parameters and under an
overlay of parameter changes, compared — cost per item, per-enterprise change, winners and losers,
a histogram of the changes. No ORM, no text for people (policies.simulation and the page word it).

    comparison = simulate(facts, params, {"orders_per_order_fen": [{"value": 300, "effective": "2027-01-01"}]},
                          2027, basis_year=2026)

- The overlay goes through `Params.overlay` (the pack itself is never changed); both runs go
  through the engine over the whole population at once, amounts only (`trace=False`).
- Facts of a later year are not known yet: with `basis_year` before `year`, the facts are shifted
  (`shift_facts`): every date and every year column moves forward by the difference, so the basis
  year's situation — residences, costs, orders, loans, history — is replayed in the target year
  under the target year's parameters. Nobody ages or grows: the comparison shows the effect of the
  rule change alone.
- An enterprise is concerned when it has at least one award row (a fact for an item) in either
  run; it is better off when its total rises, worse off when it falls, unchanged otherwise.
- Money stays integer fen throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl

from policies.rules import engine
from policies.rules.facts import SCHEMAS, Facts
from policies.rules.params import Params

NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class ItemCost:
    item: str
    current_fen: int
    overlay_fen: int
    current_winners: int  # enterprises with an amount above zero
    overlay_winners: int

    @property
    def delta_fen(self) -> int:
        return self.overlay_fen - self.current_fen


@dataclass(frozen=True)
class Bin:
    """Enterprises whose change lies in [low_fen, high_fen)."""

    low_fen: int
    high_fen: int
    count: int


@dataclass(frozen=True)
class Change:
    enterprise: int
    name: str
    current_fen: int
    overlay_fen: int

    @property
    def delta_fen(self) -> int:
        return self.overlay_fen - self.current_fen


@dataclass(frozen=True)
class Comparison:
    year: int
    basis_year: int
    items: list[ItemCost]
    current_fen: int
    overlay_fen: int
    enterprises: int  # concerned: with an award row in either run
    better: int
    worse: int
    unchanged: int
    histogram: list[Bin] = field(default_factory=list)
    top: list[Change] = field(default_factory=list)  # the largest changes, by absolute size
    overlaid: tuple[str, ...] = ()

    @property
    def delta_fen(self) -> int:
        return self.overlay_fen - self.current_fen


# ---- facts ------------------------------------------------------------------------------------


def shift_facts(facts: Facts, years: int) -> Facts:
    """The same facts `years` later: every Date column offset by that many years (29 February falls
    on 28 February in a common year), every `year` column increased by it."""
    if years == 0:
        return facts
    frames: dict[str, pl.DataFrame] = {}
    for f in fields(facts):
        kind = f.name
        frame: pl.DataFrame = getattr(facts, kind)
        exprs = []
        for column, dtype in SCHEMAS[kind].items():
            if dtype == pl.Date:
                exprs.append(pl.col(column).dt.offset_by(f"{years}y"))
            elif column == "year":
                exprs.append((pl.col(column) + years).cast(dtype))
        frames[kind] = frame.with_columns(exprs) if exprs else frame
    return Facts(**frames)


def latest_fact_year(facts: Facts, up_to: int) -> int | None:
    """The latest year, not after `up_to`, that any yearly kind of fact has rows for."""
    latest: int | None = None
    for kind, schema in SCHEMAS.items():
        if "year" not in schema:
            continue
        years = getattr(facts, kind)["year"]
        years = years.filter(years <= up_to)
        if years.len():
            value = int(years.max())
            latest = value if latest is None else max(latest, value)
    return latest


# ---- comparison -------------------------------------------------------------------------------


def nice_width(span: int, bins: int) -> int:
    """The smallest width of 1, 2 or 5 × 10^k yuan (k ≥ 0) that covers `span` fen in at most `bins` bins."""
    magnitude = 100
    while True:
        for step in NICE_STEPS:
            width = step * magnitude
            if width * bins >= span:
                return width
        magnitude *= 10


def histogram(deltas: pl.Series | Sequence[int], bins: int = 12) -> list[Bin]:
    """Equal-width bins with edges on multiples of a round width (so zero is always an edge and no
    bin mixes gains and losses), empty bins between included; [] when there is nothing to count."""
    series = deltas if isinstance(deltas, pl.Series) else pl.Series(list(deltas), dtype=pl.Int64)
    series = series.cast(pl.Int64).drop_nulls()
    if series.len() == 0:
        return []
    low, high = int(series.min()), int(series.max())  # type: ignore[arg-type]  # non-empty Int64
    width = nice_width(high - low + 1, max(1, bins))
    start = (low // width) * width
    count = (high - start) // width + 1
    counts = (
        ((series - start) // width)
        .value_counts(name="n")
        .rename({series.name: "bin"})
        .with_columns(pl.col("bin").cast(pl.Int64))
    )
    found = dict(zip(counts["bin"].to_list(), counts["n"].to_list(), strict=True))
    return [Bin(start + i * width, start + (i + 1) * width, int(found.get(i, 0))) for i in range(count)]


def compare(
    current: pl.DataFrame,
    overlay: pl.DataFrame,
    names: pl.DataFrame,
    *,
    year: int,
    basis_year: int,
    item_order: Sequence[str],
    overlaid: tuple[str, ...] = (),
    bins: int = 12,
    top: int = 10,
) -> Comparison:
    """Two award frames of the same facts and year compared. `names`: enterprise → name."""
    key = ["enterprise", "item", "ref"]
    both = (
        current.select(*key, pl.col("amount_fen").alias("current_fen"))
        .join(overlay.select(*key, pl.col("amount_fen").alias("overlay_fen")), on=key, how="full", coalesce=True)
        .with_columns(pl.col("current_fen").fill_null(0), pl.col("overlay_fen").fill_null(0))
    )
    per_item = both.group_by("item").agg(
        pl.col("current_fen").sum(),
        pl.col("overlay_fen").sum(),
        pl.col("enterprise").filter(pl.col("current_fen") > 0).n_unique().alias("current_winners"),
        pl.col("enterprise").filter(pl.col("overlay_fen") > 0).n_unique().alias("overlay_winners"),
    )
    by_item = {row["item"]: row for row in per_item.iter_rows(named=True)}
    order = [k for k in item_order if k in by_item] + sorted(k for k in by_item if k not in item_order)
    items = [
        ItemCost(
            k,
            int(by_item[k]["current_fen"]),
            int(by_item[k]["overlay_fen"]),
            int(by_item[k]["current_winners"]),
            int(by_item[k]["overlay_winners"]),
        )
        for k in order
    ]
    per_enterprise = (
        both.group_by("enterprise")
        .agg(pl.col("current_fen").sum(), pl.col("overlay_fen").sum())
        .with_columns((pl.col("overlay_fen") - pl.col("current_fen")).alias("delta_fen"))
        .join(names.select("enterprise", "name").unique("enterprise"), on="enterprise", how="left")
    )
    delta = per_enterprise["delta_fen"]
    changed = per_enterprise.filter(pl.col("delta_fen") != 0)
    largest = (
        changed.with_columns(pl.col("delta_fen").abs().alias("size"))
        .sort(["size", "enterprise"], descending=[True, False])
        .head(top)
    )
    return Comparison(
        year=year,
        basis_year=basis_year,
        items=items,
        current_fen=int(both["current_fen"].sum()),
        overlay_fen=int(both["overlay_fen"].sum()),
        enterprises=per_enterprise.height,
        better=int((delta > 0).sum()),
        worse=int((delta < 0).sum()),
        unchanged=int((delta == 0).sum()),
        histogram=histogram(changed["delta_fen"], bins),
        top=[
            Change(int(r["enterprise"]), str(r["name"] or ""), int(r["current_fen"]), int(r["overlay_fen"]))
            for r in largest.iter_rows(named=True)
        ],
        overlaid=overlaid,
    )


def simulate(
    facts: Facts,
    params: Params,
    changes: Mapping[str, Sequence[Mapping[str, Any]] | Mapping[str, Any]],
    year: int,
    *,
    basis_year: int | None = None,
    bins: int = 12,
    top: int = 10,
) -> Comparison:
    """The awards of `year` under `params` and under `params.overlay(changes)`, compared, over the
    facts of `basis_year` (default: `year` itself) shifted to `year`. Raises ParameterError for a
    bad overlay, ParameterNotInForceError for a year before the pack, engine.FactsError."""
    basis = year if basis_year is None else basis_year
    overlaid = params.overlay(changes)
    shifted = shift_facts(facts, year - basis)
    current = engine.compute(shifted, params, year, trace=False)
    after = engine.compute(shifted, overlaid, year, trace=False)
    return compare(
        current,
        after,
        shifted.enterprises,
        year=year,
        basis_year=basis,
        item_order=list(params.items),
        overlaid=overlaid.overlaid,
        bins=bins,
        top=top,
    )
