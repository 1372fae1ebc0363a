"""Pages of the divisions and the quota units (everyone reads them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.views import Column, ScopedListView
from regions.filtersets import RegionFilterSet
from regions.models import QuotaUnit, Region


class RegionListView(ScopedListView):
    model = Region
    filterset_class = RegionFilterSet
    title = _("行政区划")
    select_related = ("parent",)
    columns = (
        Column("code", _("区划代码")),
        Column("name", _("名称")),
        Column("level", _("级别")),
        Column("parent", _("上级区划"), accessor=lambda r: r.parent.name if r.parent else "", order_by="parent__code"),
        Column("retired_in", _("停用年份")),
    )


class QuotaUnitListView(ScopedListView):
    model = QuotaUnit
    title = _("申报单位")
    select_related = ("region",)
    columns = (
        Column("code", _("单位代码")),
        Column("name", _("名称")),
        Column("kind", _("类别")),
        Column("region", _("对应区划"), accessor=lambda u: u.region.name if u.region else "", order_by="region__code"),
    )
