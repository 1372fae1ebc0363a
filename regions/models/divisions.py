"""Administrative divisions (GB/T 2260), versioned by retirement, never rewritten."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models.reference import ReferenceData


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    PREFECTURE = 2, _("地级")
    COUNTY = 3, _("县级")


class Region(ReferenceData):
    """A division code. Codes are never rewritten: a change retires the old code (retired_in)
    and points at its successor; retired codes are not reused for other places."""

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    since_year = models.PositiveSmallIntegerField(_("启用年份"), null=True, blank=True)
    retired_in = models.PositiveSmallIntegerField(_("停用年份"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("继任区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("数据来源"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def prefix(self) -> str:
        """The code prefix shared by this division and everything inside it."""
        if self.level == RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == RegionLevel.PREFECTURE:
            return self.code[:4]
        return self.code


def regions_within(prefix: str | None) -> models.QuerySet[Region, Any]:
    """Ids of the divisions whose code starts with the prefix, as a subquery."""
    return Region.objects.filter(code__startswith=prefix or "-").values("id")
