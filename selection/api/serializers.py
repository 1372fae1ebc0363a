from __future__ import annotations

from rest_framework import serializers

from selection.models import Application, ApplicationEvent, Call


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
