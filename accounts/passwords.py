"""Password rules of 等保 2.0 level 3, as the security policy sets them (accounts.SecurityPolicy):
a minimum length, a number of the four character classes, and none of the account's last N
passwords again. Django runs these for every password a person chooses
(`validate_password`, AUTH_PASSWORD_VALIDATORS); the policy is read at each call. Also the
one-time passwords the system administrator hands out."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models.passwords import PasswordHistory
from accounts.models.policy import SecurityPolicy


def _classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def classes_text(n: int) -> str:
    if n >= 4:
        return _("密码须同时包含大写字母、小写字母、数字和特殊符号。")
    return _("密码须包含大写字母、小写字母、数字、特殊符号中的至少%(n)s类。") % {"n": _number_word(n)}


def _number_word(n: int) -> str:
    return {2: _("两"), 3: _("三")}.get(n, str(n))


class PolicyLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        n = SecurityPolicy.current().min_length
        if len(password) < n:
            raise ValidationError(_("密码至少 %(n)d 个字符。") % {"n": n}, code="password_too_short")

    def get_help_text(self) -> str:
        n = SecurityPolicy.current().min_length
        return _("密码至少 %(n)d 个字符。") % {"n": n}


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        n = SecurityPolicy.current().classes_required
        if _classes(password) < n:
            raise ValidationError(classes_text(n), code="password_classes")

    def get_help_text(self) -> str:
        return classes_text(SecurityPolicy.current().classes_required)


class HistoryValidator:
    """None of the account's last N passwords (its current one included)."""

    def validate(self, password: str, user: Any = None) -> None:
        n = SecurityPolicy.current().history_count
        if user is None or getattr(user, "pk", None) is None or n <= 0:
            return
        hashes = PasswordHistory.last(user, n)
        current: str = user.password or ""
        if not hashes and current:
            hashes = [current]  # an account older than the history: its current password
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(_("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": n}, code="password_reused")

    def get_help_text(self) -> str:
        n = SecurityPolicy.current().history_count
        if n <= 0:
            return ""
        return _("不能与最近 %(n)d 次使用过的密码相同。") % {"n": n}


# No 0/O, 1/l/I: a one-time password is read off a screen and typed by someone else.
_ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "-_!@#%+=")


def one_time_password() -> str:
    """A password the system administrator hands out (the account must change it at first
    sign-in): every character class, at least the policy's length and never under 12."""
    length = max(SecurityPolicy.current().min_length, 12)
    rng = secrets.SystemRandom()
    chars = [rng.choice(a) for a in _ALPHABETS]
    pool = "".join(_ALPHABETS)
    chars += [rng.choice(pool) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)
