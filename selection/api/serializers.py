from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from selection.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Call,
    WorkPlan,
    WorkPlanGoal,
    count_chars,
)


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Call
        fields = ("id", "title", "document_no", "deadline", "status", "template", "params")
        read_only_fields = ("id", "status", "params")


class ApplicationSerializer(serializers.ModelSerializer):
    base_name = serializers.CharField(source="base.name", read_only=True)
    quota_unit_name = serializers.CharField(source="quota_unit.name", read_only=True)

    class Meta:
        model = Application
        fields = (
            "id", "call", "quota_unit", "quota_unit_name", "base", "base_name", "area_m2", "operating_since",
            "status", "province_rank", "submitted_at",
        )  # fmt: skip
        read_only_fields = ("id", "quota_unit", "base", "status", "province_rank", "submitted_at")


class ApplicationEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.username", read_only=True, default="")

    class Meta:
        model = ApplicationEvent
        fields = ("time", "actor_name", "kind", "message")


class RankSerializer(serializers.Serializer):
    rank = serializers.IntegerField(min_value=1, max_value=99)


class ConditionSerializer(serializers.Serializer):
    condition = serializers.CharField()
    ok = serializers.BooleanField()
    code = serializers.CharField(allow_blank=True, required=False)
    message = serializers.CharField()


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationDocument
        fields = ("id", "kind", "original_name", "created")


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=48)
    file = serializers.FileField()


class WorkPlanSerializer(serializers.ModelSerializer):
    summary_chars = serializers.SerializerMethodField()

    class Meta:
        model = WorkPlan
        fields = (
            "summary", "summary_chars", "local_economy", "local_ecommerce", "basis", "goals_text", "contents",
            "safeguards", "implementation",
        )  # fmt: skip

    def get_summary_chars(self, plan: WorkPlan) -> int:
        return count_chars(plan.summary)


class GoalSerializer(serializers.ModelSerializer):
    targets = serializers.ListField(child=serializers.CharField())
    baseline = serializers.CharField()

    class Meta:
        model = WorkPlanGoal
        fields = ("indicator", "baseline", "first_year", "targets")
        read_only_fields = ("first_year",)  # written once for all goals (GoalsWriteSerializer)


class GoalsWriteSerializer(serializers.Serializer):
    first_year = serializers.IntegerField(min_value=2000, max_value=2100)
    goals = GoalSerializer(many=True)


class ExtraSlotSerializer(serializers.Serializer):
    quota_unit = serializers.CharField(max_length=12, help_text="申报单位代码，如 320000")
    approved = serializers.BooleanField()


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class PrecheckRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 行号（表头为第 1 行）")
    name = serializers.CharField()
    accepted = serializers.BooleanField()
    reasons = serializers.SerializerMethodField()

    def get_reasons(self, row: object) -> list[dict[str, str]]:
        return [{"code": code, "message": message} for code, message in getattr(row, "reasons", [])]


class ImportedSectionSerializer(serializers.Serializer):
    heading = serializers.CharField(help_text="文中的标题")
    section = serializers.CharField(help_text="对应的方案章节")
    paragraphs = serializers.IntegerField()
    characters = serializers.IntegerField(help_text="字数（不计空白）")


class WorkPlanImportSerializer(serializers.Serializer):
    file_name = serializers.CharField()
    sections = serializers.SerializerMethodField()
    goals_imported = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(ImportedSectionSerializer(many=True))
    def get_sections(self, report: object) -> list[dict[str, object]]:
        return [
            {"heading": h, "section": s, "paragraphs": p, "characters": c}
            for h, s, p, c in getattr(report, "sections", [])
        ]
