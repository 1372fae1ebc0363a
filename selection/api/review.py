"""Expert review through the API: the same actions and the same hiding rule as the pages.

While a stage is open nobody reads a score but its author: the ministry sees who has scored, an
expert sees their own sheet only. Once the stage is closed the ministry sees every sheet and an
expert the totals of colleagues on the same applications, without their names. Applicants
(operator, province) read their entries — the defence slot, and after closing the figures and
the decision — never the experts.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from core.api.fields import DateTimeField
from core.api.views import ReadOnlyScopedViewSet
from core.roles import Role
from core.scoping import VIEW, can, restrict
from selection.actions.review import (
    do_assign_expert,
    do_auto_assign,
    do_close_stage,
    do_decide_entry,
    do_open_stage,
    do_schedule_defence,
    do_submit_score,
)
from selection.models import (
    Aggregation,
    Assignment,
    Call,
    Decision,
    Expert,
    ReviewStage,
    StageEntry,
    StageKind,
    StageStatus,
)


def _user(serializer: serializers.BaseSerializer[Any]) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _is_ministry(user: Any) -> bool:
    return getattr(user, "role", None) == Role.MINISTRY


# Serializers ----------------------------------------------------------------------------------


class SheetSerializer(serializers.ModelSerializer):
    """A score sheet. Who wrote it and what it says are shown by the hiding rule (module doc);
    hidden values are null."""

    stage_kind = serializers.CharField(source="stage.kind", read_only=True)
    stage_status = serializers.CharField(source="stage.status", read_only=True)
    base_name = serializers.CharField(source="application.base.name", read_only=True)
    own = serializers.SerializerMethodField()
    scored = serializers.SerializerMethodField()
    expert = serializers.IntegerField(source="expert_id", read_only=True, allow_null=True)
    expert_name = serializers.CharField(source="expert.user", read_only=True, allow_null=True)
    total = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)
    points = serializers.DictField(child=serializers.CharField(), read_only=True, allow_null=True)
    checklist = serializers.DictField(child=serializers.BooleanField(), read_only=True, allow_null=True)
    comment = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = (
            "id", "stage", "stage_kind", "stage_status", "entry", "application", "base_name", "own", "expert",
            "expert_name", "scored", "scored_at", "total", "points", "checklist", "comment",
        )  # fmt: skip
        read_only_fields = fields

    def get_own(self, obj: Assignment) -> bool:
        user = _user(self)
        return user is not None and obj.expert.user_id == user.pk

    def get_scored(self, obj: Assignment) -> bool:
        return obj.scored_at is not None

    def to_representation(self, instance: Assignment) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        user = _user(self)
        own = data["own"]
        closed = instance.stage.status == StageStatus.CLOSED
        if not own and not _is_ministry(user):
            data["expert"] = data["expert_name"] = None  # colleagues stay anonymous to one another
        if not (own or (closed and _is_ministry(user))):
            data["points"] = data["checklist"] = data["comment"] = None
        if not (own or closed):
            data["total"] = None  # hidden until the stage closes
        return data


class EntrySheetSerializer(serializers.ModelSerializer):
    """One sheet inside an entry, for the ministry: who, whether scored, the total once closed."""

    expert_name = serializers.CharField(source="expert.user", read_only=True)
    total = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = ("id", "expert", "expert_name", "scored_at", "total")
        read_only_fields = fields


class StageEntrySerializer(serializers.ModelSerializer):
    stage_kind = serializers.CharField(source="stage.kind", read_only=True)
    stage_status = serializers.CharField(source="stage.status", read_only=True)
    base_name = serializers.CharField(source="application.base.name", read_only=True)
    quota_unit_name = serializers.CharField(source="application.quota_unit.name", read_only=True)
    assigned = serializers.SerializerMethodField()
    scored = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = StageEntry
        fields = (
            "id", "stage", "stage_kind", "stage_status", "application", "base_name", "quota_unit_name",
            "defence_at", "defence_place", "reviewers", "raw_mean", "score", "calibrated", "spread", "flagged",
            "method", "rank", "decision", "decision_note", "assigned", "scored", "assignments",
        )  # fmt: skip
        read_only_fields = fields

    def get_assigned(self, obj: StageEntry) -> int | None:
        return len(obj.assignments.all()) if _is_ministry(_user(self)) else None

    def get_scored(self, obj: StageEntry) -> int | None:
        if not _is_ministry(_user(self)):
            return None
        return sum(1 for a in obj.assignments.all() if a.scored_at is not None)

    @extend_schema_field(EntrySheetSerializer(many=True))
    def get_assignments(self, obj: StageEntry) -> list[dict[str, Any]]:
        """The sheets of the entry, for the ministry only; totals once the stage has closed."""
        if not _is_ministry(_user(self)):
            return []
        closed = obj.stage.status == StageStatus.CLOSED
        rows = []
        for a in obj.assignments.all():
            row = dict(EntrySheetSerializer(a).data)
            if not closed:
                row["total"] = None
            rows.append(row)
        return rows


class ReviewStageSerializer(serializers.ModelSerializer):
    max_total = serializers.CharField(read_only=True)
    entries = StageEntrySerializer(many=True, read_only=True, source="visible_entries")

    class Meta:
        model = ReviewStage
        fields = (
            "id", "call", "kind", "status", "rubric", "reviewers_per_application", "aggregation",
            "trim_min_reviewers", "spread_threshold", "closed_at", "max_total", "entries",
        )  # fmt: skip
        read_only_fields = fields


class RubricItemSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=32)
    label = serializers.CharField(max_length=128)  # type: ignore[assignment]  # a field; DRF's metaclass pops it
    max = serializers.CharField(max_length=12, help_text="满分，最多两位小数")


class OpenStageSerializer(serializers.Serializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all())
    kind = serializers.ChoiceField(choices=StageKind.choices)
    rubric = RubricItemSerializer(many=True, required=False, help_text="不传则使用通知参数中的默认评分细则")
    reviewers_per_application = serializers.IntegerField(min_value=1, max_value=50, default=5)
    aggregation = serializers.ChoiceField(choices=Aggregation.choices, default=Aggregation.TRIMMED)
    trim_min_reviewers = serializers.IntegerField(min_value=3, max_value=50, default=5)
    spread_threshold = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, default=Decimal(20))


class AssignSerializer(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all(), required=False)
    auto = serializers.BooleanField(default=False, help_text="true：按负荷自动分配无利益冲突的专家")
    reviewers = serializers.IntegerField(
        min_value=1, max_value=50, required=False, help_text="自动分配时的目标人数，默认取阶段设置"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("expert")) == bool(attrs.get("auto")):
            raise serializers.ValidationError(_("请指定一位专家（expert），或选择自动分配（auto: true），二者择一。"))
        return attrs


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[(d.value, d.label) for d in (Decision.PASSED, Decision.FAILED, Decision.RECHECK)]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ScheduleSerializer(serializers.Serializer):
    defence_at = DateTimeField(help_text="ISO 8601；不带时区时按北京时间理解")
    defence_place = serializers.CharField(max_length=128)


class ScoreSerializer(serializers.Serializer):
    points = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="评分指标代码 → 得分")
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict)
    comment = serializers.CharField(allow_blank=True)


# Viewsets ---------------------------------------------------------------------------------


def _sheets() -> Prefetch:
    return Prefetch("assignments", queryset=Assignment.objects.select_related("expert__user").order_by("id"))


def _entries(user: Any) -> QuerySet[StageEntry]:
    return (
        restrict(StageEntry.objects.all(), user, VIEW)
        .select_related("stage", "application__base", "application__quota_unit")
        .prefetch_related(_sheets())
        .order_by("rank", "id")
    )


class ReviewStageViewSet(ReadOnlyScopedViewSet):
    """评审阶段（初步评议、现场答辩评议、复核）及其评审对象。商务部开始（POST）和结束阶段；专家只看到分配给自己的阶段和申报。"""

    queryset = ReviewStage.objects.all()
    serializer_class = ReviewStageSerializer
    select_related = ("call",)
    filterset_fields = ("call", "kind", "status")
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        qs = super().get_queryset().order_by("call", "created")
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.prefetch_related(Prefetch("entries", queryset=_entries(self.request.user), to_attr="visible_entries"))

    @extend_schema(
        summary="开始评审阶段（商务部）", request=OpenStageSerializer, responses={201: ReviewStageSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = OpenStageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        call = data.pop("call")
        if "rubric" in data:
            data["rubric"] = [dict(item) for item in data["rubric"]]
        stage = do_open_stage(acting_user(request), call, **data)
        return Response(self._one(stage.pk), status=status.HTTP_201_CREATED)

    @extend_schema(summary="结束评审阶段并汇总得分（商务部）", request=None, responses=ReviewStageSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        stage = do_close_stage(acting_user(request), self.get_object())
        return Response(self._one(stage.pk))

    def _one(self, pk: int) -> dict[str, Any]:
        stage = (
            ReviewStage.objects.filter(pk=pk)
            .select_related("call")
            .prefetch_related(Prefetch("entries", queryset=_entries(self.request.user), to_attr="visible_entries"))
            .get()
        )
        return dict(ReviewStageSerializer(stage, context=self.get_serializer_context()).data)


class StageEntryViewSet(ReadOnlyScopedViewSet):
    """评审对象（阶段中的一份申报）：答辩安排，阶段结束后的得分、排名和结论。商务部分配专家、作出结论、安排答辩。"""

    queryset = StageEntry.objects.all()
    serializer_class = StageEntrySerializer
    select_related = ("stage", "application__base", "application__quota_unit__region")
    filterset_fields = ("stage", "application", "decision")
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related(_sheets()).order_by("stage", "rank", "id")

    def _answer(self, pk: int) -> Response:
        entry = self.get_queryset().get(pk=pk)
        return Response(StageEntrySerializer(entry, context=self.get_serializer_context()).data)

    @extend_schema(summary="分配评审专家（指定或自动）", request=AssignSerializer, responses=StageEntrySerializer)
    @action(detail=True, methods=["post"], serializer_class=AssignSerializer)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data.get("auto"):
            do_auto_assign(acting_user(request), entry, body.validated_data.get("reviewers"))
        else:
            do_assign_expert(acting_user(request), entry, body.validated_data["expert"])
        return self._answer(entry.pk)

    @extend_schema(summary="作出评审结论（阶段结束后）", request=DecideSerializer, responses=StageEntrySerializer)
    @action(detail=True, methods=["post"], serializer_class=DecideSerializer)
    def decide(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        do_decide_entry(acting_user(request), entry, body.validated_data["decision"], body.validated_data["note"])
        return self._answer(entry.pk)

    @extend_schema(summary="安排现场答辩时间和地点", request=ScheduleSerializer, responses=StageEntrySerializer)
    @action(detail=True, methods=["post"], serializer_class=ScheduleSerializer)
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        body = ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        do_schedule_defence(
            acting_user(request), entry, body.validated_data["defence_at"], body.validated_data["defence_place"]
        )
        return self._answer(entry.pk)


class MaySeeSheets(BasePermission):
    """Scoring is a workflow step of the expert on a sheet they may see (the action checks it is theirs)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and can(request.user, Assignment, VIEW))


class AssignmentViewSet(ReadOnlyScopedViewSet):
    """评分表。专家看到本人的评分表，阶段结束后还能看到同一申报其他专家的总分（不显示姓名）；商务部在阶段结束前只看到谁已评分。"""

    queryset = Assignment.objects.all()
    serializer_class = SheetSerializer
    select_related = ("stage", "expert__user", "application__base")
    filterset_fields = ("stage", "entry", "application")
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self) -> Sequence[Any]:
        if getattr(self, "action", None) == "score":
            return [MaySeeSheets()]
        return super().get_permissions()

    def scope_action(self) -> str:
        return VIEW if getattr(self, "action", None) == "score" else super().scope_action()

    def get_queryset(self) -> QuerySet[Any]:
        qs = super().get_queryset().order_by("stage", "entry", "id")
        if getattr(self, "swagger_fake_view", False):
            return qs
        user = self.request.user
        own = Q(expert__user_id=user.pk or 0)
        if self.action == "score":
            qs = qs.filter(own)  # one's own sheet only
        elif self.action == "history":
            # The log of a sheet holds its points: the author's, and the ministry's once closed.
            qs = qs.filter(own | Q(stage__status=StageStatus.CLOSED)) if _is_ministry(user) else qs.filter(own)
        return qs

    @extend_schema(summary="提交或修改本人的评分表（阶段结束前）", request=ScoreSerializer, responses=SheetSerializer)
    @action(detail=True, methods=["post"], serializer_class=ScoreSerializer)
    def score(self, request: Request, pk: str | None = None) -> Response:
        sheet = self.get_object()
        body = ScoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        do_submit_score(acting_user(request), sheet, d["points"], checklist=d["checklist"], comment=d["comment"])
        fresh = self.get_queryset().get(pk=sheet.pk)
        return Response(SheetSerializer(fresh, context=self.get_serializer_context()).data)
