"""List pages and API lists with tens of thousands of enterprises, through a running server.

Seeds the demo data set (N enterprises, default 60,000) into DATABASE_URL (or a scratch SQLite
file), starts gunicorn on 127.0.0.1, signs in over HTTP as a ministry and a provincial account and
times the first page, a deep page and a search: prints p50/p95 in milliseconds per URL.

Usage: python bench/list_pages.py [N] [requests-per-url]
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
PASSWORD = "Bench-Pass-2026!"


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


def prepare(env: dict[str, str], n: int) -> None:
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


def timed(opener: urllib.request.OpenerDirector, path: str, count: int) -> tuple[float, float]:
    url = f"http://127.0.0.1:{PORT}{path}"
    for _ in range(3):
        opener.open(url).read()
    samples = []
    for _ in range(count):
        t = time.perf_counter()
        response = opener.open(url)
        response.read()
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status == 200, (path, response.status)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    db_url = os.environ.get("DATABASE_URL", "sqlite:////tmp/ecbase_bench_lists.sqlite3")
    env = django_env(db_url)
    prepare(env, n)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ecbase.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        print(f"database {db_url.split('@')[-1]}, {n} enterprises, {count} requests per URL")
        print(f"{'account':<16}{'url':<48}{'p50 ms':>9}{'p95 ms':>9}")
        # A deep page each account has: 500 of 1,200 for the ministry, 40 for a province.
        for account, deep in (("bench_ministry", 500), ("bench_province", 40)):
            opener = opener_for(account)
            for path in (
                "/enterprises/",
                f"/enterprises/?page={deep}",
                "/enterprises/?q=" + urllib.parse.quote("电子商务"),
                "/enterprises/?q=" + urllib.parse.quote("9132"),
                "/bases/",
                "/api/enterprises/",
                f"/api/enterprises/?page={deep}",
                "/api/enterprises/?q=" + urllib.parse.quote("电子商务"),
            ):
                try:
                    p50, p95 = timed(opener, path, count)
                except urllib.error.HTTPError as exc:
                    print(f"{account:<16}{path:<48}  HTTP {exc.code}")
                    continue
                print(f"{account:<16}{urllib.parse.unquote(path):<48}{p50:>9.1f}{p95:>9.1f}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
