"""List pages and API lists with tens of thousands of enterprises, through a running server.

Usage: python bench/list_pages.py [N] [requests-per-url]

Database: DATABASE_URL (a PostgreSQL database is created when it does not exist), else a scratch
SQLite file. Migrates it, seeds the demo data set with N enterprises (default 60,000) when it has
none (and reuses it otherwise), starts gunicorn (2 workers) on 127.0.0.1, signs in over HTTP as a
ministry and a provincial account, and times the pages and the API: the first page, a deep page
and two searches. For each URL it prints p50 and p95 in milliseconds, side by side with the floor
measured in the same run, request for request in turn with the URL: `/api/me/` for the same
account, which goes through the same server, middleware, session and sign-in but reads no list
(what a list costs is its time above the floor). The summary holds the figures against the
targets of DESIGN.md: p95 ≤ 45 ms for every URL, a deep page no slower than 1.2× the first.

`cpu ms` is the p50 of the CPU time each request made the gunicorn workers and the PostgreSQL
backends spend (read from /proc): what the request costs the server whatever else the machine
runs, so that a busy machine's figures can still be read (the wall times of a shared machine
stretch with the others' load).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
PASSWORD = "Bench-Pass-2026!"
FLOOR = "/api/me/"
TARGET_P95_MS = 45.0
TARGET_DEEP_RATIO = 1.2


def django_env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="ecbase.settings",
        ECBASE_DEV="1",
        DATABASE_URL=db_url,
        ECBASE_REQUIRE_SECOND_FACTOR="0",
        ECBASE_SECURE_COOKIES="0",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def ensure_database(db_url: str) -> None:
    """Create the PostgreSQL database named in the URL when it does not exist (SQLite creates its
    file by itself)."""
    if not db_url.startswith("postgres"):
        return
    import psycopg

    server, _sep, name = db_url.rpartition("/")
    name = name.split("?", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def prepare(env: dict[str, str], db_url: str, n: int) -> None:
    ensure_database(db_url)
    manage(env, "migrate", "--noinput", "-v0")
    t = time.perf_counter()
    manage(env, "seed_demo", "--if-empty", "--enterprises", str(n))
    print(f"seed (or reuse) {time.perf_counter() - t:.1f} s")
    script = f"""
from accounts.models import User
from core.roles import Role
from regions.models import QuotaUnit
for name, role, unit in (("bench_ministry", Role.MINISTRY, None), ("bench_province", Role.PROVINCE, "32")):
    u, _ = User.objects.get_or_create(username=name, defaults={{"role": role}})
    u.role = role
    u.quota_unit = QuotaUnit.objects.filter(code=unit).first() if unit else None
    u.set_password({PASSWORD!r})
    u.save()
"""
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", script], env=env, check=True, cwd=ROOT)


def opener_for(username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{PORT}"
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request).read()
    return opener


class ServerCpu:
    """CPU time of the gunicorn workers and of the PostgreSQL backends of the database, read from
    /proc (server and database run on this machine). On a shared machine a request's wall time
    stretches with the others' load; the CPU it made the server and the database spend does not,
    much: it is what the request would take on an idle machine, less the wire."""

    def __init__(self, master: int, db_url: str) -> None:
        self.master = master
        self.db_url = db_url if db_url.startswith("postgres") else ""
        self.conn: Any = None

    def pids(self) -> list[int]:
        try:
            with open(f"/proc/{self.master}/task/{self.master}/children") as f:
                workers = [int(p) for p in f.read().split()]
        except OSError:
            return []
        if self.db_url:
            if self.conn is None:
                import psycopg

                self.conn = psycopg.connect(self.db_url.split("?", 1)[0], autocommit=True)
            rows = self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
            workers += [pid for (pid,) in rows]
        return workers

    @staticmethod
    def seconds(pids: list[int]) -> float:
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
        return total / 1e9


def once(
    opener: urllib.request.OpenerDirector, path: str, cpu: list[float] | None = None, pids: Sequence[int] = ()
) -> float:
    """One request's wall time (ms); its server CPU time appended to `cpu` when given."""
    before = ServerCpu.seconds(list(pids)) if cpu is not None else 0.0
    start = time.perf_counter()
    response = opener.open(f"http://127.0.0.1:{PORT}{path}")
    response.read()
    assert response.status == 200, (path, response.status)
    elapsed = (time.perf_counter() - start) * 1000
    if cpu is not None:
        cpu.append((ServerCpu.seconds(list(pids)) - before) * 1000)
    return elapsed


def p50_p95(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def timed(
    opener: urllib.request.OpenerDirector, path: str, count: int, server: ServerCpu
) -> tuple[float, float, float, float, float, float]:
    """p50 and p95 of the URL and of the floor, requested in turn, and the p50 of the server's
    CPU time (workers and database) for each."""
    for _ in range(3):
        once(opener, path)
        once(opener, FLOOR)
    pids = server.pids()
    url: list[float] = []
    floor: list[float] = []
    url_cpu: list[float] = []
    floor_cpu: list[float] = []
    for _ in range(count):
        url.append(once(opener, path, url_cpu, pids))
        floor.append(once(opener, FLOOR, floor_cpu, pids))
    return (*p50_p95(url), *p50_p95(floor), statistics.median(url_cpu), statistics.median(floor_cpu))


def urls(deep: int) -> list[tuple[str, str]]:
    """(kind, path): kind names the URL's role in the checks (first, deep, search)."""
    q = urllib.parse.quote
    return [
        ("page first", "/enterprises/"),
        ("page deep", f"/enterprises/?page={deep}"),
        ("page search", "/enterprises/?q=" + q("电子商务")),
        ("page search", "/enterprises/?q=" + q("9132")),
        ("page first", "/bases/"),
        ("api first", "/api/enterprises/"),
        ("api deep", f"/api/enterprises/?page={deep}"),
        ("api search", "/api/enterprises/?q=" + q("电子商务")),
    ]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    db_url = os.environ.get("DATABASE_URL", "sqlite:////tmp/ecbase_bench_lists.sqlite3")
    env = django_env(db_url)
    prepare(env, db_url, n)
    gunicorn = ["gunicorn", "ecbase.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"]
    process = subprocess.Popen(
        [sys.executable, "-m", *gunicorn],
        env=env,
        cwd=ROOT,
    )
    over: list[str] = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        print(f"database {db_url.split('@')[-1]}, {n} enterprises, {count} requests per URL (and as many of the floor)")
        server = ServerCpu(process.pid, db_url)
        print(
            f"{'account':<16}{'url':<40}{'p50 ms':>8}{'p95 ms':>8}{'floor p50':>11}{'floor p95':>11}"
            f"{'cpu ms':>8}{'floor cpu':>11}"
        )
        # A deep page each account has: 500 of 1,200 for the ministry, 40 for a province.
        for account, deep in (("bench_ministry", 500), ("bench_province", 40)):
            opener = opener_for(account)
            first: dict[str, float] = {}
            for kind, path in urls(deep):
                try:
                    p50, p95, f50, f95, cpu, floor_cpu = timed(opener, path, count, server)
                except urllib.error.HTTPError as exc:
                    print(f"{account:<16}{path:<40}  HTTP {exc.code}")
                    over.append(f"{account} {path}: HTTP {exc.code}")
                    continue
                shown = urllib.parse.unquote(path)
                print(
                    f"{account:<16}{shown:<40}{p50:>8.1f}{p95:>8.1f}{f50:>11.1f}{f95:>11.1f}{cpu:>8.1f}{floor_cpu:>11.1f}"
                )
                if p95 > TARGET_P95_MS:
                    over.append(f"{account} {shown}: p95 {p95:.1f} ms > {TARGET_P95_MS:.0f} ms")
                where, what = kind.split()
                if what == "first" and path.startswith(("/enterprises/", "/api/enterprises/")):
                    first[where] = p95
                if what == "deep" and where in first:
                    ratio = p95 / first[where]
                    print(f"{'':<16}{'  deep / first (p95)':<40}{ratio:>8.2f}")
                    if ratio > TARGET_DEEP_RATIO:
                        over.append(f"{account} {shown}: deep page {ratio:.2f}× the first > {TARGET_DEEP_RATIO}×")
    finally:
        process.terminate()
        process.wait(10)
    print()
    if over:
        print(f"over the targets (p95 ≤ {TARGET_P95_MS:.0f} ms, deep ≤ {TARGET_DEEP_RATIO}× first):")
        for line in over:
            print(f"  {line}")
    else:
        print(f"every URL within the targets (p95 ≤ {TARGET_P95_MS:.0f} ms, deep ≤ {TARGET_DEEP_RATIO}× first)")


if __name__ == "__main__":
    main()
