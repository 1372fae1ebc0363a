"""API sign-in by token (for systems).

`POST /api/auth/token/` takes a username and password — and, for accounts that need a second
factor on the web (ministry, provinces), a current TOTP code — and answers a token. It goes
through `django.contrib.auth.authenticate` with the request, so django-axes counts failures and
locks the account exactly as the sign-in page does; every attempt is in the audit trail.
Obtaining a token replaces the account's previous one; `DELETE` revokes it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import totp
from accounts.models import User
from core.api.views import AuditedAPIMixin
from core.audit import audit_context, log_event
from core.models import ChangeLog


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        label=_("动态口令"), required=False, allow_blank=True, max_length=8, help_text="需要第二因子的账号必填"
    )


class TokenResponseSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    username = serializers.CharField()
    role = serializers.CharField()


def _error(message: str, code: str, http_status: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": message, "code": code}, status=http_status)


class TokenView(AuditedAPIMixin, APIView):
    """获取或撤销接口令牌。"""

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        summary="获取接口令牌",
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        http_request = request._request
        user = authenticate(
            request=http_request, username=form.validated_data["username"], password=form.validated_data["password"]
        )
        if getattr(http_request, "axes_locked_out", False):
            # Answer in JSON here rather than letting the axes middleware render the HTML page.
            http_request.axes_locked_out = False  # type: ignore[attr-defined]  # set by django-axes
            return _error(
                _("登录失败次数过多，账号已锁定，请稍后再试或联系安全管理员。"),
                "locked_out",
                status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return _error(_("用户名或密码不正确。连续失败多次后账号将被暂时锁定。"), "invalid_login")
        assert isinstance(user, User)
        if user.needs_second_factor:
            refused = self._check_second_factor(user, form.validated_data.get("otp", ""))
            if refused is not None:
                return refused
        AxesProxyHandler.user_logged_in(sender=type(self), request=http_request, user=user)
        session = getattr(http_request, "session", None)
        if session is not None and not list(session.keys()):
            # django-axes creates a session to hash it; a token client is stateless: no cookie.
            session.flush()
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        with audit_context(actor=user, source=ChangeLog.Source.API):
            log_event(ChangeLog.Action.LOGIN, actor=user, object_repr=user.username, message="api token")
        return Response({"token": token.key, "username": user.username, "role": user.role})

    def _check_second_factor(self, user: User, code: str) -> Response | None:
        if not user.totp_confirmed:
            return _error(_("该账号须使用动态口令：请先在网页登录并完成动态口令绑定。"), "second_factor_not_enrolled")
        step = totp.verify(user.totp_secret, code)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            with audit_context(source=ChangeLog.Source.API):
                log_event(
                    ChangeLog.Action.LOGIN_FAILED,
                    result=ChangeLog.Result.FAILURE,
                    object_repr=user.username,
                    message="api token: second factor",
                )
            return _error(_("动态口令不正确或已使用。"), "invalid_otp")
        User.objects.filter(pk=user.pk).update(totp_last_step=step)
        return None

    @extend_schema(summary="撤销当前账号的接口令牌", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        user: Any = request.user
        Token.objects.filter(user=user).delete()
        log_event(ChangeLog.Action.LOGOUT, actor=user, object_repr=user.username, message="api token")
        return Response(status=status.HTTP_204_NO_CONTENT)
