"""Administrative divisions (GB/T 2260), quota units of notice 767, demonstration cities."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.scoping import EXPORT, VIEW, Scope, ScopedQuerySet


class ReferenceData(ChangeLoggedModel):
    """Everyone reads reference data; the ministry and the system administrator maintain it."""

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if action in (VIEW, EXPORT):
            return Q()
        if scope.role in ("ministry", "sysadmin"):
            return Q()
        return None


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


class DemoCity(ReferenceData):
    """A national e-commerce demonstration city (国家电子商务示范城市), editable by the ministry."""

    region = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=32)
    year_named = models.PositiveSmallIntegerField(_("命名年份"))
    batch = models.CharField(_("批次"), max_length=32, blank=True)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    revoked_in = models.PositiveSmallIntegerField(_("撤销年份"), null=True, blank=True)

    class Meta:
        verbose_name = _("国家电子商务示范城市")
        verbose_name_plural = _("国家电子商务示范城市")
        ordering = ["year_named", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year_named"], name="democity_unique_region_year")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("regions:democity_edit", args=[self.pk])


def regions_within(prefix: str | None) -> models.QuerySet[Region, Any]:
    """Ids of the divisions whose code starts with the prefix, as a subquery."""
    return Region.objects.filter(code__startswith=prefix or "-").values("id")
