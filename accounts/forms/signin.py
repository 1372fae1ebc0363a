from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.lockout import username_held
from core.middleware import client_ip

HELD = _("该账号近期在多个地址登录失败次数过多，暂时只能从曾经成功登录过的地址登录，请稍后再试或联系安全管理员。")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续失败多次后账号将被暂时锁定。"),
        "inactive": _("该账号已停用。"),
        "held": HELD,
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and username_held(username, client_ip(self.request) if self.request else None):
            raise ValidationError(self.error_messages["held"], code="held")
        return super().clean()
