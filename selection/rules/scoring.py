"""Aggregation of expert scores for one review stage, over the whole stage at once (Polars).

Scores are exact decimals with two places; the engine works in integer hundredths so that no
binary rounding enters a result. For each entry (an application in the stage):

- raw mean: the plain mean of the reviewers' totals;
- score: with `trimmed`, the highest and the lowest total are dropped (one each) when at least
  `trim_min_reviewers` reviewers scored, else the plain mean is used (`method` says which);
- calibrated: the same aggregation over totals corrected for each reviewer's leniency — a
  reviewer's offset is the mean of their totals across the stage minus the mean of all totals,
  counted only for reviewers who scored at least two entries (one score says nothing about
  leniency);
- spread: highest minus lowest total; flagged when it exceeds `spread_threshold`.

Means are rounded half up to two places. No ORM, no text for people: codes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

TRIMMED = "trimmed"
MEAN = "mean"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class EntryResult:
    entry: int
    reviewers: int
    raw_mean: Decimal
    score: Decimal
    calibrated: Decimal
    spread: Decimal
    flagged: bool
    method: str  # "trimmed" or "mean" — what was actually applied
    rank: int


def _hundredths(value: Decimal) -> int:
    if not isinstance(value, Decimal):
        raise TypeError("scores must be Decimal")
    q = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if q != value:
        raise ValueError(f"score {value} has more than two decimal places")
    return int(q * 100)


def _decimal(hundredths_times_n: int, n: int) -> Decimal:
    """(Σ hundredths) / n as a Decimal with two places, rounded half up."""
    return (Decimal(hundredths_times_n) / Decimal(n) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _aggregate(frame: pl.DataFrame, column: str, trim: bool, trim_min: int) -> pl.DataFrame:
    grouped = frame.group_by("entry").agg(
        pl.len().alias("n"),
        pl.col(column).sum().alias("s"),
        pl.col(column).max().alias("hi"),
        pl.col(column).min().alias("lo"),
    )
    trimmed = pl.lit(trim) & (pl.col("n") >= max(trim_min, 3))
    return grouped.with_columns(
        pl.when(trimmed).then(pl.col("s") - pl.col("hi") - pl.col("lo")).otherwise(pl.col("s")).alias("num"),
        pl.when(trimmed).then(pl.col("n") - 2).otherwise(pl.col("n")).alias("den"),
        trimmed.alias("trimmed"),
    )


def aggregate(
    scores: Iterable[tuple[int, int, Decimal]],
    *,
    method: str = TRIMMED,
    trim_min_reviewers: int = 5,
    spread_threshold: Decimal = Decimal(20),
) -> list[EntryResult]:
    """Aggregate (entry, expert, total) triples; results ranked by score, then calibrated score."""
    if method not in (TRIMMED, MEAN):
        raise ValueError(f"unknown aggregation method {method!r}")
    rows = [(entry, expert, _hundredths(total)) for entry, expert, total in scores]
    if not rows:
        return []
    frame = pl.DataFrame(rows, schema={"entry": pl.Int64, "expert": pl.Int64, "h": pl.Int64}, orient="row")
    if frame.select(pl.struct("entry", "expert").is_duplicated().any()).item():
        raise ValueError("an expert scored the same entry twice")

    # Leniency offsets in hundredths × (their count), kept exact: offset_e = mean_e - mean_all.
    total_n = frame.height
    total_s = int(frame["h"].sum())
    per_expert = frame.group_by("expert").agg(pl.len().alias("ne"), pl.col("h").sum().alias("se"))
    # calibrated_h = h - (se/ne - total_s/total_n); scaled by ne*total_n to stay in integers.
    frame = frame.join(per_expert, on="expert").with_columns(
        pl.when(pl.col("ne") >= 2)
        .then(pl.col("h") * pl.col("ne") * total_n - pl.col("se") * total_n + total_s * pl.col("ne"))
        .otherwise(pl.col("h") * pl.col("ne") * total_n)
        .alias("c_scaled"),
        (pl.col("ne") * total_n).alias("scale"),
    )
    trim = method == TRIMMED
    raw = _aggregate(frame, "h", trim, trim_min_reviewers)
    results: list[EntryResult] = []
    calibrated_by_entry = _calibrated(frame, trim, trim_min_reviewers)
    threshold = _hundredths(spread_threshold.quantize(CENT))
    for row in raw.sort("entry").iter_rows(named=True):
        n = int(row["n"])
        spread_h = int(row["hi"]) - int(row["lo"])
        results.append(
            EntryResult(
                entry=int(row["entry"]),
                reviewers=n,
                raw_mean=_decimal(int(row["s"]), n),
                score=_decimal(int(row["num"]), int(row["den"])),
                calibrated=calibrated_by_entry[int(row["entry"])],
                spread=_decimal(spread_h, 1),
                flagged=spread_h > threshold,
                method=TRIMMED if row["trimmed"] else MEAN,
                rank=0,
            )
        )
    ordered = sorted(results, key=lambda r: (-r.score, -r.calibrated, r.entry))
    ranked: dict[int, int] = {}
    for position, r in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        same = previous is not None and (previous.score, previous.calibrated) == (r.score, r.calibrated)
        ranked[r.entry] = ranked[previous.entry] if same and previous is not None else position
    return [
        EntryResult(**{**r.__dict__, "rank": ranked[r.entry]})
        for r in sorted(results, key=lambda r: (ranked[r.entry], r.entry))
    ]


def _calibrated(frame: pl.DataFrame, trim: bool, trim_min: int) -> dict[int, Decimal]:
    """Aggregate calibrated totals per entry exactly: each value is c_scaled / scale, a fraction
    whose denominator differs per reviewer, so the few values of an entry are summed as Fractions."""
    from fractions import Fraction

    out: dict[int, Decimal] = {}
    for (entry,), part in frame.select("entry", "c_scaled", "scale").group_by(["entry"]):
        values = sorted(Fraction(int(cs), int(sc)) for cs, sc in zip(part["c_scaled"], part["scale"], strict=True))
        if trim and len(values) >= max(trim_min, 3):
            values = values[1:-1]
        mean = sum(values, Fraction(0)) / len(values)
        out[int(entry)] = (Decimal(mean.numerator) / Decimal(mean.denominator) / 100).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
    return out
