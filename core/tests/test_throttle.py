"""Per-address limits hold across processes (security review, finding 9).

The objection limit (5 an hour per address) was counted in each process's memory: with two
gunicorn workers 9 objections were accepted before the first refusal. The count now lives in the
cache every process shares (the database by default, Redis when configured) and is incremented
atomically. The tests below start two real Python processes with the project's settings that
take from the same address at the same moment, and count what was accepted in total.
"""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

from core import throttle

ROOT = Path(settings.BASE_DIR)
HOUR = 3600
LIMIT = 5

# Each process signals that it is ready, waits for the common start, then tries as fast as it can;
# it prints how many were accepted. "locmem" gives the process a cache of its own memory, as before
# the fix.
WORKER = """
import sys, time
from pathlib import Path
import django
django.setup()
from core import throttle
scope, folder, backend = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
limit, attempts = int(sys.argv[4]), int(sys.argv[5])
if backend == "locmem":
    from django.core.cache.backends.locmem import LocMemCache
    throttle.cache = LocMemCache(scope, {})
throttle.remaining(scope, "warm-up", limit=1, window=60)  # connected before the start
(folder / f"ready-{time.monotonic_ns()}").touch()
while not (folder / "go").exists():
    time.sleep(0.001)
print(sum(throttle.take(scope, "203.0.113.9", limit=limit, window=3600) is not None for _ in range(attempts)))
"""


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def database_url(tmp_path: Path) -> str:
    """The database the processes share: the test database on PostgreSQL (its cache table was made
    by the migrations); on SQLite (in memory for the tests) a file of its own, with the table."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        return f"postgresql://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=environment(url), check=True, timeout=120
    )
    return url


def environment(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ECBASE_REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="ecbase.settings", ECBASE_DEV="1", DATABASE_URL=url, **extra)
    return env


def accepted_by_two_processes(env: dict[str, str], backend: str, limit: int, attempts: int, folder: Path) -> list[int]:
    scope = f"test-{uuid.uuid4().hex}"
    barrier = folder / f"barrier-{scope}"
    barrier.mkdir()
    procs = [
        subprocess.Popen(  # noqa: S603  (our own interpreter and script)
            [sys.executable, "-c", WORKER, scope, str(barrier), backend, str(limit), str(attempts)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    deadline = time.monotonic() + 120
    while len(list(barrier.glob("ready-*"))) < 2 and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break  # one failed to start: its error is read below
        time.sleep(0.01)
    (barrier / "go").touch()
    counts = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        counts.append(int(out.strip().splitlines()[-1]))
    return counts


@pytest.mark.django_db
def test_two_processes_share_the_limit_through_the_database_cache(tmp_path: Path) -> None:
    env = environment(database_url(tmp_path))
    assert sum(accepted_by_two_processes(env, "default", LIMIT, 10, tmp_path)) == LIMIT
    # Under contention: every increment counted once (a read-then-write would lose some).
    counts = accepted_by_two_processes(env, "default", 60, 100, tmp_path)
    assert sum(counts) == 60, counts


@pytest.mark.django_db
def test_with_a_cache_of_each_process_the_limit_did_not_hold(tmp_path: Path) -> None:
    """The finding itself, kept as the control of the test above: each process counted alone."""
    counts = accepted_by_two_processes(environment(database_url(tmp_path)), "locmem", LIMIT, 10, tmp_path)
    assert counts == [LIMIT, LIMIT]


@pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db
def test_two_processes_share_the_limit_through_redis(tmp_path: Path) -> None:
    env = environment(
        f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        ECBASE_REDIS_URL="redis://127.0.0.1:6379/12",
        ECBASE_CACHE_PREFIX=f"test-{uuid.uuid4().hex}",
    )
    assert sum(accepted_by_two_processes(env, "default", LIMIT, 10, tmp_path)) == LIMIT
    counts = accepted_by_two_processes(env, "default", 60, 100, tmp_path)
    assert sum(counts) == 60, counts


# ---- one process: the window ---------------------------------------------------------------


@pytest.fixture
def fresh_cache(db: None) -> Any:
    cache.clear()
    yield cache
    cache.clear()


def test_the_window_slides(fresh_cache: Any) -> None:
    t0 = 1_750_000_000.0
    for i in range(LIMIT):
        assert throttle.take("s", "198.51.100.4", limit=LIMIT, window=HOUR, now=t0 + i * 60)
    assert throttle.take("s", "198.51.100.4", limit=LIMIT, window=HOUR, now=t0 + 30 * 60) is None
    assert throttle.take("s", "198.51.100.4", limit=LIMIT, window=HOUR, now=t0 + 59 * 60) is None  # within the hour
    assert throttle.take("s", "198.51.100.5", limit=LIMIT, window=HOUR, now=t0 + 30 * 60)  # another address
    assert throttle.take("other", "198.51.100.4", limit=LIMIT, window=HOUR, now=t0 + 30 * 60)  # another form
    assert throttle.remaining("s", "198.51.100.4", limit=LIMIT, window=HOUR, now=t0 + 30 * 60) == 0
    assert throttle.take("s", "198.51.100.4", limit=LIMIT, window=HOUR, now=t0 + 70 * 60)  # the first ones forgotten


def test_a_refusal_counts_nothing_and_a_submission_given_back_frees_its_place(fresh_cache: Any) -> None:
    t0 = 1_750_000_000.0
    keys = [throttle.take("s", "a", limit=LIMIT, window=HOUR, now=t0) for _ in range(LIMIT)]
    assert all(keys)
    for _ in range(3):
        assert throttle.take("s", "a", limit=LIMIT, window=HOUR, now=t0) is None
    assert keys[0] is not None
    throttle.give_back(keys[0])  # e.g. the action refused the objection after all
    assert throttle.take("s", "a", limit=LIMIT, window=HOUR, now=t0)
    assert throttle.take("s", "a", limit=LIMIT, window=HOUR, now=t0) is None


def test_the_database_cache_increments_keep_the_expiry(fresh_cache: Any) -> None:
    """Django's own database cache rewrote the entry on incr, with the default 5-minute expiry."""
    from core.cache import DatabaseCache

    assert isinstance(caches["default"], DatabaseCache)
    cache.add("k", 0, timeout=HOUR)
    assert cache.incr("k") == 1 and cache.incr("k", 4) == 5 and cache.decr("k") == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM ecbase_cache WHERE cache_key LIKE %s", ["%:k"])
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):  # SQLite
        expires = datetime.datetime.fromisoformat(expires)
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=datetime.UTC)
    assert (expires - datetime.datetime.now(datetime.UTC)).total_seconds() > HOUR - 60
    with pytest.raises(ValueError):
        cache.incr("missing")
