"""The security policy the security administrator sets (GB/T 22239-2019 level 3, 身份鉴别 and
访问控制): one row, read on every request through a short per-process cache.

Without a stored row the settings are the policy (ecbase/settings.py: ECBASE_PASSWORD_*,
ECBASE_LOGIN_FAILURE_LIMIT, ECBASE_LOCKOUT_MINUTES, SESSION_COOKIE_AGE, ECBASE_TOKEN_MAX_HOURS);
the first save of the policy page stores them with the administrator's changes. Where each value
acts:

| value | read by |
| --- | --- |
| min_length, classes_required, history_count | accounts.passwords (AUTH_PASSWORD_VALIDATORS) |
| expiry_days | User.password_expired → accounts.middleware.PasswordChangeMiddleware |
| failure_limit, lockout_minutes | django-axes (AXES_FAILURE_LIMIT / AXES_COOLOFF_TIME → accounts.lockout), |
| | the second factor's lock (accounts.secondfactor) |
| idle_minutes | the session engine (accounts.sessions), the API tokens' idle expiry (accounts.api.auth) |
| token_max_hours | the API tokens' maximum age (accounts.api.auth) |
| second_factor | User.needs_second_factor (ECBASE_REQUIRE_SECOND_FACTOR=0 still switches it off) |
"""

from __future__ import annotations

import datetime
import math
import time
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import THREE_ADMINS, Role
from core.scoping import CHANGE, EXPORT, VIEW, Scope, ScopedQuerySet

SINGLETON = 1


def _bounded(low: int, high: int) -> list[Any]:
    return [MinValueValidator(low), MaxValueValidator(high)]


class SecurityPolicy(ChangeLoggedModel):
    """The one security policy (pk 1)."""

    objects = ScopedQuerySet.as_manager()
    admin_readable = True  # the three administrators read how the policy changed

    min_length = models.PositiveSmallIntegerField(
        _("密码最小长度"), default=10, validators=_bounded(8, 64), help_text=_("8 至 64 个字符。")
    )
    classes_required = models.PositiveSmallIntegerField(
        _("密码须包含的字符类别数"),
        default=3,
        validators=_bounded(2, 4),
        help_text=_("大写字母、小写字母、数字、特殊符号四类中至少包含几类（2 至 4）。"),
    )
    expiry_days = models.PositiveSmallIntegerField(
        _("密码有效期（天）"),
        default=0,
        validators=_bounded(0, 3650),
        help_text=_("超过有效期的密码须先修改才能继续使用；0 表示不限。"),
    )
    history_count = models.PositiveSmallIntegerField(
        _("不得重复使用的历史密码个数"),
        default=5,
        # Each remembered password costs one Argon2 check per attempt (≈ 0.45 s on 2 cores).
        validators=_bounded(0, 10),
        help_text=_("新密码不得与最近几次使用过的密码相同（含当前密码），0 至 10；0 表示不检查。"),
    )
    failure_limit = models.PositiveSmallIntegerField(
        _("登录失败锁定次数"),
        default=5,
        validators=_bounded(3, 20),
        help_text=_("同一账号在同一地址连续输错密码或动态口令达到此次数即锁定（3 至 20）。"),
    )
    lockout_minutes = models.PositiveSmallIntegerField(
        _("锁定时长（分钟）"),
        default=30,
        validators=_bounded(1, 1440),
        help_text=_("锁定期满自动解除；安全管理员可提前解锁。"),
    )
    idle_minutes = models.PositiveSmallIntegerField(
        _("空闲超时（分钟）"),
        default=30,
        validators=_bounded(1, 240),
        help_text=_("网页会话和接口令牌空闲超过此时长即失效，须重新登录。"),
    )
    token_max_hours = models.PositiveSmallIntegerField(
        _("接口令牌最长有效期（小时）"),
        default=12,
        validators=_bounded(1, 720),
        help_text=_("令牌自签发起最长可用的时长，期间持续使用也不再顺延。"),
    )
    second_factor = models.BooleanField(
        _("商务部和省级账号须使用动态口令"),
        default=True,
        help_text=_("登录时除密码外还须输入手机验证器上的动态口令。"),
    )

    class Meta:
        verbose_name = _("安全策略")
        verbose_name_plural = _("安全策略")

    def __str__(self) -> str:
        return str(_("安全策略"))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:security_policy")

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        """The three administrators read the policy; the security administrator sets it."""
        if scope.role in THREE_ADMINS and action in (VIEW, EXPORT):
            return Q()
        if scope.role == Role.SECADMIN and action == CHANGE:
            return Q()
        return None

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = SINGLETON
        super().save(*args, **kwargs)
        forget()
        transaction.on_commit(forget)  # other threads may have read the old row meanwhile

    # The policy in force ----------------------------------------------------------------------

    @classmethod
    def from_settings(cls) -> SecurityPolicy:
        """The policy the settings make when none is stored (not saved)."""
        return cls(
            min_length=settings.ECBASE_PASSWORD_MIN_LENGTH,
            classes_required=settings.ECBASE_PASSWORD_CLASSES,
            expiry_days=settings.ECBASE_PASSWORD_EXPIRY_DAYS,
            history_count=settings.ECBASE_PASSWORD_HISTORY,
            failure_limit=settings.ECBASE_LOGIN_FAILURE_LIMIT,
            lockout_minutes=settings.ECBASE_LOCKOUT_MINUTES,
            idle_minutes=max(1, math.ceil(settings.SESSION_COOKIE_AGE / 60)),
            token_max_hours=settings.ECBASE_TOKEN_MAX_HOURS,
            second_factor=True,
        )

    @classmethod
    def stored(cls) -> SecurityPolicy | None:
        return cls.objects.filter(pk=SINGLETON).first()

    @classmethod
    def current(cls) -> SecurityPolicy:
        """The policy in force: the stored row (cached for ECBASE_POLICY_CACHE_SECONDS in this
        process, so that a change reaches every server within that time), else the settings."""
        global _cached
        now = time.monotonic()
        cached = _cached
        if cached is None or cached[0] < now:
            cached = (now + settings.ECBASE_POLICY_CACHE_SECONDS, cls.stored())
            _cached = cached
        return cached[1] if cached[1] is not None else cls.from_settings()

    @property
    def idle_seconds(self) -> int:
        # Without a stored policy the setting holds exactly (tests set a one-second session).
        return settings.SESSION_COOKIE_AGE if self.pk is None else self.idle_minutes * 60

    @property
    def idle(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=self.idle_seconds)

    @property
    def lockout(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.lockout_minutes)

    @property
    def token_max_age(self) -> datetime.timedelta:
        return datetime.timedelta(hours=self.token_max_hours)


# (valid until, by time.monotonic(); the stored row or None)
_cached: tuple[float, SecurityPolicy | None] | None = None


def forget() -> None:
    """Drop this process's cached policy: the next read goes to the database."""
    global _cached
    _cached = None


def assume_settings_policy() -> None:
    """Tests: no stored policy, without asking the database (each test starts from the settings;
    one that stores a policy replaces this through SecurityPolicy.save)."""
    global _cached
    _cached = (math.inf, None)
