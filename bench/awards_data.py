"""Synthetic facts for the award benchmark: N enterprises with every kind of fact, seeded and
deterministic, as NumPy arrays (dates as datetime64[D]; a missing date is NaT, a missing rate -1).

`generate(n, seed)` returns {kind: {column: array}} with the columns of policies.rules.facts.SCHEMAS;
`to_facts(arrays)` turns it into the engine's Facts (the same arrays, as Polars frames). The data
deliberately lands on the legal boundaries (exactly 20,000 orders, exactly 10 million yuan of
transactions, stores opened on 31 December and 29 February, loans on 29 February, leap year 2024).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

Arrays = dict[str, dict[str, np.ndarray]]
YEAR = 2025
PLATFORMS = np.array(["jd", "tmall", "alibaba", "suning", "pinduoduo"])
ITEMS = np.array(
    [
        "park_costs",
        "platform_project",
        "flagship_store",
        "online_orders",
        "milestone",
        "loan_interest",
        "training",
        "brand_district",
    ],
)


def _days(rng: np.random.Generator, start: str, end: str, size: int) -> np.ndarray:
    lo = np.datetime64(start, "D").astype(np.int64)
    hi = np.datetime64(end, "D").astype(np.int64)
    return rng.integers(lo, hi + 1, size).astype("datetime64[D]")


def _pick(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Indices of about share × n enterprises, sorted."""
    return np.flatnonzero(rng.random(n) < share)


def _repeat(rng: np.random.Generator, idx: np.ndarray, most: int) -> np.ndarray:
    """Each index 1..most times (several projects, stores, loans per enterprise)."""
    return np.repeat(idx, rng.integers(1, most + 1, idx.size))


def generate(n: int, seed: int = 20251231) -> Arrays:
    rng = np.random.default_rng(seed)
    ids = 10_000 + np.cumsum(rng.integers(1, 4, n)).astype(np.int64)  # sorted, not contiguous
    ecommerce = rng.random(n) < 0.7
    out: Arrays = {}
    out["enterprises"] = {
        "enterprise": ids,
        "name": np.char.add("企业", np.arange(n).astype("<U8")),
        "registered_in_district": rng.random(n) < 0.95,
        "ecommerce": ecommerce,
        "association": ~ecommerce & (rng.random(n) < 0.03),
    }

    # residencies: half the enterprises; a fifth left; some came back
    r = _pick(rng, n, 0.5)
    entered = _days(rng, "2016-01-01", "2025-12-31", r.size)
    entered[: min(5, r.size)] = np.datetime64("2020-02-29")
    left = np.full(r.size, np.datetime64("NaT"), dtype="datetime64[D]")
    leaving = rng.random(r.size) < 0.2
    left[leaving] = entered[leaving] + rng.integers(30, 2000, leaving.sum())
    back = leaving & (rng.random(r.size) < 0.25)
    again = left[back] + rng.integers(30, 400, back.sum())
    out["residencies"] = {
        "enterprise": np.concatenate([ids[r], ids[r][back]]),
        "entered_on": np.concatenate([entered, again]),
        "left_on": np.concatenate([left, np.full(back.sum(), np.datetime64("NaT"), dtype="datetime64[D]")]),
    }

    # costs of residents: a rent line (calendar year, or a lease across the year end), broadband
    shape = rng.integers(0, 4, r.size)
    starts = np.select(
        [shape == 0, shape == 1, shape == 2],
        [np.datetime64("2025-01-01"), np.datetime64("2024-07-01"), np.datetime64("2025-07-01")],
        np.datetime64("2025-03-01"),
    ).astype("datetime64[D]")
    ends = np.select(
        [shape == 0, shape == 1, shape == 2],
        [np.datetime64("2025-12-31"), np.datetime64("2025-06-30"), np.datetime64("2026-06-30")],
        np.datetime64("2025-03-31"),
    ).astype("datetime64[D]")
    bb = rng.random(r.size) < 0.6
    other = rng.random(r.size) < 0.02
    out["costs"] = {
        "enterprise": np.concatenate([ids[r], ids[r][bb], ids[r][other]]),
        "kind": np.concatenate(
            [
                np.full(r.size, "rent", dtype="<U9"),
                np.full(bb.sum(), "broadband", dtype="<U9"),
                np.full(other.sum(), "utilities", dtype="<U9"),
            ]
        ),
        "period_start": np.concatenate(
            [starts, np.full(bb.sum(), np.datetime64("2025-01-01")), np.full(other.sum(), np.datetime64("2025-01-01"))]
        ).astype("datetime64[D]"),
        "period_end": np.concatenate(
            [ends, np.full(bb.sum(), np.datetime64("2025-12-31")), np.full(other.sum(), np.datetime64("2025-12-31"))]
        ).astype("datetime64[D]"),
        "amount_fen": np.concatenate(
            [
                rng.integers(100_000, 10_000_000, r.size),
                rng.integers(10_000, 1_000_000, bb.sum()),
                rng.integers(10_000, 500_000, other.sum()),
            ]
        ).astype(np.int64),
    }

    # platform projects
    p = _repeat(rng, _pick(rng, n, 0.05), 3)
    out["projects"] = {
        "project": np.arange(1, p.size + 1, dtype=np.int64),
        "enterprise": ids[p],
        "year": np.where(rng.random(p.size) < 0.8, YEAR, YEAR - 1).astype(np.int32),
        "investment_fen": rng.integers(1_000_000, 300_000_000, p.size).astype(np.int64),
        "own_funds": rng.random(p.size) < 0.9,
    }

    # stores on platforms
    s = _repeat(rng, _pick(rng, n, 0.1), 2)
    opened = _days(rng, "2023-01-01", "2025-12-31", s.size)
    opened[:3] = np.datetime64("2024-12-31")
    opened[3:6] = np.datetime64("2024-02-29")
    turnover = rng.integers(0, 50_000_000, s.size).astype(np.int64)
    turnover[:10] = 10_000_000  # exactly the (placeholder) threshold
    out["stores"] = {
        "store": np.arange(1, s.size + 1, dtype=np.int64),
        "enterprise": ids[s],
        "platform": PLATFORMS[rng.integers(0, PLATFORMS.size, s.size)],
        "opened_on": opened,
        "newly_opened": rng.random(s.size) < 0.95,
        "running_normally": rng.random(s.size) < 0.9,
        "year_turnover_fen": turnover,
        "year_operating_cost_fen": rng.integers(1_000_000, 15_000_000, s.size).astype(np.int64),
    }

    # the district's selections (15 a year for 2023–2025) and demonstration titles
    sel = [rng.choice(n, 15, replace=False) for _ in range(3)]
    out["outstanding"] = {
        "enterprise": ids[np.concatenate(sel)],
        "year": np.repeat(np.array([YEAR - 2, YEAR - 1, YEAR], dtype=np.int32), 15),
        "rank": np.tile(np.arange(1, 16, dtype=np.int32), 3),
    }
    t = rng.choice(n, 30, replace=False)
    levels = np.array(["national"] * 4 + ["municipal"] * 10 + ["district"] * 8 + ["district"] * 8)
    out["demo_titles"] = {
        "enterprise": ids[t],
        "year": np.array([YEAR] * 22 + [YEAR - 1] * 8, dtype=np.int32),
        "level": levels,
        "rank": np.concatenate([np.arange(1, 5), np.arange(1, 11), np.arange(1, 9), np.arange(1, 9)]).astype(np.int32),
    }

    # brands
    b = _pick(rng, n, 0.02)
    kinds = np.array(["district", "district", "district", "national", "municipal"])[rng.integers(0, 5, b.size)]
    out["brands"] = {
        "brand": np.arange(1, b.size + 1, dtype=np.int64),
        "enterprise": ids[b],
        "year": np.where(rng.random(b.size) < 0.8, YEAR, YEAR - 1).astype(np.int32),
        "kind": kinds,
        "amount_fen": np.where(
            kinds == "district", rng.integers(1_500_000, 6_000_000, b.size), rng.integers(1_000_000, 20_000_000, b.size)
        ).astype(np.int64),
    }

    # orders of e-commerce enterprises
    o = np.flatnonzero(ecommerce & (rng.random(n) < 0.3))
    orders = np.minimum(rng.lognormal(9.5, 1.2, o.size).astype(np.int64), 400_000)
    orders[: min(20, o.size)] = 20_000
    out["orders"] = {
        "enterprise": ids[o],
        "year": np.where(rng.random(o.size) < 0.9, YEAR, YEAR - 1).astype(np.int32),
        "orders": orders,
    }

    # transactions: 7 years of history of every e-commerce enterprise
    e = np.flatnonzero(ecommerce)
    years = np.arange(YEAR - 6, YEAR + 1, dtype=np.int32)
    level = rng.lognormal(15.0, 1.8, e.size)  # yuan
    growth = rng.lognormal(0.05, 0.3, (e.size, years.size)).cumprod(axis=1)
    amount = (level[:, None] * growth * 100).astype(np.int64).clip(0, 10**13)
    amount[: min(10, e.size), -1] = 1_000_000_000  # exactly 10 million yuan
    out["transactions"] = {
        "enterprise": np.repeat(ids[e], years.size),
        "year": np.tile(years, e.size),
        "amount_fen": amount.ravel(),
    }

    # case awards
    c = np.union1d(_pick(rng, n, 0.001), [0, 1])
    out["case_awards"] = {
        "case": np.arange(1, c.size + 1, dtype=np.int64),
        "enterprise": ids[c],
        "year": np.full(c.size, YEAR, dtype=np.int32),
        "item": np.where((rng.random(c.size) < 0.1) | (np.arange(c.size) == 0), "base_operator", "large_enterprise"),
        "amount_fen": rng.integers(1_000_000, 100_000_000, c.size).astype(np.int64),
        "decision_no": np.array([f"荣电商组〔2025〕{i + 1}号" for i in range(c.size)], dtype="<U20"),
    }

    # training
    tr = _pick(rng, n, 0.05)
    out["training"] = {
        "enterprise": ids[tr],
        "year": np.full(tr.size, YEAR, dtype=np.int32),
        "trainees": rng.integers(1, 200, tr.size).astype(np.int64),
        "cost_fen": rng.integers(100_000, 20_000_000, tr.size).astype(np.int64),
    }

    # loans
    ln = _repeat(rng, _pick(rng, n, 0.15), 3)
    loan_date = _days(rng, "2023-01-01", "2025-12-31", ln.size)
    loan_date[:5] = np.datetime64("2024-02-29")
    repaid = np.full(ln.size, np.datetime64("NaT"), dtype="datetime64[D]")
    early = rng.random(ln.size) < 0.1
    repaid[early] = loan_date[early] + rng.integers(30, 700, early.sum())
    actual = rng.integers(30_000, 60_000, ln.size).astype(np.int64)
    actual[rng.random(ln.size) < 0.01] = -1  # unknown actual rate: the benchmark applies
    out["loans"] = {
        "loan": np.arange(1, ln.size + 1, dtype=np.int64),
        "enterprise": ids[ln],
        "principal_fen": rng.integers(10_000_000, 2_000_000_000, ln.size).astype(np.int64),
        "loan_date": loan_date,
        "repaid_on": repaid,
        "actual_rate_ppm": actual,
        "benchmark_rate_ppm": np.where(rng.random(ln.size) < 0.5, 43_500, 47_500).astype(np.int64),
        "recognised": rng.random(ln.size) < 0.9,
        "own_business": rng.random(ln.size) < 0.95,
    }

    # other subsidies (no stacking)
    os_ = _pick(rng, n, 0.03)
    out["other_subsidies"] = {
        "enterprise": ids[os_],
        "year": np.where(rng.random(os_.size) < 0.9, YEAR, YEAR - 1).astype(np.int32),
        "item": ITEMS[rng.integers(0, ITEMS.size, os_.size)],
        "source": np.where(rng.random(os_.size) < 0.7, "municipal", "other_district"),
    }
    return out


def rows(arrays: Arrays) -> int:
    return sum(len(next(iter(cols.values()))) for cols in arrays.values())


def to_facts(arrays: Arrays) -> Any:
    """The engine's Facts from the arrays (NaT → null date, a rate of -1 → null rate)."""
    from policies.rules.facts import SCHEMAS, Facts

    frames: dict[str, pl.DataFrame] = {}
    for kind, cols in arrays.items():
        series = []
        for name, dtype in SCHEMAS[kind].items():
            values = cols[name]
            if dtype == pl.Date:
                s = pl.Series(name, values, dtype=pl.Date)
            elif name == "actual_rate_ppm":
                s = pl.Series(name, values).set(pl.Series(values < 0), None)
            else:
                s = pl.Series(name, values, dtype=dtype)
            series.append(s)
        frames[kind] = pl.DataFrame(series)
    return Facts(**frames)
