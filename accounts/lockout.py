"""The slower limit per username, beside django-axes' lock per username-and-address pair.

Axes locks a username only for the address that guessed (`AXES_LOCKOUT_PARAMETERS`), so nobody can
lock the ministry out from its own desk by guessing from elsewhere. Guessing one username from many
addresses is held back here: once `ECBASE_USERNAME_FAILURE_LIMIT` wrong passwords for a username
have come within the cool-off time, from any addresses, it can be signed in only from an address it
has signed in from before (its known addresses, read from the audit trail)."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from accounts.secondfactor import cooloff
from core.models import ChangeLog


def failures_for(username: str) -> int:
    since = timezone.now() - cooloff()
    found = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )
    return int(found["n"] or 0)


def known_address(username: str, ip: str | None) -> bool:
    if not ip:
        return False
    return ChangeLog.objects.filter(
        action=ChangeLog.Action.LOGIN, result=ChangeLog.Result.SUCCESS, actor__username=username, ip=ip
    ).exists()


def username_held(username: str, ip: str | None) -> bool:
    """Whether a sign-in for this username from this address waits, whatever the password."""
    if not username or failures_for(username) < settings.ECBASE_USERNAME_FAILURE_LIMIT:
        return False
    return not known_address(username, ip)
