"""National e-commerce demonstration cities (国家电子商务示范城市)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models.divisions import Region
from regions.models.reference import ReferenceData


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
