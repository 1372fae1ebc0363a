"""Demonstration bases, their status timeline and their targets."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import uscc
from core.models import ChangeLoggedModel, TimelineEvent
from core.roles import Role
from core.scoping import CHANGE, EXPORT, VIEW, Scope, ScopedQuerySet
from core.validators import not_in_future
from core.workflow import Transitions
from registry.models.enterprises import NAME_KEY


class BaseStatus(models.TextChoices):
    CANDIDATE = "candidate", _("后备园区")
    DESIGNATED = "designated", _("示范基地")
    WARNED = "warned", _("警示")
    RECTIFYING = "rectifying", _("整改")
    REMOVED = "removed", _("撤销")


# The base's status changes through core.workflow by this table only (registry.actions.bases).
BASE_TRANSITIONS = Transitions(
    BaseStatus,
    {
        BaseStatus.CANDIDATE: {BaseStatus.DESIGNATED, BaseStatus.REMOVED},
        BaseStatus.DESIGNATED: {BaseStatus.WARNED, BaseStatus.RECTIFYING, BaseStatus.REMOVED},
        BaseStatus.WARNED: {BaseStatus.DESIGNATED, BaseStatus.RECTIFYING, BaseStatus.REMOVED},
        BaseStatus.RECTIFYING: {BaseStatus.DESIGNATED, BaseStatus.REMOVED},
        BaseStatus.REMOVED: set(),
    },
    # Bases enter the registry as candidates; only the demo data (registry.demo) writes bases in
    # later statuses, with the history of changes that led there, replayed against this table.
    initial={BaseStatus.CANDIDATE},
    noun=_("基地"),
)
PUBLIC_STATUSES = frozenset({BaseStatus.DESIGNATED, BaseStatus.WARNED, BaseStatus.RECTIFYING})


class Base(ChangeLoggedModel):
    name = models.CharField(_("基地名称"), max_length=128)
    # Read by equality (imports match bases by name) through base_unique_name; no other index.
    name_normalized = models.CharField(_("检索用名称"), max_length=128, editable=False)
    quota_unit = models.ForeignKey(
        "regions.QuotaUnit", verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="bases"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="bases"
    )
    covered_regions = models.ManyToManyField(
        "regions.Region", verbose_name=_("覆盖区域"), blank=True, related_name="covering_bases"
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    operator_name = models.CharField(_("运营主体"), max_length=128)
    operator_credit_code = models.CharField(_("运营主体统一社会信用代码"), max_length=18)
    area_m2 = models.DecimalField(
        _("电子商务办公建筑面积（平方米）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    operating_since = models.DateField(_("投入运营日期"), validators=[not_in_future])  # the import's rule
    status = models.CharField(
        _("状态"), max_length=16, choices=BaseStatus.choices, default=BaseStatus.CANDIDATE, editable=False
    )
    batch = models.CharField(_("批次"), max_length=32, blank=True, help_text=_("如：第一批、第二批、2020年综合评价"))
    designated_year = models.PositiveSmallIntegerField(_("认定年份"), null=True, blank=True)
    is_invented = models.BooleanField(_("演示虚构"), default=False, help_text=_("演示数据中虚构的基地，非真实名单"))
    description = models.TextField(_("简介"), blank=True)

    objects = ScopedQuerySet.as_manager()
    transitions: ClassVar[Transitions] = BASE_TRANSITIONS
    derived = (NAME_KEY,)

    class Meta:
        verbose_name = _("示范基地")
        verbose_name_plural = _("示范基地")
        ordering = ["quota_unit__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["name_normalized"], name="base_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:base_detail", args=[self.pk])

    @classmethod
    def history_display(cls, name: str, value: Any, row: dict[str, Any], cache: dict[Any, Any]) -> str | None:
        """Covered regions are logged as their codes (a many-to-many has no column): shown by name."""
        if name != "covered_regions" or not isinstance(value, list):
            return None
        from regions.models import Region

        missing = [c for c in value if ("region_code", c) not in cache]
        for code, region_name in Region.objects.filter(code__in=missing).values_list("code", "name"):
            cache[("region_code", code)] = region_name
        return "、".join(str(cache.get(("region_code", c), c)) for c in value) or "—"

    def clean(self) -> None:
        super().clean()
        result = uscc.check(self.operator_credit_code)
        if not result.ok:
            raise ValidationError({"operator_credit_code": _("运营主体统一社会信用代码校验未通过。")})
        self.operator_credit_code = result.code

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        from registry.models.residencies import Residency  # residencies point at bases

        if scope.role == Role.MINISTRY:
            return Q()
        if action in (VIEW, EXPORT):
            if scope.is_public:
                return Q(status__in=PUBLIC_STATUSES)
            if scope.role == Role.PROVINCE:
                return Q(quota_unit_id=scope.quota_unit_id)
            if scope.role == Role.BUREAU:
                return Q(region__code__startswith=scope.region_prefix)
            if scope.role == Role.OPERATOR:
                return Q(pk=scope.base_id)
            if scope.role == Role.ENTERPRISE:
                return Q(
                    Exists(
                        Residency.objects.filter(
                            base_id=OuterRef("pk"), enterprise_id=scope.enterprise_id or 0, left_on__isnull=True
                        )
                    )
                )
            return None
        if action == CHANGE:
            if scope.role == Role.PROVINCE:
                return Q(quota_unit_id=scope.quota_unit_id)
            if scope.role == Role.OPERATOR:
                return Q(pk=scope.base_id)
        return None  # ADD, DELETE and status changes: the ministry only


class BaseStatusChange(TimelineEvent, ChangeLoggedModel):
    """The status timeline of a base: each change with the date and document of the decision. The
    same kernel as the other timelines writes it (`core.workflow.transition`), and, being registry
    data, it is change-logged too."""

    subject_field = "base"
    kind_field = "to_status"
    date_only = True

    base = models.ForeignKey(Base, verbose_name=_("示范基地"), on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=16, choices=BaseStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=BaseStatus.choices)
    date = models.DateField(_("日期"))
    document_no = models.CharField(_("文号"), max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("基地状态变更")
        verbose_name_plural = _("基地状态变更")
        ordering = ["base", "date", "id"]

    def __str__(self) -> str:
        return f"{self.base} {self.get_to_status_display()} {self.date}"

    @property
    def kind_display(self) -> str:
        if not self.from_status:
            return str(self.get_to_status_display())
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def when(self) -> datetime.date:
        return self.date

    def details(self) -> list[tuple[str, str]]:
        return [(str(_("文号")), self.document_no)] if self.document_no else []

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if action not in (VIEW, EXPORT):
            return None
        base_q = Base.scope_q(scope, VIEW)
        return None if base_q is None else Q(base__in=Base.objects.filter(base_q))


class BaseTarget(ChangeLoggedModel):
    """A target the base committed to in its work plan (创建目标), carried over on designation and
    monitored afterwards: one indicator, one year, one value."""

    base = models.ForeignKey(Base, verbose_name=_("示范基地"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("指标"), max_length=32)
    indicator_label = models.CharField(_("指标名称"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年份"))
    baseline = models.DecimalField(_("基期值"), max_digits=16, decimal_places=2)
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=2)
    source = models.CharField(_("来源"), max_length=128, blank=True, help_text=_("如：第二批创建工作方案"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("基地创建目标")
        verbose_name_plural = _("基地创建目标")
        ordering = ["base", "indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["base", "indicator", "year"], name="base_target_one_per_year")]

    def __str__(self) -> str:
        return f"{self.base} {self.indicator_label} {self.year}"

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if action not in (VIEW, EXPORT):
            return None  # written by designation (the ministry's action) only
        base_q = Base.scope_q(scope, VIEW)
        return None if base_q is None else Q(base__in=Base.objects.filter(base_q))
