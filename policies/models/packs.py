"""A policy pack (the district's implementing opinions as rules-as-code) and its yearly funds."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import Role
from core.scoping import ADD, CHANGE, VIEW, Scope, ScopedQuerySet
from core.workflow import Transitions
from policies.scopes import READ, district_q, enterprise_districts


class PackStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("施行中")
    RETIRED = "retired", _("已停止执行")


PACK_TRANSITIONS = Transitions(
    PackStatus,
    {
        PackStatus.DRAFT: {PackStatus.ACTIVE},
        PackStatus.ACTIVE: {PackStatus.RETIRED},
        PackStatus.RETIRED: set(),
    },
    initial={PackStatus.DRAFT},
    noun=_("政策"),
)


class PolicyPack(ChangeLoggedModel):
    """A district's support policy. Its items and dated parameters are files of the rules engine
    (`policies/packs/<code>/`); this row holds the metadata and ties the pack to its district."""

    code = models.SlugField(_("政策包代码"), max_length=32, unique=True, help_text=_("规则参数目录名，如 rongchang"))
    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发文机关"), max_length=128)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    effective_on = models.DateField(_("施行日期"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区县"), on_delete=models.PROTECT, related_name="policy_packs"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PackStatus.choices, default=PackStatus.DRAFT, editable=False
    )

    objects = ScopedQuerySet.as_manager()
    transitions: ClassVar[Transitions] = PACK_TRANSITIONS

    class Meta:
        verbose_name = _("扶持政策")
        verbose_name_plural = _("扶持政策")
        ordering = ["region__code", "-effective_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:pack_detail", args=[self.pk])

    @classmethod
    def history_display(cls, name: str, value: Any, row: dict[str, Any], cache: dict[Any, Any]) -> str | None:
        """The pack's rules by their document rather than the name of their directory."""
        if name != "code":
            return None
        from core.errors import ActionError
        from policies.packinfo import params_for

        try:
            return _("%(document)s的规则参数") % {"document": params_for(str(value)).document}
        except ActionError:
            return None

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.ENTERPRISE and action in READ:
            return Q(status=PackStatus.ACTIVE) & enterprise_districts(scope.enterprise_id)
        if action in (ADD, CHANGE, VIEW) or action in READ:
            return district_q(scope, action, "region")
        return None  # DELETE: a pack is retired, never deleted


class AllocationRule(models.TextChoices):
    PRO_RATA = "pro_rata", _("按比例分配（精确到分，最大余额法）")
    APPROVAL_ORDER = "approval_order", _("按审批顺序（额满为止，最后一笔核准余额）")
    CARRY_OVER = "carry_over", _("不足部分结转下年度资金")


class Fund(ChangeLoggedModel):
    """The money of a pack for one year (四（五）: 1000万元 a year). Approved awards never exceed it:
    every approval locks this row and computes what is left inside its transaction."""

    pack = models.ForeignKey(PolicyPack, verbose_name=_("扶持政策"), on_delete=models.PROTECT, related_name="funds")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount_fen = models.BigIntegerField(_("年度资金（分）"), validators=[MinValueValidator(0)])
    allocation_rule = models.CharField(
        _("资金不足时的分配规则"), max_length=16, choices=AllocationRule.choices, default=AllocationRule.PRO_RATA
    )
    document_no = models.CharField(_("资金安排文号"), max_length=64, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度扶持资金")
        verbose_name_plural = _("年度扶持资金")
        ordering = ["pack", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "year"], name="fund_one_per_pack_year"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="fund_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.pack} {self.year}年度资金"

    def get_absolute_url(self) -> str:
        return reverse("policies:fund_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        return district_q(scope, action, "pack__region")
