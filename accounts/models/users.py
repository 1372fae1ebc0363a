"""Users, their role and the part of the hierarchy they see."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import ADMIN_ROLES, SCOPE_FIELD, THREE_ADMINS, Role
from core.scoping import ADD, CHANGE, EXPORT, VIEW, Scope


class User(AbstractUser, ChangeLoggedModel):  # type: ignore[django-manager-missing]  # knox ships no stubs
    audit_exclude = frozenset({"created", "last_updated", "password", "last_login", "current_session_key"})
    personal_fields = {"phone": "phone"}
    admin_readable = True  # the system administrator manages accounts; the auditor reads their changes

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.ENTERPRISE)
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    organisation = models.CharField(_("单位"), max_length=128, blank=True)
    quota_unit = models.ForeignKey(
        "regions.QuotaUnit", verbose_name=_("申报单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("行政区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    base = models.ForeignKey(
        "registry.Base", verbose_name=_("示范基地"), null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT
    )
    # An account created (or a password reset) by the system administrator signs in with a
    # one-time password and must choose its own before anything else.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    # When the password was last set; the security policy's expiry counts from here.
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)
    # The only session an administrator may hold; a new sign-in ends the old one.
    current_session_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:user_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        """The system administrator reads, creates and changes every account; the security
        administrator reads every account (to unlock it); everyone else reads their own. Nobody
        deletes an account: it is disabled (a log must keep naming its actor)."""
        if scope.role == Role.SYSADMIN and action in (VIEW, EXPORT, ADD, CHANGE):
            return Q()
        if scope.role == Role.SECADMIN and action in (VIEW, EXPORT):
            return Q()
        if scope.user_id is not None and action == VIEW:
            return Q(pk=scope.user_id)
        return None

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password or a disabled account ends every API token of the account (the web
        # session ends by Django's session hash, or by the account being inactive); a new
        # password joins the account's history (the policy refuses the last ones again).
        update_fields = kwargs.get("update_fields")
        password_changed = self._password is not None and (  # type: ignore[attr-defined]  # set by set_password
            update_fields is None or "password" in update_fields
        )
        if password_changed and update_fields is not None and "password_changed_at" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "password_changed_at"]
        super().save(*args, **kwargs)
        if password_changed:
            from accounts.models.passwords import PasswordHistory

            PasswordHistory.record(self)
        if password_changed or not self.is_active:
            from accounts.models.tokens import ApiToken

            ApiToken.objects.filter(user=self).delete()

    def clean(self) -> None:
        super().clean()
        needed = SCOPE_FIELD.get(Role(self.role)) if self.role in Role.values else None
        if needed and getattr(self, f"{needed}_id") is None:
            label = getattr(self._meta.get_field(needed), "verbose_name", needed)
            raise ValidationError(
                {needed: _("角色“%(role)s”必须指定%(field)s。") % {"role": self.get_role_display(), "field": label}}
            )

    @property
    def needs_second_factor(self) -> bool:
        """Ministry and provincial accounts, while the security policy asks for it. The setting
        ECBASE_REQUIRE_SECOND_FACTOR switches it off whatever the policy says (the local demo of
        `make run`, tests)."""
        from django.conf import settings

        from accounts.models.policy import SecurityPolicy

        if not settings.ECBASE_REQUIRE_SECOND_FACTOR or self.role not in settings.ECBASE_SECOND_FACTOR_ROLES:
            return False
        return SecurityPolicy.current().second_factor

    def password_expires_at(self) -> datetime.datetime | None:
        from accounts.models.policy import SecurityPolicy

        days = SecurityPolicy.current().expiry_days
        if not days:
            return None
        since = self.password_changed_at or self.date_joined
        return since + datetime.timedelta(days=days)

    @property
    def password_expired(self) -> bool:
        until = self.password_expires_at()
        return until is not None and until <= timezone.now()

    @property
    def must_choose_password(self) -> bool:
        """Whether the account is sent to change its password before anything else."""
        return self.must_change_password or self.password_expired

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_three_admins(self) -> bool:
        return self.role in THREE_ADMINS

    def scope_text(self) -> str:
        """The part of the hierarchy the account stands for, in words."""
        if self.role == Role.PROVINCE and self.quota_unit_id is not None:
            return str(self.quota_unit)
        if self.role == Role.BUREAU and self.region_id is not None and self.region is not None:
            return self.region.name
        if self.role == Role.OPERATOR and self.base_id is not None:
            return str(self.base)
        if self.role == Role.ENTERPRISE and self.enterprise_id is not None:
            return str(self.enterprise)
        if self.role == Role.MINISTRY:
            return str(_("全国"))
        return "—"

    def masked_phone(self) -> str:
        from core.privacy import mask_phone

        return mask_phone(self.phone)

    def snapshot(self) -> dict[str, Any]:
        return super().snapshot()
