"""Production settings as docs/deploy.md gives them pass Django's deployment checks with nothing
to warn about: HTTPS only (redirect, HSTS, secure cookies), behind a proxy that names the scheme."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def production_env() -> dict[str, str]:
    # Nothing of the test session's own environment (the browser tests allow async-unsafe calls).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ECBASE_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ecbase.settings",
        ECBASE_SECRET_KEY="a-production-secret-of-enough-length-and-variety-0123456789-ABCDEFG",
        ECBASE_CHAIN_KEY="a-production-chain-key-kept-out-of-the-database-0123456789",
        ECBASE_ALLOWED_HOSTS="ecbase.example.gov.cn",
        ECBASE_CSRF_TRUSTED_ORIGINS="https://ecbase.example.gov.cn",
    )
    return env


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_settings() -> None:
    done = run("check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_redirects_to_https_and_sends_hsts() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    done = run("shell", "-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = production_env()
    del env["ECBASE_SECRET_KEY"]
    command = [sys.executable, "manage.py", "check"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603  (our own manage.py)
    assert done.returncode != 0 and "ECBASE_SECRET_KEY" in done.stderr
