"""Base serializers: thin, and every write goes through the change log.

`LoggedModelSerializer` writes with `core.audit.save_logged`, so a create logs the new object and
a PATCH writes and logs only the fields the client sent — an edit never erases a field the editor
did not send (or cannot see). Fields that the client may not write are refused with a clear
message instead of being silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import uscc
from core.audit import save_logged
from core.models import ChangeLog
from core.presentation import present, shown_snapshot


def uscc_message(result: uscc.CheckResult) -> str:
    problem = result.problem or uscc.Problem.CHECK
    template = {
        uscc.Problem.EMPTY: _("统一社会信用代码不能为空。"),
        uscc.Problem.LENGTH: _("统一社会信用代码应为 18 位，实为 %(n)s 位。"),
        uscc.Problem.ALPHABET: _("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）。"),
        uscc.Problem.AUTHORITY: _("统一社会信用代码第 1 位登记管理部门代码无效。"),
        uscc.Problem.CHECK: _("统一社会信用代码校验位错误，应为 %(expected)s。"),
    }[problem]
    return template % {"n": len(result.code), "expected": result.expected_check or ""}


class ChoiceLabelField(serializers.CharField):
    """The label of a model field's value, read-only: what get_<field>_display() returns. Through
    `source="get_<field>_display"` DRF inspects the method's signature for every cell, and Django
    rebuilds the choices' dictionary, translating every label, at every call (50 enterprises with
    two such fields: a fifth of the API page's Python time). Here the labels are translated once
    per serializer, i.e. per request."""

    def __init__(self, field: str, **kwargs: Any) -> None:
        super().__init__(source=field, read_only=True, **kwargs)
        self.model_field = field
        self._labels: dict[Any, str] | None = None

    def to_representation(self, value: Any) -> Any:
        if self._labels is None:
            model: type[models.Model] = self.parent.Meta.model  # type: ignore[attr-defined]  # a model serializer's field
            field = model._meta.get_field(self.model_field)
            assert isinstance(field, models.Field)
            self._labels = {key: str(label) for key, label in field.flatchoices}
        return self._labels.get(value, value)


class CreditCodeField(serializers.CharField):
    """A unified social credit code (GB 32100-2015): normalised, and its check character verified.

    With `allow_bad_check=True` a code whose only fault is the check character passes through,
    so that the model can accept it when an override reason is recorded (real codes exist that
    fail the check)."""

    def __init__(self, *, allow_bad_check: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)
        self.allow_bad_check = allow_bad_check

    def to_internal_value(self, data: Any) -> str:
        result = uscc.check(super().to_internal_value(data))
        if result.ok or (self.allow_bad_check and result.problem == uscc.Problem.CHECK):
            return result.code
        raise serializers.ValidationError(uscc_message(result), code=f"uscc_{result.problem}")


class LoggedModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose writes are `save_logged` calls by the requesting user.

    Meta options beyond DRF's:
    - `create_only_fields`: writable on create, refused on update (e.g. the base of a residency).
    The view may put `editable_fields` (the fields the user's role may change) into the context;
    an update that sends other fields is refused with 403 by the view (see core.api.views).
    """

    def _sent(self) -> set[str]:
        data = getattr(self, "initial_data", None)
        return set(data) if isinstance(data, Mapping) else set()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        sent = self._sent()
        errors: dict[str, list[str]] = {}
        for name in sorted(sent):
            field = self.fields.get(name)
            if field is None:
                errors[name] = [_("未知字段“%(name)s”。") % {"name": name}]
            elif field.read_only:
                errors[name] = [_("字段“%(label)s”为只读，不能通过接口修改。") % {"label": field.label or name}]
            elif self.instance is not None and name in getattr(self.Meta, "create_only_fields", ()):
                errors[name] = [_("字段“%(label)s”创建后不能修改。") % {"label": field.label or name}]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    @property
    def actor(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)

    def create(self, validated_data: dict[str, Any]) -> Any:
        model: type[models.Model] = self.Meta.model
        instance = model(**validated_data)
        save_logged(instance, actor=self.actor)  # type: ignore[arg-type]  # every project model is change-logged
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        save_logged(instance, actor=self.actor, update_fields=list(validated_data))
        return instance


def reading(context: Mapping[str, Any]) -> dict[str, bool]:
    """How much of the logged values the reader of this serializer may see (core.presentation)."""
    return {"mask_personal": bool(context.get("mask_personal")), "hide_values": bool(context.get("hide_values"))}


class FieldChangeSerializer(serializers.Serializer):
    """One changed field as a person reads it (core.presentation)."""

    field = serializers.CharField(source="name", help_text="字段名（供程序使用，不在页面显示）")
    label = serializers.CharField(help_text="字段的中文名称")  # type: ignore[assignment]  # the key API clients read
    before = serializers.CharField(help_text="修改前，文字形式（选项名称、关联对象名称、是/否、带千分位的数字）")
    after = serializers.CharField(help_text="修改后，文字形式")


class ChangeLogListSerializer(serializers.ListSerializer):
    """Words for a whole page of entries at once: one query per related model, not one per row."""

    def to_representation(self, data: Any) -> list[Any]:
        entries = list(data.all() if isinstance(data, models.QuerySet) else data)
        present(entries, **reading(self.context))
        return [self.child.to_representation(e) for e in entries]  # type: ignore[union-attr]  # a child is set


class ChangeLogSerializer(serializers.ModelSerializer):
    """One entry of the audit trail (read-only everywhere). `before`/`after` hold the stored values
    (field names and raw values, for programs); `changes`, `actor_text`, `object_type_name` and
    `message_text` say the same in words, as the pages show them."""

    object_type = serializers.SerializerMethodField(help_text="app_label.model，如 registry.enterprise")
    object_type_name = serializers.SerializerMethodField(help_text="对象类型的中文名称，如“企业”")
    actor_text = serializers.SerializerMethodField(help_text="操作人姓名及角色")
    message_text = serializers.SerializerMethodField(help_text="说明（文字形式）")
    changes = serializers.SerializerMethodField()
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()

    class Meta:
        model = ChangeLog
        list_serializer_class = ChangeLogListSerializer
        fields: Sequence[str] = (
            "id",
            "time",
            "actor",
            "actor_name",
            "actor_text",
            "source",
            "request_id",
            "ip",
            "action",
            "result",
            "object_type",
            "object_type_name",
            "object_id",
            "object_repr",
            "changes",
            "before",
            "after",
            "message",
            "message_text",
        )
        read_only_fields = fields

    def _presented(self, entry: ChangeLog) -> Any:
        if not hasattr(entry, "shown_changes"):  # one entry on its own (retrieve)
            present([entry], **reading(self.context))
        return entry

    def get_object_type(self, entry: ChangeLog) -> str:
        ct: ContentType | None = entry.content_type
        return f"{ct.app_label}.{ct.model}" if ct is not None else ""

    def get_object_type_name(self, entry: ChangeLog) -> str:
        return str(self._presented(entry).type_text)

    def get_actor_text(self, entry: ChangeLog) -> str:
        return str(self._presented(entry).actor_text)

    def get_message_text(self, entry: ChangeLog) -> str:
        return str(self._presented(entry).message_text)

    @extend_schema_field(FieldChangeSerializer(many=True))
    def get_changes(self, entry: ChangeLog) -> list[dict[str, str]]:
        return [FieldChangeSerializer(c).data for c in self._presented(entry).shown_changes]

    def _snapshot(self, entry: ChangeLog, data: dict[str, Any] | None) -> dict[str, Any] | None:
        model = entry.content_type.model_class() if entry.content_type is not None else None
        return shown_snapshot(model, data, **reading(self.context))

    def get_before(self, entry: ChangeLog) -> dict[str, Any] | None:
        return self._snapshot(entry, entry.before)

    def get_after(self, entry: ChangeLog) -> dict[str, Any] | None:
        return self._snapshot(entry, entry.after)
