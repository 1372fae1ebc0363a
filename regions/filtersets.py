"""Filters of the divisions list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from regions.models import Region, RegionLevel


class RegionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    level = django_filters.ChoiceFilter(label=_("级别"), choices=RegionLevel.choices)
    retired = django_filters.BooleanFilter(
        label=_("已停用"), field_name="retired_in", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Region
        fields = ["q", "level"]

    def search(self, qs: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        value = value.strip()
        return qs.filter(Q(code__startswith=value) | Q(name__contains=value))

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
