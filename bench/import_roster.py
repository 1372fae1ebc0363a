"""Benchmark of the real roster import path (upload checks, calamine read, validation, one
transaction of enterprises + residencies + change log, report), measured against its floor.

Usage: python bench/import_roster.py [N] [--runs K] [--sync] [--no-floor] [--file PATH]

Each run alternates ../shared/bench/import_floor.py N (read the same file with calamine, check the
credit codes, COPY the rows and one log row each into unindexed temporary tables) and the import
of that file into a fresh database (dropped, re-created and migrated before each run, outside the
time), then a re-import of the same file (the idempotent path: nothing written, nothing logged).
The machine is shared and its speed drifts, so floor and import are measured in the same run,
taking turns, and the summary gives medians and the median of the per-run ratios.

Database: DATABASE_URL when set (dropped and re-created: give it a bench-only name, e.g.
postgresql://postgres@127.0.0.1:5432/ecbase_bench_import), else a temporary SQLite file (the
floor then writes to PostgreSQL's `postgres` database, as it does by default).

Where the time goes (`job.result["timings"]`, seconds):
  upload     before the job runs: the checks of the upload (zip directory) and storing the file
  read       the stored file's checks again, calamine, the table of cells
  validate   checking every cell (repeated credit codes first), the scope checks and the plan of
             each batch, looking up the enterprises already registered
  prepare    what the bulk writer adds to the rows: normalised names, object texts
  copy       COPY of each batch into the staging table; on PostgreSQL it first waits for the
             database to finish the previous batch (pipeline mode: the database writes one batch
             while the next one is checked)
  rows, log  sending the INSERTs of the rows and of their change log (in pipeline mode they
             return at once; with --sync, each waits: the database's time to write them, index
             maintenance included)
  wait       waiting at the end for the database to finish
  keys       (--sync only) the foreign-key checks of every row written, run before the commit
  commit     the commit: PostgreSQL checks the deferred foreign keys of every row written (with
             --sync, already done under keys)
  analyze    ANALYZE of the three tables (planner statistics for the list pages)
--sync writes with core.bulk.PIPELINE = False, so that rows and log show the database's time.

cpu: the CPU seconds of the import's Python process and of its PostgreSQL backend (read from
/proc when the server runs on this machine). On a shared machine the wall times stretch with the
others' load; these say how much work each side did, and which one the other waited for.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench/import_floor.py next to the project (or next to the directory of its worktrees).
FLOOR = Path(
    os.environ.get("ECBASE_IMPORT_FLOOR")
    or next(
        (p for p in (d / "shared" / "bench" / "import_floor.py" for d in ROOT.parents) if p.exists()),
        ROOT.parent / "shared" / "bench" / "import_floor.py",
    )
)
BASE_COUNT = 127
STEPS = ("upload", "read", "validate", "prepare", "copy", "rows", "log", "wait", "keys", "commit", "analyze")


def make_file(n: int, path: Path) -> None:
    if FLOOR.exists():
        spec = importlib.util.spec_from_file_location("import_floor", FLOOR)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.make(n, str(path))
        return
    raise SystemExit(f"{path} is missing and the floor script {FLOOR} is not there to make it")


# --- one import, in a process of its own ---------------------------------------------------------


def prepare_database(tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        return "sqlite"
    if url.startswith("postgres"):
        import psycopg

        base, _sep, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return "postgresql"
    return url.split(":", 1)[0]


def setup_world() -> Any:
    from accounts.models import User
    from core import uscc
    from core.roles import Role
    from core.text import normalize_name
    from regions.models import QuotaUnit, Region
    from registry.models import Base

    province = Region.objects.create(code="500000", name="重庆市", level=1, since_year=1997)
    city = Region.objects.create(code="500100", name="市辖区", level=2, parent=province, since_year=1997)
    county = Region.objects.create(code="500153", name="荣昌区", level=3, parent=city, since_year=2015)
    unit = QuotaUnit.objects.create(code="50", name="重庆市", kind="municipality", region=province)
    bases = []
    for i in range(BASE_COUNT):
        base = Base(
            name=f"基地{i}",
            quota_unit=unit,
            region=county,
            operator_name=f"基地{i}运营有限公司",
            operator_credit_code=uscc.make(f"91500153{900000000 + i:09d}"),
            area_m2=Decimal("30000"),
            operating_since=datetime.date(2014, 1, 1),
        )
        base.name_normalized = normalize_name(base.name)
        bases.append(base)
    Base.objects.bulk_create(bases)
    user = User(username="bench_ministry", role=Role.MINISTRY)
    user.set_unusable_password()
    user.save()
    return user


def database_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on this
    machine (/proc), else None: on a shared machine, how much of the import's time the database
    worked, whatever the others ran meanwhile."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    try:
        with open(f"/proc/{connection.connection.info.backend_pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except OSError:
        return None


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_import(user: Any, path: Path) -> tuple[float, Any]:
    from django.core.files import File

    from registry.imports.jobs import start_import

    start = time.perf_counter()
    with path.open("rb") as fh:
        job = start_import(user, "roster", File(fh, name="roster.xlsx"), "all_or_none")
    return time.perf_counter() - start, job


def steps(timings: dict[str, float], total: float) -> dict[str, float]:
    """The job's timings grouped as the module's text lists them."""
    t: dict[str, float] = {}
    for key, seconds in timings.items():  # "apply.validate" (PostgreSQL) and "validate" (SQLite) add up
        name = key.removeprefix("apply.")
        t[name] = t.get(name, 0.0) + seconds
    out = {
        # Before the job runs: the checks of the upload and storing the file.
        "upload": total - t.get("total", total),
        "read": t.get("read", 0.0),
        "validate": sum(t.get(k, 0.0) for k in ("codes", "validate", "plan", "lookup")),
        **{k: t.get(k, 0.0) for k in ("prepare", "copy", "rows", "log", "wait", "keys", "commit", "analyze")},
    }
    out["other"] = total - sum(out.values())
    return {k: round(v, 3) for k, v in out.items()}


def child(n: int, path: Path, sync: bool) -> None:
    """One import and one re-import into a fresh database; prints one JSON line."""
    tmp = Path(tempfile.mkdtemp(prefix="ecbase-bench-"))
    os.environ.setdefault("ECBASE_DEV", "1")
    os.environ["ECBASE_TASKS_EAGER"] = "1"
    os.environ["ECBASE_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecbase.settings")
    vendor = prepare_database(tmp)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    import core.bulk

    core.bulk.PIPELINE = not sync
    call_command("migrate", verbosity=0)
    import registry.imports.jobs  # noqa: F401  (loaded before the clock starts, as in a running server)
    from core.models import ChangeLog
    from registry.models import Enterprise, Residency

    user = setup_world()
    logs_before = ChangeLog.objects.count()
    rss_before = peak_mb()
    cpu_before, db_before = time.process_time(), database_cpu()
    seconds, job = run_import(user, path)
    cpu, db = time.process_time() - cpu_before, database_cpu()
    assert job.status == "succeeded", job.result.get("message")
    result: dict[str, Any] = {
        "python_cpu": round(cpu, 3),
        "database_cpu": round(db - db_before, 3) if db is not None and db_before is not None else None,
        "vendor": vendor,
        "rows": job.total,
        "import": round(seconds, 3),
        "created": job.result["created"],
        "residencies": job.result["residencies"],
        "log_rows": ChangeLog.objects.count() - logs_before,
        "enterprises": Enterprise.objects.count(),
        "residency_rows": Residency.objects.count(),
        "steps": steps(job.result["timings"], seconds),
        "rss_mb": round(peak_mb()),
        "rss_before_mb": round(rss_before),
    }
    logs_before = ChangeLog.objects.count()
    seconds, job = run_import(user, path)
    result |= {
        "reimport": round(seconds, 3),
        "reimport_unchanged": job.result["unchanged"],
        "reimport_log_rows": ChangeLog.objects.count() - logs_before,
        "reimport_steps": steps(job.result["timings"], seconds),
        "reimport_rss_mb": round(peak_mb()),
    }
    print(json.dumps(result))


# --- the runs ------------------------------------------------------------------------------------


def floor(n: int, path: Path) -> dict[str, float]:
    # The floor COPYs into temporary tables: the server's `postgres` database serves, and exists
    # before the bench database has been created.
    env = dict(os.environ)
    if env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    out = subprocess.run(
        [sys.executable, str(FLOOR), str(n), str(path)], check=True, capture_output=True, text=True, env=env
    ).stdout
    return {k: float(v) for k, v in re.findall(r"(\w+)_s ([\d.]+)", out)}


def one_import(n: int, path: Path, sync: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, str(n), "--file", str(path), "--child"] + (["--sync"] if sync else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=60000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sync", action="store_true", help="wait for each statement (core.bulk.PIPELINE = False)")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.file or Path(f"/tmp/roster_{args.n}.xlsx")  # noqa: S108  (the floor script's path)
    if not path.exists():
        make_file(args.n, path)
    if args.child:
        child(args.n, path, args.sync)
        return
    runs: list[dict[str, Any]] = []
    for k in range(args.runs):
        f = {} if args.no_floor else floor(args.n, path)
        r = one_import(args.n, path, args.sync)
        r["floor"] = f.get("floor_total", float("nan"))
        runs.append(r)
        ratio = r["import"] / r["floor"] if f else float("nan")
        print(
            f"run {k + 1}: floor {r['floor']:.3f} s (read {f.get('read', 0):.2f}, check {f.get('check', 0):.2f},"
            f" copy {f.get('copy', 0):.2f})  import {r['import']:.3f} s  ratio {ratio:.2f}"
            f"  reimport {r['reimport']:.3f} s"
        )
        print(f"        steps {r['steps']}")
        if r.get("database_cpu") is not None:
            print(f"        cpu: python {r['python_cpu']:.2f} s, database {r['database_cpu']:.2f} s")
    last = runs[-1]
    print(
        f"\n{last['vendor']}, {last['rows']} rows: created {last['created']}, residencies {last['residencies']},"
        f" log rows {last['log_rows']}; re-import: {last['reimport_unchanged']} unchanged,"
        f" {last['reimport_log_rows']} log rows; peak RSS {last['rss_mb']} MB (re-import {last['reimport_rss_mb']} MB)"
    )
    imports = [r["import"] for r in runs]
    floors = [r["floor"] for r in runs]
    ratios = [r["import"] / r["floor"] for r in runs]
    print(
        f"median of {len(runs)}: import {median(imports):.3f} s ({last['rows'] / median(imports):,.0f} rows/s),"
        f" floor {median(floors):.3f} s, ratio of medians {median(imports) / median(floors):.2f},"
        f" median ratio {median(ratios):.2f} (runs {min(ratios):.2f}–{max(ratios):.2f});"
        f" re-import {median([r['reimport'] for r in runs]):.3f} s"
    )
    medians = {k: median([r["steps"][k] for r in runs]) for k in (*STEPS, "other")}
    print("median steps (s): " + "  ".join(f"{k} {v:.2f}" for k, v in medians.items()))
    if last.get("database_cpu") is not None:
        print(
            f"median cpu (s): python {median([r['python_cpu'] for r in runs]):.2f}"
            f"  database {median([r['database_cpu'] for r in runs]):.2f}"
        )


if __name__ == "__main__":
    main()
