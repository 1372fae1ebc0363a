"""Locks on signing in: django-axes' lock per username-and-address pair, with its limit and
duration read from the security policy, and the slower limit per username beside it.

Axes locks a username only for the address that guessed (`AXES_LOCKOUT_PARAMETERS`), so nobody can
lock the ministry out from its own desk by guessing from elsewhere. Guessing one username from many
addresses is held back here: once `ECBASE_USERNAME_FAILURE_LIMIT` wrong passwords for a username
have come within the cool-off time, from any addresses, it can be signed in only from an address it
has signed in from before (its known addresses, read from the audit trail).

The security administrator lifts every lock of an account at once (`unlock`)."""

from __future__ import annotations

import datetime
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import secondfactor
from accounts.models import SecurityPolicy, User
from accounts.secondfactor import cooloff
from core.models import ChangeLog


def failure_limit(request: Any = None, credentials: Any = None) -> int:
    """AXES_FAILURE_LIMIT: the policy's, at each attempt."""
    return SecurityPolicy.current().failure_limit


def cooloff_time(request: Any = None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: the policy's, at each attempt."""
    return SecurityPolicy.current().lockout


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


# The lock state of accounts --------------------------------------------------------------------


def _locked_attempts() -> QuerySet[AccessAttempt]:
    """Attempts that lock their username at some address now."""
    policy = SecurityPolicy.current()
    return AccessAttempt.objects.filter(
        failures_since_start__gte=policy.failure_limit, attempt_time__gte=timezone.now() - policy.lockout
    )


def _locked_devices() -> QuerySet[TOTPDevice]:
    policy = SecurityPolicy.current()
    return TOTPDevice.objects.filter(
        throttling_failure_count__gte=policy.failure_limit,
        throttling_failure_timestamp__gte=timezone.now() - policy.lockout,
    )


def locked_q() -> Q:
    """Accounts locked now, as a condition on users: a password lock at some address, the hold on
    a username guessed from many addresses, or a second-factor lock."""
    since = timezone.now() - cooloff()
    held = (
        AccessAttempt.objects.filter(username=OuterRef("username"), attempt_time__gte=since)
        .order_by()
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.ECBASE_USERNAME_FAILURE_LIMIT)
    )
    return (
        Q(Exists(_locked_attempts().filter(username=OuterRef("username"))))
        | Q(Exists(held))
        | Q(Exists(_locked_devices().filter(user_id=OuterRef("pk"))))
    )


def is_locked(user: User) -> bool:
    return User.objects.filter(pk=user.pk).filter(locked_q()).exists()


def unlock(user: User) -> int:
    """Lift every lock of the account: its failed attempts at every address (django-axes; the
    per-username hold counts the same rows) and its second-factor lock. Returns the attempts
    cleared."""
    cleared = int(axes_reset(username=user.username) or 0)
    secondfactor.reset(user)
    return cleared
