"""Demonstration titles an enterprise or a base holds."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import Role
from core.scoping import ADD, CHANGE, DELETE, Scope, ScopedQuerySet
from registry.models.enterprises import Enterprise


class TitleLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级/直辖市级")
    MUNICIPAL = "municipal", _("市级")
    DISTRICT = "district", _("区县级")


class Title(ChangeLoggedModel):
    """A demonstration title an enterprise holds for a year (e.g. 国家电子商务示范企业)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="titles")
    level = models.CharField(_("级别"), max_length=16, choices=TitleLevel.choices)
    name = models.CharField(_("称号"), max_length=128)
    year = models.PositiveSmallIntegerField(_("年份"))
    issuer = models.CharField(_("认定机关"), max_length=64, blank=True)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("示范称号")
        verbose_name_plural = _("示范称号")
        ordering = ["enterprise", "-year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name", "year"], name="title_unique_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        # Titles are awarded by authorities: the enterprise reads its own, the ministry and the
        # operator of its base record them; the enterprise itself cannot award or edit one.
        if action in (CHANGE, DELETE, ADD) and scope.role == Role.ENTERPRISE:
            return None
        if action == DELETE:
            action = CHANGE
        return Enterprise.scope_q(scope, action, prefix="enterprise__")
