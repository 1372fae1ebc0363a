"""API tokens: one per device, stored as a digest (django-rest-knox), with an idle and an absolute
expiry, listed and revoked by their owner."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    device = models.CharField(_("设备或系统"), max_length=64, blank=True)
    # Whether the second factor was passed when the token was issued: a token issued while it was
    # not required stops working once it is (accounts.api.auth).
    second_factor = models.BooleanField(_("经动态口令验证"), default=False)
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.device or self.token_key
