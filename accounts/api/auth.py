"""Token authentication of the API (django-rest-knox) with the platform's rules, read from the
security policy (accounts.SecurityPolicy): a token lapses after the policy's idle time (as a web
session does) and at the latest the policy's maximum age after issue (knox's AUTO_REFRESH with a
maximum), belongs to an active account that need not change its password first, and was issued
with the second factor when the account needs one now."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

from accounts.models import ApiToken, SecurityPolicy


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user = auth_token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("账号已停用，令牌不能再使用。"))
        if auth_token.created + SecurityPolicy.current().token_max_age <= timezone.now():
            # The policy's maximum age was shortened after this token was issued.
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("令牌无效或已过期，请重新获取。"))
        if user.needs_second_factor and not auth_token.second_factor:
            raise exceptions.AuthenticationFailed(
                _("该令牌签发时未经动态口令验证，现在本账号须使用动态口令：请重新获取令牌。")
            )
        if user.must_choose_password:
            raise exceptions.AuthenticationFailed(_("须先在网页上修改密码，才能继续使用接口。"))
        return user, auth_token

    def renew_token(self, auth_token: ApiToken) -> None:
        """knox's renewal (idle expiry pushed back, never past the maximum), written at most once
        a minute together with the last use."""
        now = timezone.now()
        policy = SecurityPolicy.current()
        new_expiry = min(now + policy.idle, auth_token.created + policy.token_max_age)
        if (
            auth_token.expiry is None
            or (new_expiry - auth_token.expiry).total_seconds() > knox_settings.MIN_REFRESH_INTERVAL
        ):
            auth_token.expiry, auth_token.last_used = new_expiry, now
            ApiToken.objects.filter(pk=auth_token.pk).update(expiry=new_expiry, last_used=now)

    def authenticate_credentials(self, token: bytes) -> tuple[Any, ApiToken]:
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed as exc:
            if str(exc.detail) in ("Invalid token.", "认证令牌无效。"):
                raise exceptions.AuthenticationFailed(_("令牌无效或已过期，请重新获取。")) from None
            raise


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema (and /api/docs/) describes the token: `Authorization: Token <key>`."""

    target_class = "accounts.api.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "接口令牌：`Token <令牌>`，由 POST /api/auth/token/ 取得",
        }
