from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.errors import AccountsErrorCode
from accounts.lockout import username_held
from core.middleware import client_ip


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": AccountsErrorCode.INVALID_LOGIN.label,
        "inactive": _("该账号已停用。"),
        "held": AccountsErrorCode.USERNAME_HELD.label,
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and username_held(username, client_ip(self.request) if self.request else None):
            raise ValidationError(self.error_messages["held"], code="held")
        return super().clean()
