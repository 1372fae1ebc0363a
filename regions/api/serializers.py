"""Serializers of the reference data: regions (read-only), quota units, demonstration cities."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import CodeRelatedField
from core.api.serializers import ChoiceLabelField, LoggedModelSerializer
from regions.models import DemoCity, QuotaUnit, Region


class RegionSerializer(serializers.ModelSerializer):
    # DRF's metaclass takes declared fields off the class, so `parent` does not shadow Field.parent.
    parent: serializers.SlugRelatedField[Region] = CodeRelatedField(  # type: ignore[assignment]  # see above
        slug_field="code", read_only=True, allow_null=True, help_text="上级区划代码（省级为空）"
    )
    successor: serializers.SlugRelatedField[Region] = CodeRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="继任区划代码（未停用或无继任时为空）"
    )
    level_display = ChoiceLabelField("level")

    class Meta:
        model = Region
        fields = ("code", "name", "level", "level_display", "parent", "since_year", "retired_in", "successor")
        read_only_fields = fields


class QuotaUnitSerializer(LoggedModelSerializer):
    region = CodeRelatedField(
        slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False, help_text="对应区划代码"
    )
    kind_display = ChoiceLabelField("kind")

    class Meta:
        model = QuotaUnit
        fields = ("id", "code", "name", "kind", "kind_display", "region", "sort_order")
        read_only_fields = ("id",)


class DemoCitySerializer(LoggedModelSerializer):
    region = CodeRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="城市区划代码")

    class Meta:
        model = DemoCity
        fields = ("id", "region", "name", "year_named", "batch", "document_no", "revoked_in")
        read_only_fields = ("id",)
