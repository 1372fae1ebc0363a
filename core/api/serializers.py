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
from rest_framework import serializers

from core import uscc
from core.audit import save_logged
from core.models import ChangeLog
from core.privacy import mask_phone

# Keys of personal data inside logged snapshots: masked for those who may not see them.
PERSONAL_KEYS = frozenset({"contact_phone", "phone"})


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


def masked_snapshot(data: dict[str, Any] | None, mask: bool) -> dict[str, Any] | None:
    if data is None or not mask:
        return data
    return {k: (mask_phone(str(v)) if k in PERSONAL_KEYS and v else v) for k, v in data.items()}


class ChangeLogSerializer(serializers.ModelSerializer):
    """One entry of the audit trail (read-only everywhere)."""

    object_type = serializers.SerializerMethodField(help_text="app_label.model，如 registry.enterprise")
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()

    class Meta:
        model = ChangeLog
        fields: Sequence[str] = (
            "id",
            "time",
            "actor",
            "actor_name",
            "source",
            "request_id",
            "ip",
            "action",
            "result",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "message",
        )
        read_only_fields = fields

    def get_object_type(self, entry: ChangeLog) -> str:
        ct: ContentType | None = entry.content_type
        return f"{ct.app_label}.{ct.model}" if ct is not None else ""

    def get_before(self, entry: ChangeLog) -> dict[str, Any] | None:
        return masked_snapshot(entry.before, bool(self.context.get("mask_personal")))

    def get_after(self, entry: ChangeLog) -> dict[str, Any] | None:
        return masked_snapshot(entry.after, bool(self.context.get("mask_personal")))
