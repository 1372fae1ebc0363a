"""Quota units of notice 767 (申报单位): provinces, and cities with separate planning."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models.divisions import Region
from regions.models.reference import ReferenceData


class QuotaUnitKind(models.TextChoices):
    PROVINCE = "province", _("省")
    AUTONOMOUS_REGION = "autonomous_region", _("自治区")
    MUNICIPALITY = "municipality", _("直辖市")
    SEPARATE_PLANNING_CITY = "separate_planning_city", _("计划单列市")
    XPCC = "xpcc", _("新疆生产建设兵团")


class QuotaUnit(ReferenceData):
    """The units that recommend applicants within a quota (notice 767): 27 provinces and
    autonomous regions, 4 municipalities, 5 cities with separate planning, the XPCC."""

    code = models.CharField(_("单位代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    kind = models.CharField(_("类别"), max_length=32, choices=QuotaUnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("对应区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A province's unit excludes its cities with separate planning: they are units of their own.
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申报单位")
        verbose_name_plural = _("申报单位")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name
