"""Filters of the audit trail, one set for the page (`/changelog/`) and the API (`/api/changelog/`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLog, ChangeLoggedModel
from core.presentation import day_bounds


def object_type_choices() -> list[tuple[str, str]]:
    """Every change-logged kind of object by its Chinese name, as "app_label.model"."""
    kinds = [
        (f"{m._meta.app_label}.{m._meta.model_name}", str(m._meta.verbose_name))
        for m in apps.get_models()
        if issubclass(m, ChangeLoggedModel)
    ]
    return sorted(kinds, key=lambda kind: (kind[1], kind[0]))


class BoundedDateTimeField(django_filters.fields.IsoDateTimeField):
    """A moment between 1949 and 2100 with an offset a clock can have (PostgreSQL refuses an offset
    beyond ±15:59 outright: a 500, not a refusal)."""

    def clean(self, value: Any) -> Any:
        moment = super().clean(value)
        if moment is not None:
            offset = moment.utcoffset()
            if not 1949 <= moment.year <= 2100 or (offset is not None and abs(offset.total_seconds()) > 14 * 3600):
                raise forms.ValidationError(_("时间须在 1949 年至 2100 年之间，时区偏移不超过 14 小时。"))
        return moment


class BoundedDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedDateTimeField


class ChangeLogFilterSet(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("操作"), choices=ChangeLog.Action.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=ChangeLog.Source.choices)
    actor = django_filters.CharFilter(label=_("操作人（姓名或账号）"), method="by_actor")
    object_type = django_filters.CharFilter(label=_("对象类型"), method="of_type")
    object_id = django_filters.CharFilter(label=_("对象编号"))
    object = django_filters.CharFilter(label=_("对象名称"), method="by_object_name")
    request_id = django_filters.CharFilter(label=_("请求编号"), method="by_request")
    since = BoundedDateTimeFilter(label=_("起始时间"), field_name="time", lookup_expr="gte")
    until = BoundedDateTimeFilter(label=_("截止时间"), field_name="time", lookup_expr="lt")
    date_from = django_filters.DateFilter(
        label=_("起始日期"), method="from_day", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期（含当日）"), method="to_day", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = ChangeLog
        fields = [
            "action", "source", "actor", "object_type", "object_id", "object", "request_id",
            "since", "until", "date_from", "date_to",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A select of the kinds by their Chinese names on the page; the API takes the same values.
        choices = [("", _("全部")), *object_type_choices()]
        self.filters["object_type"].extra["widget"] = forms.Select(choices=choices)

    def by_actor(self, qs: QuerySet[ChangeLog], name: str, value: str) -> QuerySet[ChangeLog]:
        value = value.strip()
        people = get_user_model().objects.filter(display_name__icontains=value).values("pk")
        return qs.filter(Q(actor_name=value) | Q(actor_id__in=people))

    def of_type(self, qs: QuerySet[ChangeLog], name: str, value: str) -> QuerySet[ChangeLog]:
        app_label, _dot, model = value.strip().lower().partition(".")
        return qs.filter(content_type__app_label=app_label, content_type__model=model)

    def by_object_name(self, qs: QuerySet[ChangeLog], name: str, value: str) -> QuerySet[ChangeLog]:
        return qs.filter(object_repr__icontains=value.strip())

    def by_request(self, qs: QuerySet[ChangeLog], name: str, value: str) -> QuerySet[ChangeLog]:
        return qs.filter(request_id=value.strip().replace("-", "").lower())

    def from_day(self, qs: QuerySet[ChangeLog], name: str, value: Any) -> QuerySet[ChangeLog]:
        since, _until = day_bounds(value, None)
        return qs.filter(time__gte=since)

    def to_day(self, qs: QuerySet[ChangeLog], name: str, value: Any) -> QuerySet[ChangeLog]:
        _since, until = day_bounds(None, value)
        return qs.filter(time__lt=until)
