"""Web sessions with the account they belong to, so that disabling an account or changing its
password ends its other sessions with one DELETE (Django's own table keeps only encoded data)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserSession(AbstractBaseSession):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("会话")  # type: ignore[assignment]  # the stubs type Django's own as str
        verbose_name_plural = _("会话")  # type: ignore[assignment]  # as above

    @classmethod
    def get_session_store_class(cls) -> Any:
        from accounts.sessions import SessionStore

        return SessionStore
