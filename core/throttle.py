"""A per-address limit on what anonymous visitors may submit (e.g. objections to a public notice).

Sign-in attempts have their own lockout (django-axes, in the database); this is for public forms
that need no account. The count lives in Django's cache, which every web process shares (the
database by default, Redis when configured: settings.CACHES, core.cache): with a cache of each
process's own memory, two gunicorn workers accepted 9 objections of an address before refusing
one, five each.

The window slides in slots: a window of an hour is counted in twelve slots of five minutes, each
a counter in the cache that expires after the window. `take()` counts a submission in the
current slot first — `cache.add` then `cache.incr`, atomic in every process — and then adds up
the slots of the window: over the limit, it takes the submission back and refuses. Two processes
taking at once both see both counts, so the limit holds in total (a race refuses too much rather
than accepting too much). The window counted is between one and one slot and a window long:
a submission is forgotten between 60 and 65 minutes later, never sooner.
"""

from __future__ import annotations

import contextlib
import math
import time

from django.core.cache import cache

SLOTS = 12  # slots of a window


def _slot_seconds(window: int) -> int:
    return max(1, math.ceil(window / SLOTS))


def _key(scope: str, address: str | None, slot: int) -> str:
    return f"throttle:{scope}:{address or 'unknown'}:{slot}"


def take(scope: str, address: str | None, *, limit: int, window: int, now: float | None = None) -> str | None:
    """Count one submission of `address` in `scope` when fewer than `limit` are counted in the last
    `window` seconds: the key it was counted under (for `give_back`), or None — refused, nothing
    counted."""
    moment = time.time() if now is None else now
    length = _slot_seconds(window)
    slot = int(moment // length)
    key = _key(scope, address, slot)
    timeout = window + 2 * length  # outlives every window it is counted in
    counted = 0
    for _attempt in range(3):  # the slot may expire between add and incr (a clock at its end)
        cache.add(key, 0, timeout=timeout)
        try:
            counted = cache.incr(key)
            break
        except ValueError:
            continue
    else:
        return None
    earlier = cache.get_many([_key(scope, address, s) for s in range(slot - SLOTS, slot)])
    if counted + sum(int(v) for v in earlier.values()) > limit:
        give_back(key)
        return None
    return key


def give_back(key: str) -> None:
    """Uncount a submission `take` counted (it was refused for another reason after all)."""
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to uncount
        cache.decr(key)


def remaining(scope: str, address: str | None, *, limit: int, window: int, now: float | None = None) -> int:
    """How many more submissions `address` may make now (for tests and messages; `take` decides)."""
    moment = time.time() if now is None else now
    slot = int(moment // _slot_seconds(window))
    counts = cache.get_many([_key(scope, address, s) for s in range(slot - SLOTS, slot + 1)])
    return max(0, limit - sum(int(v) for v in counts.values()))
