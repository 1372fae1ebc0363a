"""A per-address limit on what anonymous visitors may submit (e.g. objections to a public notice).

Sign-in attempts have their own lockout (django-axes); this is for public forms that need no
account. Attempts are kept in Django's cache as the times of the last accepted submissions of an
address, in a sliding window: `allowed()` says whether one more is allowed now, `record()` counts
one that was accepted. The cache is the process's memory unless `CACHES` names a shared one
(Redis, the database): with several web processes each counts on its own, so configure a shared
cache in production for the limit to hold across them.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def _key(scope: str, address: str | None) -> str:
    return f"throttle:{scope}:{address or 'unknown'}"


def _recent(scope: str, address: str | None, window: int, now: float) -> list[float]:
    stamps = cache.get(_key(scope, address)) or []
    return [t for t in stamps if t > now - window]


def allowed(scope: str, address: str | None, *, limit: int, window: int, now: float | None = None) -> bool:
    """Whether `address` may submit once more in `scope`: fewer than `limit` in the last `window` seconds."""
    moment = time.time() if now is None else now
    return len(_recent(scope, address, window, moment)) < limit


def record(scope: str, address: str | None, *, window: int, now: float | None = None) -> None:
    """Count one accepted submission of `address` in `scope`."""
    moment = time.time() if now is None else now
    stamps = [*_recent(scope, address, window, moment), moment]
    cache.set(_key(scope, address), stamps, timeout=window)
