"""The hashes of an account's last passwords: the security policy refuses a new password that
matches one of the last N (GB/T 22239-2019 8.1.4.1, 口令定期更换)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models.users import User

# The most the policy may ask to remember (SecurityPolicy.history_count); older hashes are dropped
# as new ones come.
KEPT = 10


class PasswordHistory(models.Model):
    """One password an account has had, as its hash (never the password, never in the change log)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    set_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-set_at", "-id"]
        # The account's newest hashes first: the only query that reads this table.
        indexes = [models.Index(fields=["user", "-set_at"], name="password_history_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.set_at:%Y-%m-%d}"

    @classmethod
    def record(cls, user: User) -> None:
        cls.objects.create(user=user, password=user.password)
        stale = cls.objects.filter(user=user).order_by("-set_at", "-id").values_list("pk", flat=True)[KEPT:]
        cls.objects.filter(pk__in=list(stale)).delete()

    @classmethod
    def last(cls, user: User, n: int) -> list[str]:
        """The account's last n hashes, the current password's included."""
        if n <= 0 or user.pk is None:
            return []
        return list(cls.objects.filter(user=user).order_by("-set_at", "-id").values_list("password", flat=True)[:n])
