"""Every step of a call through the API: the same actions as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ReadOnlyScopedViewSet
from selection.actions.applications import do_create_application, do_recommend, do_submit
from selection.actions.calls import do_open_call
from selection.api.serializers import (
    ApplicationEventSerializer,
    ApplicationSerializer,
    CallSerializer,
    RankSerializer,
)
from selection.models import Application, Call


class CallViewSet(ReadOnlyScopedViewSet):
    """申报批次。商务部发布（POST）；截止时间为带时区的时刻，按北京时间判断逾期。"""

    queryset = Call.objects.all()
    serializer_class = CallSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = do_open_call(request.user, **serializer.validated_data)
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)


class ApplicationViewSet(ReadOnlyScopedViewSet):
    """申报。运营主体编制（POST，仅本园区），省级推荐并排序、报送商务部。"""

    queryset = Application.objects.all()
    serializer_class = ApplicationSerializer
    select_related = ("base", "quota_unit")
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        call = data.pop("call")
        base = getattr(request.user, "base", None)
        if base is None:
            raise PermissionDenied
        app = do_create_application(request.user, call, base, **data)
        return Response(ApplicationSerializer(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="省级推荐（含推荐顺位）", request=RankSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], serializer_class=RankSerializer)
    def recommend(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        body = RankSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(ApplicationSerializer(do_recommend(request.user, app, body.validated_data["rank"])).data)

    @extend_schema(summary="报送商务部（逾期不予受理并记录）", request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return Response(ApplicationSerializer(do_submit(request.user, self.get_object())).data)

    @extend_schema(summary="办理记录", responses=ApplicationEventSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=ApplicationEventSerializer, filter_backends=[])
    def events(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        return Response(ApplicationEventSerializer(app.events.select_related("actor"), many=True).data)
