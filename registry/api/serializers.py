"""Serializers of bases, enterprises, residencies and titles: thin; writes go through the
change-logging paths (`save_logged`, `do_update_base`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from core import uscc
from core.api.fields import CodeRelatedField, DateField
from core.api.serializers import ChoiceLabelField, CreditCodeField, LoggedModelSerializer, uscc_message
from core.privacy import mask_phone
from core.roles import Role
from core.scoping import CHANGE, VIEW, restrict
from core.validators import not_in_future
from regions.models import QuotaUnit, Region
from registry.actions.bases import do_update_base
from registry.actions.enterprises import do_register_enterprise
from registry.models import Base, BaseStatus, BaseStatusChange, Enterprise, Residency, Title


def _user(serializer: serializers.BaseSerializer[Any]) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class BaseSerializer(LoggedModelSerializer):
    quota_unit = serializers.PrimaryKeyRelatedField(queryset=QuotaUnit.objects.all(), label=_("申报单位"))
    quota_unit_name = serializers.CharField(source="quota_unit.name", read_only=True)
    region = CodeRelatedField(
        slug_field="code", queryset=Region.objects.all(), label=_("所在区划"), help_text="区划代码（6 位）"
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    covered_regions = serializers.ManyRelatedField(
        child_relation=CodeRelatedField(slug_field="code", read_only=True), read_only=True
    )
    operator_credit_code = CreditCodeField(label=_("运营主体统一社会信用代码"))
    status_display = ChoiceLabelField("status")

    class Meta:
        model = Base
        fields = (
            "id",
            "name",
            "quota_unit",
            "quota_unit_name",
            "region",
            "region_name",
            "covered_regions",
            "address",
            "operator_name",
            "operator_credit_code",
            "area_m2",
            "operating_since",
            "status",
            "status_display",
            "batch",
            "designated_year",
            "is_invented",
            "description",
            "created",
            "last_updated",
        )
        read_only_fields = ("id", "status", "is_invented", "created", "last_updated")

    def update(self, instance: Base, validated_data: dict[str, Any]) -> Base:
        do_update_base(self.actor, instance, validated_data)
        return instance


class BaseStatusChangeSerializer(serializers.ModelSerializer):
    # A base's first entry has no status before it: "" (DRF drops allow_blank from read-only model
    # fields, so the schema's enum would leave it out).
    from_status = serializers.ChoiceField(
        choices=BaseStatus.choices,
        allow_blank=True,
        read_only=True,
        label=BaseStatusChange._meta.get_field("from_status").verbose_name,
    )
    from_status_display = ChoiceLabelField("from_status")
    to_status_display = ChoiceLabelField("to_status")
    note = serializers.CharField(source="message", read_only=True, label=_("说明"))

    class Meta:
        model = BaseStatusChange
        fields = (
            "id",
            "base",
            "from_status",
            "from_status_display",
            "to_status",
            "to_status_display",
            "date",
            "document_no",
            "note",
        )
        read_only_fields = fields


class EnterpriseSerializer(LoggedModelSerializer):
    credit_code = CreditCodeField(allow_bad_check=True, label=_("统一社会信用代码"))
    category = serializers.ChoiceField(
        choices=Enterprise._meta.get_field("category").choices or (),
        required=False,
        label=_("主体类型"),
        help_text="省略时按统一社会信用代码第 1-2 位推定",
    )
    category_display = ChoiceLabelField("category")
    region = CodeRelatedField(
        slug_field="code", queryset=Region.objects.all(), label=_("注册地区"), help_text="区划代码（6 位）"
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry_display = ChoiceLabelField("industry")
    base = serializers.PrimaryKeyRelatedField(
        queryset=Base.objects.none(),
        write_only=True,
        required=False,
        label=_("入驻基地"),
        help_text="仅新增时：同时登记入驻该基地（基地运营主体必填，且只能是本基地）",
    )
    entered_on = DateField(
        write_only=True,
        required=False,
        label=_("入驻日期"),
        help_text="仅新增时：入驻日期，默认今天；不能晚于今天",
        validators=[not_in_future],  # the residency's own rule, checked before the enterprise is written
    )

    class Meta:
        model = Enterprise
        fields = (
            "id",
            "credit_code",
            "credit_code_override",
            "org_code_ok",
            "name",
            "category",
            "category_display",
            "region",
            "region_name",
            "is_ecommerce",
            "main_business",
            "industry",
            "industry_display",
            "annual_revenue",
            "employees",
            "figures_year",
            "contact_name",
            "contact_phone",
            "base",
            "entered_on",
            "created",
            "last_updated",
        )
        read_only_fields = ("id", "org_code_ok", "created", "last_updated")
        create_only_fields = ("credit_code", "base", "entered_on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only bases the user may change are accepted: an operator registers into its own base.
        self.fields["base"].queryset = restrict(Base.objects.all(), _user(self), CHANGE)  # type: ignore[attr-defined]  # a related field

    def validate_credit_code(self, value: str) -> str:
        if Enterprise.objects.filter(credit_code=value).exists():
            raise serializers.ValidationError(_("统一社会信用代码为 %(code)s 的企业已登记。") % {"code": value})
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        code = attrs.get("credit_code")
        if code is not None:
            result = uscc.check(code)
            override = attrs.get("credit_code_override", "") or ""
            if not result.ok and not override.strip():
                raise serializers.ValidationError({"credit_code": [uscc_message(result)]})
        if self.instance is None and getattr(_user(self), "role", None) == Role.OPERATOR and not attrs.get("base"):
            raise serializers.ValidationError({"base": [_("基地运营主体新增企业时须指定入驻的本基地。")]})
        return attrs

    def to_representation(self, instance: Enterprise) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("mask_personal") and data.get("contact_phone"):
            data["contact_phone"] = mask_phone(data["contact_phone"])
        return data

    def create(self, validated_data: dict[str, Any]) -> Enterprise:
        base: Base | None = validated_data.pop("base", None)
        entered_on: datetime.date = validated_data.pop("entered_on", None) or timezone.localdate()
        return do_register_enterprise(self.actor, Enterprise(**validated_data), base, entered_on)


class ResidencySerializer(LoggedModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.none(), label=_("企业"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    enterprise_credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    base = serializers.PrimaryKeyRelatedField(queryset=Base.objects.none(), label=_("基地"))
    base_name = serializers.CharField(source="base.name", read_only=True)

    class Meta:
        model = Residency
        fields = (
            "id",
            "enterprise",
            "enterprise_name",
            "enterprise_credit_code",
            "base",
            "base_name",
            "entered_on",
            "left_on",
            "note",
        )
        read_only_fields = ("id",)
        create_only_fields = ("enterprise", "base")
        validators: list[Any] = []  # the open-residency constraint is checked by the model's full_clean

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.fields["enterprise"].queryset = restrict(Enterprise.objects.all(), user, VIEW)  # type: ignore[attr-defined]  # a related field
        self.fields["base"].queryset = restrict(Base.objects.all(), user, CHANGE)  # type: ignore[attr-defined]  # a related field


class TitleSerializer(LoggedModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.none(), label=_("企业"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    level_display = ChoiceLabelField("level")

    class Meta:
        model = Title
        fields = (
            "id",
            "enterprise",
            "enterprise_name",
            "level",
            "level_display",
            "name",
            "year",
            "issuer",
            "document_no",
        )
        read_only_fields = ("id",)
        create_only_fields = ("enterprise",)
        validators: list[Any] = []  # the one-title-per-year constraint is checked by the model's full_clean

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A title is added only to an enterprise the user may change.
        self.fields["enterprise"].queryset = restrict(Enterprise.objects.all(), _user(self), CHANGE)  # type: ignore[attr-defined]  # a related field
