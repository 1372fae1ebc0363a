"""Users, their role and the part of the hierarchy they see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import ADMIN_ROLES, SCOPE_FIELD, Role


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
    # The only session an administrator may hold; a new sign-in ends the old one.
    current_session_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password or a disabled account ends every API token of the account (the web
        # session ends by Django's session hash, or by the account being inactive).
        password_changed = self._password is not None  # type: ignore[attr-defined]  # set by set_password
        super().save(*args, **kwargs)
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
        from django.conf import settings

        return bool(settings.ECBASE_REQUIRE_SECOND_FACTOR) and self.role in settings.ECBASE_SECOND_FACTOR_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    def masked_phone(self) -> str:
        from core.privacy import mask_phone

        return mask_phone(self.phone)

    def snapshot(self) -> dict[str, Any]:
        return super().snapshot()
