"""The second factor, one function for the sign-in page and the API: a TOTP device (django-otp,
RFC 6238) with printed backup codes. Wrong codes are throttled by the device (1, 2, 4 … seconds)
and counted like wrong passwords: after the security policy's failure limit in a row the
account's second factor is locked for the policy's lockout time, whatever the code. A code is
checked under a row lock on the device, so two simultaneous requests cannot both use one code, and
a used code is never accepted again."""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityPolicy, User

BACKUP_CODES = 10
DEVICE_NAME = "动态口令"
BACKUP_NAME = "备用码"


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NOT_ENROLLED = "not_enrolled"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    first_confirmation: bool = False  # the device was confirmed by this code (enrolment)
    locked_until: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


def cooloff() -> datetime.timedelta:
    return SecurityPolicy.current().lockout


def locked_until(device: TOTPDevice) -> datetime.datetime | None:
    policy = SecurityPolicy.current()
    if device.throttling_failure_count < policy.failure_limit or device.throttling_failure_timestamp is None:
        return None
    until = device.throttling_failure_timestamp + policy.lockout
    return until if until > timezone.now() else None


def device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The device to show as a QR code on first sign-in: created unconfirmed, confirmed by the
    first right code."""
    device = device_of(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verify(user: User, code: str) -> Verdict:
    """Check a TOTP code (six digits) or a backup code for the user, counting a wrong one."""
    text = re.sub(r"\s+", "", code or "").lower()
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).order_by("-confirmed", "-id").first()
        if device is None:
            return Verdict(Outcome.NOT_ENROLLED)
        until = locked_until(device)
        if until is not None:
            return Verdict(Outcome.LOCKED, locked_until=until)
        ok = counted = False
        if device.verify_is_allowed()[0]:
            if text.isdigit():
                # django-otp refuses a time step at or before the last one used (replay) and
                # counts the failure itself.
                ok, counted = device.verify_token(text), True
            elif device.confirmed and text:
                ok = _use_backup_code(user, text)
        # A code sent before the throttle's delay has passed is not even checked, but counted.
        if ok:
            first = not device.confirmed
            device.confirmed = True
            device.throttle_reset(commit=False)
            device.save()
            return Verdict(Outcome.OK, first_confirmation=first)
        if not counted:
            device.throttle_increment()
        until = locked_until(device)
        return Verdict(Outcome.LOCKED, locked_until=until) if until else Verdict(Outcome.WRONG)


def _use_backup_code(user: User, code: str) -> bool:
    token = (
        StaticToken.objects.select_for_update().filter(device__user=user, device__confirmed=True, token=code).first()
    )
    if token is None:
        return False
    token.delete()  # a backup code serves once
    return True


def issue_backup_codes(user: User) -> list[str]:
    """New backup codes, replacing any earlier ones; shown to the user once, stored as issued (a
    StaticToken is compared as text by django-otp)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def reset(user: User) -> None:
    """Lift a second-factor lock (the security administrator's reset of a locked account)."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
