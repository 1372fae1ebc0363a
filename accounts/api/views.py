"""API sign-in by token (for systems).

`POST /api/auth/token/` takes a username and password — and, for accounts that need a second
factor (ministry, provinces), a current TOTP code or a backup code — and answers a new token for
the device named in the request. It goes through `django.contrib.auth.authenticate` with the
request, so django-axes counts failures and locks the username-and-address pair exactly as the
sign-in page does, and through the same per-username hold and second-factor check as the page;
every attempt is in the audit trail. `DELETE /api/auth/token/` revokes the token of the request;
`/api/auth/tokens/` lists the owner's tokens and revokes any of them.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import secondfactor
from accounts.acting import acting_user
from accounts.errors import AccountsErrorCode
from accounts.lockout import username_held
from accounts.models import ApiToken, SecurityPolicy, User
from accounts.views.own import sign_ins
from accounts.views.signin import second_factor_refusal
from core.api.schema import THROTTLED
from core.api.views import AuditedAPIMixin
from core.audit import audit_context, log_event
from core.middleware import client_ip
from core.models import ChangeLog


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        label=_("动态口令"),
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="需要第二因子的账号必填：6 位动态口令或一个备用码",
    )
    device = serializers.CharField(
        label=_("设备或系统"), required=False, allow_blank=True, max_length=64, help_text="便于在令牌列表中辨认"
    )


class TokenResponseSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(help_text="空闲到期时间；每次使用顺延，最长至安全策略规定的签发后最长有效期")
    username = serializers.CharField()
    role = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    current = serializers.SerializerMethodField(help_text="是否为本次请求所用的令牌")

    class Meta:
        model = ApiToken
        fields = ("token_key", "device", "created", "expiry", "last_used", "second_factor", "current")
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


def _error(
    code: AccountsErrorCode, message: str | None = None, http_status: int = status.HTTP_400_BAD_REQUEST
) -> Response:
    return Response({"detail": message or code.render(), "code": code.value}, status=http_status)


class TokenView(AuditedAPIMixin, APIView):
    """获取或撤销接口令牌。"""

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        summary="获取接口令牌",
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer, 429: THROTTLED},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        http_request = request._request
        if username_held(form.validated_data["username"], client_ip(http_request)):
            return _error(AccountsErrorCode.USERNAME_HELD, http_status=status.HTTP_429_TOO_MANY_REQUESTS)
        user = authenticate(
            request=http_request, username=form.validated_data["username"], password=form.validated_data["password"]
        )
        if getattr(http_request, "axes_locked_out", False):
            # Answer in JSON here rather than letting the axes middleware render the HTML page.
            http_request.axes_locked_out = False  # type: ignore[attr-defined]  # set by django-axes
            return _error(AccountsErrorCode.LOCKED_OUT, http_status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None or not user.is_active:
            return _error(AccountsErrorCode.INVALID_LOGIN)
        assert isinstance(user, User)
        if user.must_choose_password:
            return _error(AccountsErrorCode.PASSWORD_CHANGE_REQUIRED, http_status=status.HTTP_403_FORBIDDEN)
        passed = False
        if user.needs_second_factor:
            refused = self._check_second_factor(user, form.validated_data.get("otp", ""))
            if refused is not None:
                return refused
            passed = True
        AxesProxyHandler.user_logged_in(sender=type(self), request=http_request, user=user)
        session = getattr(http_request, "session", None)
        if session is not None and not list(session.keys()):
            # django-axes creates a session to hash it; a token client is stateless: no cookie.
            session.flush()
        device = form.validated_data.get("device", "")
        policy = SecurityPolicy.current()
        instance, token = ApiToken.objects.create(
            user=user, device=device, second_factor=passed, expiry=min(policy.idle, policy.token_max_age)
        )
        with audit_context(actor=user, source=ChangeLog.Source.API):
            log_event(ChangeLog.Action.LOGIN, actor=user, object_repr=user.username, message="api token")
        return Response({"token": token, "expiry": instance.expiry, "username": user.username, "role": user.role})

    def _check_second_factor(self, user: User, code: str) -> Response | None:
        if not secondfactor.is_enrolled(user):
            return _error(AccountsErrorCode.SECOND_FACTOR_NOT_ENROLLED)
        verdict = secondfactor.verify(user, code)
        if verdict.ok:
            return None
        with audit_context(source=ChangeLog.Source.API):
            log_event(
                ChangeLog.Action.LOGIN_FAILED,
                result=ChangeLog.Result.FAILURE,
                object_repr=user.username,
                message="api token: second factor",
            )
        if verdict.outcome is secondfactor.Outcome.LOCKED:
            return _error(
                AccountsErrorCode.SECOND_FACTOR_LOCKED,
                second_factor_refusal(verdict),
                status.HTTP_429_TOO_MANY_REQUESTS,
            )
        return _error(AccountsErrorCode.INVALID_OTP)

    @extend_schema(summary="撤销本次请求所用的令牌", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        user = acting_user(request)
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
        else:  # signed in by session: there is no current token, so all of the account's go
            ApiToken.objects.filter(user=user).delete()
        log_event(ChangeLog.Action.LOGOUT, actor=user, object_repr=user.username, message="api token")
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(AuditedAPIMixin, APIView):
    """本人的接口令牌。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="列出本人的接口令牌", responses={200: ApiTokenSerializer(many=True)})
    def get(self, request: Request) -> Response:
        tokens = ApiToken.objects.filter(user=acting_user(request), expiry__gt=timezone.now())
        return Response(ApiTokenSerializer(tokens, many=True, context={"request": request}).data)


class TokenDetailView(AuditedAPIMixin, APIView):
    """撤销本人的一个接口令牌。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="撤销本人的一个接口令牌", request=None, responses={204: None})
    def delete(self, request: Request, token_key: str) -> Response:
        user = acting_user(request)
        deleted, _rows = ApiToken.objects.filter(user=user, token_key=token_key).delete()
        if not deleted:
            raise NotFound(_("没有这个令牌，或它已被撤销。"))
        log_event(ChangeLog.Action.LOGOUT, actor=user, object_repr=user.username, message="api token")
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignInSerializer(serializers.ModelSerializer[ChangeLog]):
    # The stored codes as plain text (the change log's own serializer names their enums).
    action = serializers.CharField(read_only=True, help_text="login、login_failed 或 logout")
    result = serializers.CharField(read_only=True, help_text="success 或 failure")
    source = serializers.CharField(read_only=True, help_text="web 或 api")  # type: ignore[assignment]  # the log's field, named like DRF's Field.source
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = ChangeLog
        fields = ("time", "action", "action_display", "result", "result_display", "source", "source_display", "ip")
        read_only_fields = fields


class SignInListView(AuditedAPIMixin, APIView):
    """本人最近的登录记录。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="本人最近的登录、登录失败和退出（最近 20 条）", responses={200: SignInSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(SignInSerializer(sign_ins(acting_user(request).username), many=True).data)
