"""The security policy over the API: the three administrators read it, the security administrator
changes it (PATCH, logged like the page)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.acting import acting_user
from accounts.actions.policy import do_set_policy
from accounts.forms.policy import SecurityPolicyForm
from accounts.models import SecurityPolicy
from accounts.views.policy import policy_in_force
from core.api.exceptions import to_api_error
from core.api.views import AuditedAPIMixin


class SecurityPolicySerializer(serializers.ModelSerializer[SecurityPolicy]):
    stored = serializers.SerializerMethodField(help_text="是否已由安全管理员保存（否：执行部署配置的默认值）")

    class Meta:
        model = SecurityPolicy
        fields = (*SecurityPolicyForm.Meta.fields, "stored")

    def get_stored(self, policy: SecurityPolicy) -> bool:
        return policy.pk is not None


class SecurityPolicyView(AuditedAPIMixin, APIView):
    """安全策略（三员可读，安全管理员可改）。"""

    scoped_model = SecurityPolicy  # core.api.permissions.ScopedPermission: GET needs VIEW, PATCH CHANGE

    @extend_schema(summary="安全策略", responses=SecurityPolicySerializer)
    def get(self, request: Request) -> Response:
        return Response(SecurityPolicySerializer(policy_in_force()).data)

    @extend_schema(summary="修改安全策略（安全管理员）", request=SecurityPolicySerializer,
                   responses=SecurityPolicySerializer)  # fmt: skip
    def patch(self, request: Request) -> Response:
        policy = policy_in_force()
        serializer = SecurityPolicySerializer(policy, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changed: list[str] = []
        for name, value in serializer.validated_data.items():
            if getattr(policy, name) != value:
                setattr(policy, name, value)
                changed.append(name)
        try:
            do_set_policy(acting_user(request), policy, changed)
        except Exception as exc:
            raise to_api_error(exc) from exc
        return Response(SecurityPolicySerializer(policy).data)
