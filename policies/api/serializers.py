"""Serializers of the policy API. Money is integer fen (`*_fen`), never a float; what a person reads
(item labels, reasons, explanations) comes in Chinese beside the codes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.actions.facts import editable_fields
from policies.explaining import explain, reason_text
from policies.models import (
    FACT_MODELS,
    AwardApplication,
    AwardEvent,
    EnterpriseFact,
    Evidence,
    FactCorrection,
    Fund,
    LedgerEntry,
    PolicyPack,
)
from policies.packinfo import item_label
from registry.models import Enterprise


class PolicyPackSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = PolicyPack
        fields = ("id", "code", "title", "issuer", "document_no", "effective_on", "region_code", "region_name",
                  "status")  # fmt: skip
        read_only_fields = fields


class PolicyPackItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the item's label (a field named label)
    reference = serializers.CharField()
    kind = serializers.CharField(help_text="formula 按规则计算；case 一事一议；target 目标任务（不计奖补）")
    ref_kind = serializers.CharField(allow_null=True, help_text="申请须指明的事实类别（ref 为其编号）；空则按企业申请")


class PolicyPackParameterSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the parameter's label (a field named label)
    unit = serializers.CharField()
    value = serializers.JSONField()
    effective = serializers.DateField()
    reference = serializers.CharField()
    document = serializers.CharField()
    placeholder = serializers.BooleanField(help_text="原文未定数额、暂定的取值")
    note = serializers.CharField(allow_blank=True)


class PolicyPackParametersSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    items = PolicyPackItemSerializer(many=True)
    parameters = PolicyPackParameterSerializer(many=True)


class PolicyFundSerializer(serializers.ModelSerializer):
    approved_fen = serializers.SerializerMethodField(help_text="已核准（含已拨付）")
    paid_fen = serializers.SerializerMethodField(help_text="已拨付（扣除冲正）")
    remaining_fen = serializers.SerializerMethodField(help_text="可核准余额 = 年度资金 − 已核准")

    class Meta:
        model = Fund
        fields = ("id", "pack", "year", "amount_fen", "allocation_rule", "document_no", "note", "approved_fen",
                  "paid_fen", "remaining_fen")  # fmt: skip
        read_only_fields = fields

    def get_approved_fen(self, fund: Fund) -> int:
        return int(getattr(fund, "approved_sum", 0) or 0)

    def get_paid_fen(self, fund: Fund) -> int:
        return int(getattr(fund, "paid_sum", 0) or 0)

    def get_remaining_fen(self, fund: Fund) -> int:
        return fund.amount_fen - self.get_approved_fen(fund)


class PolicyFundWriteSerializer(serializers.Serializer):
    pack = serializers.PrimaryKeyRelatedField(queryset=PolicyPack.objects.all())
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    amount_fen = serializers.IntegerField(min_value=0, required=False, allow_null=True,
                                          help_text="不填则按政策包参数（四（五）每年1000万元）")  # fmt: skip
    allocation_rule = serializers.ChoiceField(choices=["pro_rata", "approval_order", "carry_over"], required=False,
                                              allow_null=True, help_text="不填则按政策包参数")  # fmt: skip
    document_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PolicyFundItemSerializer(serializers.Serializer):
    item = serializers.CharField()
    item_label = serializers.CharField()
    awards = serializers.IntegerField()
    approved_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()


class FundRoundSerializer(serializers.Serializer):
    applications = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AwardApplicationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    item_label = serializers.SerializerMethodField()
    reason_text = serializers.SerializerMethodField()
    fund_year = serializers.IntegerField(source="fund.year", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AwardApplication
        fields: tuple[str, ...] = (
            "id", "pack", "enterprise", "enterprise_name", "item", "item_label", "ref", "year", "status", "note",
            "computed_amount_fen", "reason", "reason_text", "params_version", "computed_at", "submitted_at", "fund",
            "fund_year", "approved_amount_fen", "decided_at", "decision_note", "carried_from",
        )  # fmt: skip
        read_only_fields = fields

    def get_item_label(self, app: AwardApplication) -> str:
        return item_label(app.pack.code, app.item)

    def get_reason_text(self, app: AwardApplication) -> str:
        return reason_text(app.reason)


class AwardExplanationLineSerializer(serializers.Serializer):
    step = serializers.CharField()
    text = serializers.CharField()
    ref = serializers.IntegerField(allow_null=True)


class AwardApplicationDetailSerializer(AwardApplicationSerializer):
    explanation = serializers.SerializerMethodField()

    class Meta(AwardApplicationSerializer.Meta):
        fields = (*AwardApplicationSerializer.Meta.fields, "trace", "facts", "explanation")
        read_only_fields = fields

    @extend_schema_field(AwardExplanationLineSerializer(many=True))
    def get_explanation(self, app: AwardApplication) -> list[dict[str, Any]]:
        return [{"step": line.step, "text": line.text, "ref": line.ref} for line in explain(app.trace, app.pack.code)]


class AwardApplicationCreateSerializer(serializers.Serializer):
    pack = serializers.PrimaryKeyRelatedField(queryset=PolicyPack.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        help_text="区县商务局代企业申请时必填；企业为本企业申请时可省略",
    )
    item = serializers.CharField(max_length=32)
    ref = serializers.IntegerField(
        min_value=0, default=0, help_text="项目、品牌、决定或贷款的编号；按企业申请的事项为 0"
    )
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AwardEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ("id", "label", "original_name", "size", "created")
        read_only_fields = fields


class AwardEvidenceUploadSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")  # type: ignore[assignment]  # a field named label
    file = serializers.FileField(help_text="PDF、JPG、PNG、.xlsx 或 .docx")


class FactCorrectionSerializer(serializers.ModelSerializer):
    corrected_by = serializers.CharField(source="corrected_by.username", read_only=True, default="")

    class Meta:
        model = FactCorrection
        fields = ("id", "fact_kind", "fact_id", "field", "field_label", "before", "after", "reason", "corrected_by",
                  "created")  # fmt: skip
        read_only_fields = fields


class FactCorrectSerializer(serializers.Serializer):
    fact_kind = serializers.ChoiceField(choices=sorted(FACT_MODELS))
    fact_id = serializers.IntegerField(min_value=1)
    field = serializers.CharField(max_length=64)
    value = serializers.JSONField(help_text="按数据库单位：金额为分（整数），日期为 YYYY-MM-DD，是否为 true/false")
    reason = serializers.CharField()


class AwardApproveSerializer(serializers.Serializer):
    amount_fen = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                          help_text="不填则按测算金额核准")  # fmt: skip
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AwardReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AwardReturnSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="需要补正的内容")


class AwardPaySerializer(serializers.Serializer):
    voucher_no = serializers.CharField(max_length=64)
    document_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LedgerReverseSerializer(serializers.Serializer):
    voucher_no = serializers.CharField(max_length=64)
    reason = serializers.CharField()


class AwardEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.username", read_only=True, default="")

    class Meta:
        model = AwardEvent
        fields = ("time", "actor_name", "kind", "message")
        read_only_fields = fields


class LedgerEntrySerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="application.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="application.enterprise.name", read_only=True)
    item = serializers.CharField(source="application.item", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default="")

    class Meta:
        model = LedgerEntry
        fields: tuple[str, ...] = (
            "id", "fund", "year", "application", "enterprise", "enterprise_name", "item", "kind", "attempt",
            "amount_fen", "time", "voucher_no", "document_no", "reverses", "note", "recorded_by",
        )  # fmt: skip
        read_only_fields = fields


class LedgerEntryDetailSerializer(LedgerEntrySerializer):
    class Meta(LedgerEntrySerializer.Meta):
        fields = (*LedgerEntrySerializer.Meta.fields, "trace")
        read_only_fields = fields


def fact_serializer(model: type[EnterpriseFact]) -> type[serializers.ModelSerializer]:
    """A serializer for one kind of fact: id, enterprise (set on creation), its editable fields."""
    meta = type("Meta", (), {"model": model, "fields": ("id", "enterprise", *editable_fields(model)),
                             "read_only_fields": ("id",)})  # fmt: skip
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})
