"""Benchmark of the 荣昌 rule engine: every item for N enterprises, against a plain NumPy floor.

Usage: python bench/awards.py N [--repeat R] [--year 2025] [--no-trace] [--seed S]

1. Generates N enterprises with every kind of fact (bench/awards_data.py, seeded, deterministic)
   as NumPy arrays, and the engine's Facts from the same arrays (Polars frames).
2. Times the engine, `policies.rules.engine.compute(facts, params, year, trace=False)` — amounts
   and reasons of every item, registration and no stacking — and the floor on the same arrays (the
   same rules hand-written in NumPy, amounts only: bench/awards_floor.py), R times each,
   alternating engine and floor so that a busy machine slows both alike. Reports the medians and
   the median of the R engine/floor ratios.
3. Checks both agree to the fen on every (item, enterprise, ref): prints the number of mismatches.
4. Unless --no-trace: times the engine once more with the traces built for every row.

Peak memory: each phase runs once more in a fresh child process (the same script with --measure),
which builds the same inputs, then samples its resident set size every 2 ms while the phase runs;
reported as the peak above the RSS just before the phase. (Polars allocates outside Python's
allocator, so tracemalloc would not see it; and in the parent, memory freed by one run is reused
by the next, so its RSS would understate the peak.)
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import awards_data  # noqa: E402
import awards_floor  # noqa: E402
import polars as pl  # noqa: E402

from policies.rules.engine import compute  # noqa: E402
from policies.rules.params import load_params  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def peak_during(fn: Callable[[], Any]) -> tuple[Any, float, int]:
    """Run fn while sampling RSS; returns (result, seconds, peak bytes above the starting RSS)."""
    gc.collect()
    start = rss()
    peak = [start]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss())
            time.sleep(0.002)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    done.set()
    thread.join()
    peak[0] = max(peak[0], rss())
    return result, seconds, peak[0] - start


def timed(fns: list[Callable[[], Any]], repeat: int) -> tuple[list[Any], list[list[float]]]:
    """Run the functions in turn, `repeat` rounds; their last results and their times."""
    times: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            gc.collect()
            t0 = time.perf_counter()
            results[i] = fn()
            times[i].append(time.perf_counter() - t0)
    return results, times


def measure_child(args: argparse.Namespace, phase: str) -> int:
    """Peak RSS above the start of `phase`, measured in a fresh process."""
    cmd = [
        sys.executable,
        __file__,
        str(args.n),
        "--year",
        str(args.year),
        "--seed",
        str(args.seed),
        "--measure",
        phase,
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1])


def mismatches(engine: pl.DataFrame, floor: dict[str, Any]) -> tuple[int, int]:
    """(rows whose amount differs or that only one side has, rows compared)."""
    codes = awards_floor.ITEM_CODES
    e = engine.select(
        pl.col("item").replace_strict(codes, return_dtype=pl.Int64).alias("item"),
        "enterprise",
        "ref",
        pl.col("amount_fen").alias("engine"),
    )
    f = pl.DataFrame(floor).rename({"amount_fen": "floor"})
    both = e.join(f, on=["item", "enterprise", "ref"], how="full", coalesce=True)
    bad = both.filter(pl.col("engine").is_null() | pl.col("floor").is_null() | (pl.col("engine") != pl.col("floor")))
    return bad.height, both.height


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=awards_data.YEAR)
    parser.add_argument("--seed", type=int, default=20251231)
    parser.add_argument("--no-trace", action="store_true")
    parser.add_argument("--measure", choices=["engine", "floor", "trace"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    n, year = args.n, args.year
    params = load_params()
    if args.measure:
        arrays = awards_data.generate(n, args.seed)
        facts = awards_data.to_facts(arrays)
        phases: dict[str, Callable[[], Any]] = {
            "engine": lambda: compute(facts, params, year, trace=False),
            "floor": lambda: awards_floor.compute(arrays, params, year),
            "trace": lambda: compute(facts, params, year, trace=True),
        }
        print(peak_during(phases[args.measure])[2])
        return

    t0 = time.perf_counter()
    arrays = awards_data.generate(n, args.seed)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    facts = awards_data.to_facts(arrays)
    t_facts = time.perf_counter() - t0
    print(
        f"N = {n:,} enterprises, {awards_data.rows(arrays):,} fact rows; year {year}; polars {pl.__version__}, "
        f"{pl.thread_pool_size()} threads"
    )
    print(f"generate {t_gen:.2f} s, arrays → Facts (Polars) {t_facts:.2f} s (not timed below)")

    (awards, floor), (engine_times, floor_times) = timed(
        [lambda: compute(facts, params, year, trace=False), lambda: awards_floor.compute(arrays, params, year)],
        args.repeat,
    )
    bad, compared = mismatches(awards, floor)
    engine_peak = measure_child(args, "engine")
    floor_peak = measure_child(args, "floor")

    e_med, f_med = statistics.median(engine_times), statistics.median(floor_times)
    ratio = statistics.median(e / f for e, f in zip(engine_times, floor_times, strict=True))
    paid = awards.filter(pl.col("amount_fen") > 0)
    print(f"awards: {awards.height:,} rows, {paid.height:,} paying, total {paid['amount_fen'].sum() / 100:,.2f} 元")
    print(
        f"engine (amounts + reasons): median {e_med:.3f} s of {args.repeat} "
        f"({', '.join(f'{t:.3f}' for t in engine_times)}), {n / e_med:,.0f} enterprises/s, peak +{mb(engine_peak)}"
    )
    print(
        f"floor (NumPy, amounts):     median {f_med:.3f} s of {args.repeat} "
        f"({', '.join(f'{t:.3f}' for t in floor_times)}), {n / f_med:,.0f} enterprises/s, peak +{mb(floor_peak)}"
    )
    print(
        f"engine / floor: {e_med / f_med:.2f}× of the medians, {ratio:.2f}× median of the {args.repeat} pairs "
        f"(target ≤ 1.5×)"
    )
    print(f"mismatches engine vs floor: {bad} of {compared:,} rows")
    if not args.no_trace:
        t0 = time.perf_counter()
        traced = compute(facts, params, year, trace=True)
        t_trace = time.perf_counter() - t0
        steps = traced["trace"].list.len().sum()
        del traced
        trace_peak = measure_child(args, "trace")
        print(
            f"engine with traces for every row: {t_trace:.2f} s, {n / t_trace:,.0f} enterprises/s, "
            f"{steps:,} steps, peak +{mb(trace_peak)}"
        )
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    if bad:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
