"""Every step of a call through the API: the same actions as the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from core.api.parsers import JSONParser  # nesting-limited, Chinese refusals
from core.api.views import ReadOnlyScopedViewSet
from core.errors import ActionError
from core.roles import Role
from core.scoping import CHANGE, VIEW, restrict
from selection.actions.applications import (
    do_attach_document,
    do_check_conditions,
    do_create_application,
    do_recommend,
    do_save_goals,
    do_save_work_plan,
    do_submit,
)
from selection.actions.calls import do_close_call, do_open_call, do_set_extra_slot
from selection.api.serializers import (
    ApplicationEventSerializer,
    ApplicationSerializer,
    CallSerializer,
    ConditionSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ExtraSlotSerializer,
    FileUploadSerializer,
    GoalSerializer,
    GoalsWriteSerializer,
    PrecheckRowSerializer,
    RankSerializer,
    WorkPlanImportSerializer,
    WorkPlanSerializer,
)
from selection.errors import SelectionErrorCode
from selection.models import Application, Call, WorkPlan


class CallViewSet(ReadOnlyScopedViewSet):
    """申报批次。商务部发布（POST）；截止时间为带时区的时刻，按北京时间判断逾期。"""

    queryset = Call.objects.all()
    serializer_class = CallSerializer
    http_method_names = ["get", "post", "head", "options"]
    scope_action_of = {"precheck": VIEW}  # the pre-check saves nothing; its role check is in the action

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = do_open_call(acting_user(request), **serializer.validated_data)
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="截止申报批次（商务部）", request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return Response(CallSerializer(do_close_call(acting_user(request), self.get_object())).data)

    @extend_schema(summary="同意或撤回酌情增加名额（商务部）", request=ExtraSlotSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"], url_path="extra-slot", serializer_class=ExtraSlotSerializer)
    def extra_slot(self, request: Request, pk: str | None = None) -> Response:
        body = ExtraSlotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        call = do_set_extra_slot(acting_user(request), self.get_object(), body.validated_data["quota_unit"],
                                 body.validated_data["approved"])  # fmt: skip
        return Response(CallSerializer(call).data)

    @extend_schema(
        summary="批量预审（省级、商务部）：上传 .xlsx/.csv，逐行返回可否受理及全部原因",
        request={"multipart/form-data": FileUploadSerializer}, responses=PrecheckRowSerializer(many=True),
    )  # fmt: skip
    @action(
        detail=True, methods=["post"], filter_backends=[], pagination_class=None,
        serializer_class=FileUploadSerializer, parser_classes=[MultiPartParser, FormParser],
    )  # fmt: skip
    def precheck(self, request: Request, pk: str | None = None) -> Response:
        from core import uploads
        from selection.precheck import precheck_upload

        if getattr(request.user, "role", None) not in (Role.PROVINCE, Role.MINISTRY):
            raise PermissionDenied
        call = self.get_object()
        body = FileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        try:
            rows = precheck_upload(request.user, call, upload)
        except uploads.UploadRefused as exc:
            raise ActionError(exc.code, exc.message, field="file") from None
        return Response(PrecheckRowSerializer(rows, many=True).data)


class ApplicationViewSet(ReadOnlyScopedViewSet):
    """申报。运营主体编制（POST，仅本园区），省级推荐并排序、报送商务部。"""

    queryset = Application.objects.all()
    serializer_class = ApplicationSerializer
    select_related = ("base", "quota_unit")
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        call = data.pop("call")
        base = getattr(request.user, "base", None)
        if base is None:
            raise PermissionDenied
        app = do_create_application(acting_user(request), call, base, **data)
        return Response(ApplicationSerializer(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="省级推荐（含推荐顺位）", request=RankSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], serializer_class=RankSerializer)
    def recommend(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        body = RankSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            ApplicationSerializer(do_recommend(acting_user(request), app, body.validated_data["rank"])).data
        )

    @extend_schema(summary="报送商务部（逾期不予受理并记录）", request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return Response(ApplicationSerializer(do_submit(acting_user(request), self.get_object())).data)

    @extend_schema(summary="办理记录", responses=ApplicationEventSerializer(many=True))
    @action(
        detail=True, methods=["get"], serializer_class=ApplicationEventSerializer, filter_backends=[],
        pagination_class=None,
    )  # fmt: skip
    def events(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        return Response(ApplicationEventSerializer(app.events.select_related("actor"), many=True).data)

    def _changeable(self) -> Application:
        """The application, if the user may change it (404 otherwise, as for reading)."""
        app = self.get_object()
        if not restrict(Application.objects.filter(pk=app.pk), self.request.user, CHANGE).exists():
            raise PermissionDenied
        return app

    @extend_schema(summary="核验计算条件（结果保存在申报上）", request=None, responses=ConditionSerializer(many=True))
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def check(self, request: Request, pk: str | None = None) -> Response:
        return Response(
            ConditionSerializer(do_check_conditions(acting_user(request), self._changeable()), many=True).data
        )

    @extend_schema(methods=["GET"], summary="申报材料", responses=DocumentSerializer(many=True))
    @extend_schema(
        methods=["POST"], summary="上传申报材料（multipart：kind, file）", request=DocumentUploadSerializer,
        responses={201: DocumentSerializer},
    )  # fmt: skip
    @action(
        detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None,
        serializer_class=DocumentUploadSerializer, parser_classes=[MultiPartParser, FormParser],
    )  # fmt: skip
    def documents(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        if request.method == "GET":
            return Response(DocumentSerializer(app.documents.all(), many=True).data)
        body = DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = do_attach_document(
            acting_user(request), app, body.validated_data["kind"], body.validated_data["file"]
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="创建工作方案", responses=WorkPlanSerializer)
    @extend_schema(
        methods=["PATCH"], summary="修改工作方案（只改所发送的章节；摘要不超过 3500 字）",
        request=WorkPlanSerializer, responses=WorkPlanSerializer,
    )  # fmt: skip
    @action(
        detail=True, methods=["get", "patch"], url_path="work-plan", filter_backends=[],
        serializer_class=WorkPlanSerializer, parser_classes=[JSONParser],
    )  # fmt: skip
    def work_plan(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        if request.method == "GET":
            plan = WorkPlan.objects.filter(application=app).first() or WorkPlan(application=app)
            return Response(WorkPlanSerializer(plan).data)
        data = request.data
        if not isinstance(data, dict):
            raise ActionError(SelectionErrorCode.NOT_OBJECT)
        changes = {k: v for k, v in data.items() if k != "summary_chars"}
        if any(not isinstance(v, str) for v in changes.values()):
            raise ActionError(SelectionErrorCode.NOT_TEXT)
        return Response(WorkPlanSerializer(do_save_work_plan(acting_user(request), app, changes)).data)

    @extend_schema(methods=["GET"], summary="创建目标", responses=GoalSerializer(many=True))
    @extend_schema(
        methods=["PUT"], summary="替换创建目标（每项指标 3—5 年）", request=GoalsWriteSerializer,
        responses=GoalSerializer(many=True),
    )  # fmt: skip
    @action(
        detail=True, methods=["get", "put"], filter_backends=[], pagination_class=None,
        serializer_class=GoalsWriteSerializer, parser_classes=[JSONParser],
    )  # fmt: skip
    def goals(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        if request.method == "PUT":
            body = GoalsWriteSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            rows = {g["indicator"]: (g["baseline"], list(g["targets"])) for g in body.validated_data["goals"]}
            do_save_goals(acting_user(request), app, body.validated_data["first_year"], rows)
        return Response(GoalSerializer(app.goals.all(), many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="下载工作方案 .docx（公文格式，记为导出）",
        responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes},
    )
    @extend_schema(
        methods=["POST"], summary="上传 .docx 工作方案：按标题识别章节和目标表，全部导入或全部不导入",
        request={"multipart/form-data": FileUploadSerializer}, responses=WorkPlanImportSerializer,
    )  # fmt: skip
    @action(
        detail=True, methods=["get", "post"], url_path="work-plan-docx", filter_backends=[],
        serializer_class=FileUploadSerializer, parser_classes=[MultiPartParser, FormParser],
    )  # fmt: skip
    def work_plan_docx(self, request: Request, pk: str | None = None) -> Response:
        from django.conf import settings

        from selection.actions.work_plan_docx import do_import_work_plan

        app = self.get_object()
        if request.method == "GET":
            from selection.views.docx import work_plan_docx_response

            return work_plan_docx_response(app)  # type: ignore[return-value]  # a file, not JSON
        body = FileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if (upload.size or 0) > settings.ECBASE_MAX_UPLOAD_BYTES:
            raise ActionError(SelectionErrorCode.TOO_LARGE, _("文件过大。"), field="file")
        report = do_import_work_plan(acting_user(request), app, upload.read(), upload.name or "")
        return Response(WorkPlanImportSerializer(report).data)
