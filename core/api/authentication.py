"""Session authentication of the API with its CSRF refusal in Chinese.

DRF's own refusal is `"CSRF Failed: " + Django's English reason` (`SessionAuthentication.enforce_csrf`
formats it without gettext), which reached users as is. The reason is worded here; Django's
original goes to the log.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular import authentication as spectacular
from rest_framework import authentication, exceptions

log = logging.getLogger(__name__)

CSRF_FAILED = "csrf_failed"


def _why(reason: str) -> str:
    if "cookie not set" in reason:
        return _("未携带 CSRF Cookie")
    if "token missing" in reason:
        return _("缺少 CSRF 令牌")
    if reason.startswith("Origin checking failed"):
        return _("请求来源（Origin）不在受信任的来源中")
    if reason.startswith("Referer checking failed"):
        return _("请求来源（Referer）校验未通过")
    return _("CSRF 令牌不正确")


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request: Any) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refused:
            reason = str(refused.detail).removeprefix("CSRF Failed: ")
            log.info("API CSRF refusal: %s", reason)
            raise exceptions.PermissionDenied(
                _(
                    "CSRF 校验未通过（%(why)s），请求已拒绝。以网页登录会话调用接口时，请在 X-CSRFToken 请求头中"
                    "携带页面的 CSRF 令牌；系统对接请使用接口令牌（Token）认证。"
                )
                % {"why": _why(reason)},
                code=CSRF_FAILED,
            ) from None


class SessionScheme(spectacular.SessionScheme):
    """The API schema describes it as DRF's session authentication (the cookie)."""

    target_class = "core.api.authentication.SessionAuthentication"
    priority = 0
