"""Accounts over the API, with the pages' rules (accounts.actions.accounts): the system
administrator lists, creates (the answer carries the one-time password, once) and changes accounts;
the security administrator lists them and lifts their locks; everyone else reads their own."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import lockout
from accounts.acting import acting_user
from accounts.actions.accounts import (
    do_create_account,
    do_reset_password,
    do_unlock_account,
    do_update_account,
)
from accounts.filtersets import UserFilterSet
from accounts.models import User
from accounts.views.accounts import with_lock_state
from core.api.exceptions import to_api_error
from core.api.fields import CodeRelatedField
from core.api.views import EditableScopedViewSet
from core.privacy import mask_phone
from core.scoping import VIEW


def _related(name: str) -> models.QuerySet[Any]:
    """The scope field's target model (accounts imports neither regions nor the registry)."""
    model: Any = User._meta.get_field(name).related_model
    return model._default_manager.all()


class UserSerializer(serializers.ModelSerializer[User]):
    role_display = serializers.CharField(source="get_role_display", read_only=True, help_text="角色的中文名称")
    scope_display = serializers.CharField(source="scope_text", read_only=True, help_text="权限范围（名称）")
    quota_unit = CodeRelatedField(
        slug_field="code", queryset=_related("quota_unit"), required=False, allow_null=True, label=_("申报单位"),
        help_text="申报单位代码（省级商务主管部门账号）",
    )  # fmt: skip
    region = CodeRelatedField(
        slug_field="code", queryset=_related("region").filter(retired_in__isnull=True), required=False,
        allow_null=True, label=_("行政区划"), help_text="6 位行政区划代码（区县商务局账号）",
    )  # fmt: skip
    base = serializers.PrimaryKeyRelatedField(
        queryset=_related("base"), required=False, allow_null=True, label=_("示范基地"),
        help_text="基地编号（基地运营主体账号）",
    )  # fmt: skip
    enterprise = CodeRelatedField(
        slug_field="credit_code", queryset=_related("enterprise"), required=False, allow_null=True,
        label=_("企业"), help_text="统一社会信用代码（入驻企业账号）",
    )  # fmt: skip
    locked = serializers.SerializerMethodField(help_text="当前是否被登录锁定（密码或动态口令）")

    class Meta:
        model = User
        fields: tuple[str, ...] = (
            "id", "username", "display_name", "organisation", "phone", "role", "role_display", "quota_unit",
            "region", "base", "enterprise", "scope_display", "is_active", "must_change_password", "locked",
            "last_login", "date_joined",
        )  # fmt: skip
        read_only_fields = ("id", "must_change_password", "last_login", "date_joined")
        extra_kwargs = {"display_name": {"required": True, "allow_blank": False}}

    def get_locked(self, user: User) -> bool:
        found = getattr(user, "locked", None)
        return bool(found) if found is not None else lockout.is_locked(user)

    def validate_username(self, value: str) -> str:
        if self.instance is not None and value != self.instance.username:
            raise serializers.ValidationError(_("登录名创建后不能修改。"))
        return value

    def to_representation(self, instance: User) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("mask_personal") and data.get("phone"):
            data["phone"] = mask_phone(data["phone"])
        return data


class CreatedUserSerializer(UserSerializer):
    initial_password = serializers.CharField(
        read_only=True, help_text="初始密码：只在本次应答中出现一次，首次登录须修改"
    )

    class Meta(UserSerializer.Meta):
        fields: tuple[str, ...] = (*UserSerializer.Meta.fields, "initial_password")


class UserViewSet(EditableScopedViewSet):
    """账号（系统管理员管理；安全管理员查看并解锁；其他人只能查看本人）。账号不能删除，只能停用。"""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    select_related = ("quota_unit", "region", "base", "enterprise")
    # Unlocking reads the account (the security administrator may not change accounts); the
    # action checks the role itself.
    scope_action_of = {"unlock": VIEW}

    def get_queryset(self) -> models.QuerySet[Any]:
        return with_lock_state(super().get_queryset()).order_by("username")

    @extend_schema(summary="新建账号", responses={201: CreatedUserSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                user, password = do_create_account(acting_user(request), User(**serializer.validated_data))
        except Exception as exc:
            raise to_api_error(exc) from exc
        context = {**self.get_serializer_context(), "mask_personal": False}
        data = UserSerializer(user, context=context).data
        return Response({**data, "initial_password": password}, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        assert isinstance(serializer, UserSerializer) and serializer.instance is not None
        changes = dict(serializer.validated_data)
        changes.pop("username", None)
        try:
            with transaction.atomic():
                do_update_account(acting_user(self.request), serializer.instance, changes)
        except Exception as exc:
            raise to_api_error(exc) from exc

    @extend_schema(
        summary="解除登录锁定（安全管理员）",
        request=None,
        responses={200: inline_serializer("UnlockResult", {"cleared": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"], url_path="unlock")
    def unlock(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_object()
        try:
            cleared = do_unlock_account(acting_user(request), user)
        except Exception as exc:
            raise to_api_error(exc) from exc
        return Response({"cleared": cleared})

    @extend_schema(
        summary="重置密码（系统管理员）",
        request=None,
        responses={200: inline_serializer("ResetPasswordResult", {"initial_password": serializers.CharField()})},
    )
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_object()
        try:
            password = do_reset_password(acting_user(request), user)
        except Exception as exc:
            raise to_api_error(exc) from exc
        return Response({"initial_password": password})
