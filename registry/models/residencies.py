"""Residencies: an enterprise's entry into and exit from a base."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import Role
from core.scoping import ADD, CHANGE, EXPORT, VIEW, Scope, ScopedQuerySet
from core.validators import not_in_future


class Residency(ChangeLoggedModel):
    """An enterprise's stay in a base; it can leave and enter another."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="residencies"
    )
    # Indexed by residency_base_open_idx (base first).
    base = models.ForeignKey(
        "registry.Base", verbose_name=_("基地"), on_delete=models.PROTECT, related_name="residencies", db_index=False
    )
    # Not in the future, by the rule the roster import applies (every path: API, pages, actions).
    entered_on = models.DateField(_("入驻日期"), validators=[not_in_future])
    left_on = models.DateField(_("迁出日期"), null=True, blank=True, validators=[not_in_future])
    note = models.CharField(_("备注"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("入驻记录")
        verbose_name_plural = _("入驻记录")
        ordering = ["enterprise", "entered_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "base"], condition=Q(left_on__isnull=True), name="residency_one_open_per_base"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on")),
                name="residency_left_after_entered",
            ),
        ]
        # The enterprise id rides along (PostgreSQL): "enterprises resident in these bases", every
        # scoped user's list, reads this index alone instead of every residency (a province's
        # first page of 60,000 enterprises: 2,700 index entries instead of 63,000 rows).
        indexes = [models.Index(fields=["base", "left_on"], include=["enterprise"], name="residency_base_open_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.base}"

    def clean(self) -> None:
        super().clean()
        if self.left_on and self.entered_on and self.left_on < self.entered_on:
            raise ValidationError({"left_on": _("迁出日期不能早于入驻日期。")})

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.MINISTRY:
            return Q()
        if action in (VIEW, EXPORT):
            if scope.role == Role.PROVINCE:
                return Q(base__quota_unit_id=scope.quota_unit_id)
            if scope.role == Role.BUREAU:
                return Q(base__region__code__startswith=scope.region_prefix)
            if scope.role == Role.OPERATOR:
                return Q(base_id=scope.base_id)
            if scope.role == Role.ENTERPRISE:
                return Q(enterprise_id=scope.enterprise_id)
            return None
        if action in (ADD, CHANGE) and scope.role == Role.OPERATOR:
            return Q(base_id=scope.base_id)
        return None
