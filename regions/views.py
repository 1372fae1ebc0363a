from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.views import Column, ScopedListView
from regions.models import DemoCity, QuotaUnit, Region, RegionLevel


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


class RegionListView(ScopedListView):
    model = Region
    filterset_class = RegionFilterSet
    title = _("行政区划")
    select_related = ("parent",)
    export_basename = "regions"
    columns = (
        Column("code", _("区划代码")),
        Column("name", _("名称")),
        Column("level", _("级别")),
        Column("parent", _("上级区划"), accessor=lambda r: r.parent.name if r.parent else ""),
        Column("retired_in", _("停用年份")),
    )


class QuotaUnitListView(ScopedListView):
    model = QuotaUnit
    title = _("申报单位")
    select_related = ("region",)
    export_basename = "quota-units"
    columns = (
        Column("code", _("单位代码")),
        Column("name", _("名称")),
        Column("kind", _("类别")),
        Column("region", _("对应区划"), accessor=lambda u: u.region.name if u.region else ""),
    )


class DemoCityListView(ScopedListView):
    model = DemoCity
    title = _("国家电子商务示范城市")
    select_related = ("region",)
    export_basename = "demo-cities"
    columns = (
        Column("name", _("名称")),
        Column("region", _("区划代码"), accessor=lambda c: c.region.code),
        Column("year_named", _("命名年份")),
        Column("batch", _("批次")),
        Column("document_no", _("文号")),
        Column("revoked_in", _("撤销年份")),
    )
