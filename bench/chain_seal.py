"""Benchmark of the hash chains (core.chain): the real roster import of N enterprises (2N + 1
change-log rows), then sealing those rows, verifying them, and sealing again with nothing new.

Usage: python bench/chain_seal.py [N] [--runs K] [--no-lock] [--file PATH]

Each run imports into a fresh database (dropped, re-created and migrated before, outside the time)
in a process of its own and prints one line: the import (eager, as a command runs it: the import
does not seal, core.tasks seals after a background job), `seal` (every row of the import, in
batches of core.chain.BATCH, each its own transaction), `verify` (recompute and compare every
chain, without sealing), `reseal` (a seal with nothing to do: the cron's cost on a quiet system).
`--no-lock` drops the writers' lock trigger (PostgreSQL) before the import, to show what the lock
costs an import. On PostgreSQL each run also times single log rows, each in its own transaction
(a web request's write), with the lock and without it, taking turns.

Database: DATABASE_URL when set (dropped and re-created: give it a bench-only name, e.g.
postgresql://postgres@127.0.0.1:5432/ecbase_bench_chain), else a temporary SQLite file.
The roster file is the import bench's (bench/import_roster.py makes it with
../shared/bench/import_floor.py when it is missing).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _import_bench() -> Any:
    spec = importlib.util.spec_from_file_location("import_roster", ROOT / "bench" / "import_roster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child(path: Path, no_lock: bool) -> None:
    bench = _import_bench()
    tmp = Path(tempfile.mkdtemp(prefix="ecbase-bench-chain-"))
    os.environ.setdefault("ECBASE_DEV", "1")
    os.environ["ECBASE_TASKS_EAGER"] = "1"
    os.environ["ECBASE_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecbase.settings")
    vendor = bench.prepare_database(tmp)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    import registry.imports.jobs  # noqa: F401  (loaded before the clock starts)
    from core import chain
    from core.models import ChainLink, ChangeLog

    user = bench.setup_world()
    chain.seal()  # the rows of the setup: the import's rows are what is measured
    if no_lock and vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("core_changelog", "policies_ledgerentry"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_chain_lock ON {table}")
    logs_before = ChangeLog.objects.count()
    seconds, job = bench.run_import(user, path)
    assert job.status == "succeeded", job.result.get("message")
    log_rows = ChangeLog.objects.count() - logs_before

    started = time.perf_counter()
    sealed = chain.seal()
    seal_s = time.perf_counter() - started
    assert not sealed.deferred and not sealed.refused
    started = time.perf_counter()
    reports = [chain.verify_chain(spec) for spec in chain.chains()]
    verify_s = time.perf_counter() - started
    assert all(r.breaks_total == 0 and r.unsealed == 0 for r in reports), [r.breaks[:3] for r in reports]
    started = time.perf_counter()
    again = chain.seal()
    reseal_s = time.perf_counter() - started
    lock_us = _lock_cost(connection) if vendor == "postgresql" and not no_lock else {}
    print(
        json.dumps(
            {
                "vendor": vendor,
                "import": round(seconds, 3),
                "log_rows": log_rows,
                "sealed": sealed.total,
                "seal": round(seal_s, 3),
                "verify": round(verify_s, 3),
                "verified_rows": sum(r.rows for r in reports),
                "reseal": round(reseal_s, 3),
                "resealed": again.total,
                "links": ChainLink.objects.count(),
                **lock_us,
            }
        )
    )


def _lock_cost(connection: Any, n: int = 500, rounds: int = 3) -> dict[str, float]:
    """What the writers' lock costs a web request: single log rows, each in its own transaction
    (as a request writes them), with the trigger and without it, taking turns; microseconds per
    row, medians of the rounds."""
    from core import append_only
    from core.audit import log_event
    from core.models import ChangeLog

    def per_row() -> float:
        started = time.perf_counter()
        for _ in range(n):
            log_event(ChangeLog.Action.EXPORT, object_repr="bench")
        return (time.perf_counter() - started) / n * 1e6

    with_lock, without = [], []
    for _ in range(rounds):
        with_lock.append(per_row())
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER core_changelog_chain_lock ON core_changelog")
        without.append(per_row())
        with connection.cursor() as cursor:
            for sql in append_only.write_lock_sql("core_changelog"):
                cursor.execute(sql)
    return {
        "row_us_lock": round(statistics.median(with_lock), 1),
        "row_us_no_lock": round(statistics.median(without), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=60000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lock", action="store_true", help="drop the writers' lock trigger before the import")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.file or Path(f"/tmp/roster_{args.n}.xlsx")  # noqa: S108  (the floor script's path)
    if args.child:
        child(path, args.no_lock)
        return
    if not path.exists():
        _import_bench().make_file(args.n, path)
    runs = []
    for k in range(args.runs):
        command = [sys.executable, __file__, str(args.n), "--file", str(path), "--child"]
        out = subprocess.run(
            command + (["--no-lock"] if args.no_lock else []), check=True, capture_output=True, text=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        runs.append(r)
        print(
            f"run {k + 1}: import {r['import']:.3f} s ({r['log_rows']} log rows)  seal {r['seal']:.3f} s"
            f" ({r['sealed']} rows, {r['sealed'] / r['seal']:,.0f} rows/s)  verify {r['verify']:.3f} s"
            f" ({r['verified_rows']} rows)  reseal {r['reseal']:.3f} s ({r['resealed']} rows)"
        )
        if "row_us_lock" in r:
            print(
                f"        one log row per transaction: {r['row_us_lock']} µs with the lock,"
                f" {r['row_us_no_lock']} µs without"
            )
    med = {k: statistics.median(r[k] for r in runs) for k in ("import", "seal", "verify", "reseal")}
    print(
        f"\n{runs[-1]['vendor']}, median of {len(runs)}: import {med['import']:.3f} s, seal {med['seal']:.3f} s"
        f" ({runs[-1]['sealed'] / med['seal']:,.0f} rows/s), verify {med['verify']:.3f} s, reseal {med['reseal']:.3f} s"
    )


if __name__ == "__main__":
    main()
