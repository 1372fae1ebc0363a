"""Bases, enterprises, residencies and titles over the API, with the pages' scoping and filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from core.api.views import DestroyLoggedMixin, EditableScopedViewSet
from core.pagination import scoped_rows
from core.scoping import VIEW, restrict
from regions.models import Region
from registry.actions.bases import editable_base_fields
from registry.api.filtersets import ResidencyFilterSet, TitleFilterSet
from registry.api.serializers import (
    BaseSerializer,
    BaseStatusChangeSerializer,
    EnterpriseSerializer,
    ResidencySerializer,
    TitleSerializer,
)
from registry.filtersets import BaseFilterSet, EnterpriseFilterSet
from registry.forms.enterprises import ENTERPRISE_EDITABLE
from registry.models import Base, BaseStatusChange, Enterprise, Residency, Title


class BaseViewSet(EditableScopedViewSet):
    """示范基地。状态只读：状态变更另有专门操作（商务部）。"""

    queryset = Base.objects.all()
    serializer_class = BaseSerializer
    filterset_class = BaseFilterSet
    select_related = ("quota_unit", "region")
    prefetch_related = (Prefetch("covered_regions", queryset=Region.objects.only("id", "code")),)
    http_method_names = ["get", "patch", "head", "options"]

    def editable_fields(self) -> Sequence[str]:
        return editable_base_fields(acting_user(self.request))

    @extend_schema(summary="基地状态变更记录", responses=BaseStatusChangeSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="status-changes",
        serializer_class=BaseStatusChangeSerializer,
        filter_backends=[],
    )
    def status_changes(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        base = self.get_object()
        changes = restrict(BaseStatusChange.objects.filter(base=base), request.user, VIEW).order_by("date", "id")
        page = self.paginate_queryset(changes)
        data = BaseStatusChangeSerializer(page if page is not None else changes, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class EnterpriseViewSet(EditableScopedViewSet):
    """企业（按统一社会信用代码登记）。联系电话在列表中对不需要的角色打码。"""

    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    select_related = ("region",)

    def editable_fields(self) -> Sequence[str]:
        return ENTERPRISE_EDITABLE.get(getattr(self.request.user, "role", ""), ())

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        # As the page: a scoped user's list is paged through its ordered ids (core.pagination).
        return super().paginate_queryset(scoped_rows(queryset, self.request.user))


class ResidencyViewSet(EditableScopedViewSet):
    """入驻记录：基地运营主体登记本基地的入驻和迁出。"""

    queryset = Residency.objects.all()
    serializer_class = ResidencySerializer
    filterset_class = ResidencyFilterSet
    select_related = ("enterprise", "base")


class TitleViewSet(DestroyLoggedMixin, EditableScopedViewSet):
    """企业获得的示范称号。"""

    queryset = Title.objects.all()
    serializer_class = TitleSerializer
    filterset_class = TitleFilterSet
    select_related = ("enterprise",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
