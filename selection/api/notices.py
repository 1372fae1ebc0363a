"""The proposed list, its public notice, objections and designation through the API: the same
actions as the pages. Anyone (no account needed) reads the published notices and lodges an
objection during the period; the ministry drafts, publishes, rules and designates."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from core.api.fields import DateField
from core.api.permissions import ScopedPermission
from core.api.schema import THROTTLED
from core.api.views import ReadOnlyScopedViewSet
from core.errors import ActionError, CoreErrorCode
from core.middleware import client_ip
from core.roles import Role
from core.scoping import VIEW, restrict
from selection.actions.notice import (
    do_designate,
    do_draft_notice,
    do_publish_notice,
    do_rule_objection,
    period_state,
)
from selection.errors import SelectionErrorCode
from selection.models import (
    Application,
    Call,
    Notice,
    NoticeEntry,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PeriodUnit,
)
from selection.notice_public import lodge, period_text, public_rows

# -- serializers ----------------------------------------------------------------------------


class PublicEntrySerializer(serializers.Serializer):
    """A base on the list as the public sees it: no score, nothing internal."""

    position = serializers.IntegerField(help_text="序号")
    base = serializers.CharField(help_text="基地名称")
    region = serializers.CharField(help_text="所在地区")
    quota_unit = serializers.CharField(help_text="申报单位")
    operator = serializers.CharField(help_text="运营主体")


class MinistryEntrySerializer(serializers.ModelSerializer):
    """A base on the list with what the ministry works with: the application, its score, withdrawal."""

    base_name = serializers.CharField(source="application.base.name", read_only=True)

    class Meta:
        model = NoticeEntry
        fields = ("id", "position", "application", "base_name", "score", "withdrawn", "withdrawn_reason")


class NoticeSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField(help_text="公示期：YYYY年M月D日至YYYY年M月D日")
    accepting_objections = serializers.SerializerMethodField(help_text="此刻是否受理异议")
    entries = serializers.SerializerMethodField(
        help_text="拟认定名单（公布认定后：认定名单，不含撤出的基地）；商务部读到的条目含申报、得分和撤出情况"
    )

    class Meta:
        model = Notice
        fields = (
            "id", "call", "title", "body", "period_length", "period_unit", "contact", "status", "starts_on",
            "ends_on", "period", "accepting_objections", "published_at", "document_no", "designated_on", "entries",
        )  # fmt: skip

    def get_period(self, notice: Notice) -> str:
        return period_text(notice)

    def get_accepting_objections(self, notice: Notice) -> bool:
        return period_state(notice) == "open"

    # One schema for everyone who reads the list and the notice: the ministry's entries are the
    # other shape (MinistryNoticeSerializer), and a client must know both.
    @extend_schema_field(
        PolymorphicProxySerializer(
            component_name="NoticeEntry",
            serializers=[PublicEntrySerializer, MinistryEntrySerializer],
            resource_type_field_name=None,
            many=True,
        )
    )
    def get_entries(self, notice: Notice) -> list[dict[str, Any]]:
        rows = public_rows(notice, final=notice.status == NoticeStatus.DESIGNATED)
        return [PublicEntrySerializer(r).data for r in rows]


class MinistryNoticeSerializer(NoticeSerializer):
    entries = serializers.SerializerMethodField(help_text="拟认定名单（含评审得分和撤出情况）")

    @extend_schema_field(MinistryEntrySerializer(many=True))
    def get_entries(self, notice: Notice) -> list[dict[str, Any]]:
        entries = notice.entries.select_related("application__base").order_by("position")
        return list(MinistryEntrySerializer(entries, many=True).data)


class NoticeDraftSerializer(serializers.Serializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all(), help_text="申报批次")
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    period_length = serializers.IntegerField(min_value=1, max_value=60, default=7)
    period_unit = serializers.ChoiceField(choices=PeriodUnit.choices, default=PeriodUnit.CALENDAR_DAYS)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    applications = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, help_text="列入名单的申报 id，按名单顺序"
    )


class PublishSerializer(serializers.Serializer):
    starts_on = DateField(required=False, help_text="公示开始日（第 1 日），默认今天")


class DesignateSerializer(serializers.Serializer):
    document_no = serializers.CharField(max_length=64, help_text="认定文号")
    date = DateField(help_text="认定日期（须在公示期届满之后）")


class ObjectionLodgeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, allow_blank=True, help_text="异议人姓名或单位名称（实名）")
    phone = serializers.CharField(max_length=32, allow_blank=True, help_text="联系电话")
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    entry = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="涉及基地的名单条目 id")
    content = serializers.CharField(max_length=5000, allow_blank=True, help_text="异议内容及理由（至少 10 个字）")


class ObjectionReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="受理编号")
    lodged_at = serializers.DateTimeField()
    message = serializers.CharField()


class ObjectionSerializer(serializers.ModelSerializer):
    base_name = serializers.CharField(source="entry.application.base.name", read_only=True, default="")

    class Meta:
        model = Objection
        fields = (
            "id", "notice", "entry", "base_name", "name", "phone", "email", "address", "content", "lodged_at",
            "status", "ruling", "ruled_at",
        )  # fmt: skip


class RuleSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (ObjectionStatus.UPHELD, ObjectionStatus.UPHELD.label),
            (ObjectionStatus.DISMISSED, ObjectionStatus.DISMISSED.label),
        ],
        help_text="处理结论",
    )
    ruling = serializers.CharField(help_text="处理意见（核查情况和结论）")
    withdraw_entry = serializers.BooleanField(default=False, help_text="异议成立时将所涉基地撤出名单")


# -- views ----------------------------------------------------------------------------------


class NoticeViewSet(ReadOnlyScopedViewSet):
    """拟认定名单公示。任何人（无需登录）可读已发布的公示、在公示期内提出异议；商务部拟定名单
    （POST，同一批次再次 POST 即替换草稿）、发布公示、公布认定。商务部可见草稿和评审得分。"""

    queryset = Notice.objects.select_related("call")
    serializer_class = NoticeSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self) -> list[Any]:
        """Reading published notices and lodging an objection need no account (the queryset still
        hides drafts); everything else, the change history included, is the scope rule."""
        name = getattr(self, "action", None)
        if name == "objections" or (self.request.method in SAFE_METHODS and name != "history"):
            return [AllowAny()]
        return [ScopedPermission()]

    def scope_action(self) -> str:
        return VIEW if getattr(self, "action", None) == "objections" else super().scope_action()

    def get_serializer_class(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            # The schema is one for every caller (it names both shapes of an entry): generated
            # for a ministry request it described the ministry's alone.
            return super().get_serializer_class()
        if self.action in ("list", "retrieve", "create", "publish", "designate") and self._is_ministry():
            return MinistryNoticeSerializer
        return super().get_serializer_class()

    def _is_ministry(self) -> bool:
        return getattr(self.request.user, "role", None) == Role.MINISTRY

    def _out(self, notice: Notice) -> dict[str, Any]:
        return dict(MinistryNoticeSerializer(notice, context=self.get_serializer_context()).data)

    @extend_schema(summary="拟定或修改拟认定名单（商务部）", request=NoticeDraftSerializer,
                   responses={201: MinistryNoticeSerializer})  # fmt: skip
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = NoticeDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        call = restrict(Call.objects.filter(pk=data.pop("call").pk), request.user, VIEW).first()
        ids = data.pop("applications")
        if call is None:
            raise ActionError(SelectionErrorCode.INVALID_CALL, field="call")
        found = {a.pk: a for a in restrict(Application.objects.filter(pk__in=ids, call=call), request.user, VIEW)}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise ActionError(SelectionErrorCode.INVALID_APPLICATION, ids="、".join(missing), field="applications")
        notice = do_draft_notice(acting_user(request), call, applications=[found[i] for i in ids], **data)
        return Response(self._out(notice), status=status.HTTP_201_CREATED)

    @extend_schema(summary="发布公示（商务部）", request=PublishSerializer, responses=MinistryNoticeSerializer)
    @action(detail=True, methods=["post"], serializer_class=PublishSerializer)
    def publish(self, request: Request, pk: str | None = None) -> Response:
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = do_publish_notice(acting_user(request), self.get_object(), body.validated_data.get("starts_on"))
        return Response(self._out(notice))

    @extend_schema(summary="公布认定（商务部；公示期届满、异议处理完毕后）", request=DesignateSerializer,
                   responses=MinistryNoticeSerializer)  # fmt: skip
    @action(detail=True, methods=["post"], serializer_class=DesignateSerializer)
    def designate(self, request: Request, pk: str | None = None) -> Response:
        body = DesignateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = self.get_object()
        do_designate(acting_user(request), notice, **body.validated_data)
        notice.refresh_from_db()
        return Response(self._out(notice))

    @extend_schema(
        summary="提出异议（任何人，无需登录；公示期内，每个网络地址每小时至多 5 件）",
        request=ObjectionLodgeSerializer, responses={201: ObjectionReceiptSerializer, 429: THROTTLED},
    )  # fmt: skip
    @action(detail=True, methods=["post"], serializer_class=ObjectionLodgeSerializer, filter_backends=[])
    def objections(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        if notice.status == NoticeStatus.DRAFT:  # the ministry sees drafts; nobody objects to one
            raise Http404
        body = ObjectionLodgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        entry_id = data.pop("entry", None)
        entry = None
        if entry_id is not None:
            entry = notice.entries.filter(pk=entry_id).first()
            if entry is None:
                raise ActionError(SelectionErrorCode.WRONG_ENTRY, field="entry")
        try:
            objection = lodge(notice, client_ip(request), entry=entry, **data)
        except ActionError as exc:
            if exc.code == CoreErrorCode.THROTTLED:
                raise Throttled(detail=exc.message) from None
            raise
        receipt = {"id": objection.pk, "lodged_at": objection.lodged_at,
                   "message": _("异议已收到。商务部电子商务司将核查处理，并通过您留下的联系方式反馈。")}  # fmt: skip
        return Response(ObjectionReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


class ObjectionViewSet(ReadOnlyScopedViewSet):
    """公示异议（仅商务部）：异议人及联系方式、处理结论。"""

    queryset = Objection.objects.select_related("entry__application__base")
    serializer_class = ObjectionSerializer
    filterset_fields = ("notice", "status")
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(summary="处理异议（商务部）", request=RuleSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], serializer_class=RuleSerializer)
    def rule(self, request: Request, pk: str | None = None) -> Response:
        body = RuleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        objection = do_rule_objection(acting_user(request), self.get_object(), data["outcome"], data["ruling"],
                                      withdraw_entry=data["withdraw_entry"])  # fmt: skip
        return Response(ObjectionSerializer(objection).data)
