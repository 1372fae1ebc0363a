"""Who am I: the signed-in user, its scope and what it may do on each app's models."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.api.fields import CodeRelatedField
from core.api.views import AuditedAPIMixin
from core.appconfig import ecbase_apps
from core.scoping import ADD, CHANGE, DELETE, VIEW, can


def permission_models() -> list[type[Model]]:
    """What /api/me/ reports the user may do: the models each app declares in its AppConfig."""
    return [config.get_model(name) for config in ecbase_apps() for name in config.api_models]


class MeSerializer(serializers.ModelSerializer[User]):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    region: serializers.SlugRelatedField[Any] = CodeRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,  # null: an account without a region
    )
    permissions = serializers.SerializerMethodField(help_text="每类对象可进行的操作：view、add、change、delete")

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "display_name",
            "role",
            "role_display",
            "organisation",
            "phone",
            "quota_unit",
            "region",
            "base",
            "enterprise",
            "permissions",
        )
        read_only_fields = fields

    def get_permissions(self, user: User) -> dict[str, list[str]]:
        return {
            f"{m._meta.app_label}.{m._meta.model_name}": [a for a in (VIEW, ADD, CHANGE, DELETE) if can(user, m, a)]
            for m in permission_models()
        }


class MeView(AuditedAPIMixin, APIView):
    """当前用户及其权限范围。"""

    @extend_schema(summary="当前用户", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        me: Any = request.user
        user = User.objects.select_related("region").get(pk=me.pk)
        return Response(MeSerializer(user).data)
