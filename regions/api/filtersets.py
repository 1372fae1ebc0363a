"""API filters of the reference data."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from regions.models import DemoCity, Region, RegionLevel


class RegionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索（名称或代码前缀）"), method="search")
    level = django_filters.ChoiceFilter(label=_("级别"), choices=RegionLevel.choices)
    parent = django_filters.CharFilter(label=_("上级区划代码"), field_name="parent__code")
    active = django_filters.BooleanFilter(label=_("现行有效"), field_name="retired_in", lookup_expr="isnull")

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "active"]

    def search(self, qs: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        text = value.strip()
        if text.isdigit():
            return qs.filter(code__startswith=text)
        return qs.filter(Q(name__contains=text))


class DemoCityFilterSet(django_filters.FilterSet):
    year_named = django_filters.NumberFilter(label=_("命名年份"))
    province = django_filters.CharFilter(label=_("省级区划代码前两位"), method="in_province")

    class Meta:
        model = DemoCity
        fields = ["year_named", "province"]

    def in_province(self, qs: QuerySet[DemoCity], name: str, value: str) -> QuerySet[DemoCity]:
        return qs.filter(region__code__startswith=value.strip()[:2])
