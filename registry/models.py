"""Demonstration bases, resident enterprises, residencies and titles."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import uscc
from core.models import ChangeLoggedModel, Derived, TimelineEvent
from core.roles import Role
from core.scoping import ADD, CHANGE, DELETE, EXPORT, VIEW, Scope, ScopedQuerySet
from core.text import normalize_name, normalize_names
from core.workflow import Transitions
from regions.models import regions_within

# The search and matching key of a name (traditional characters simplified, no blanks), kept
# next to the name by every write path (core.models.Derived).
NAME_KEY = Derived("name_normalized", ("name",), normalize_name, normalize_names)


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
    operating_since = models.DateField(_("投入运营日期"))
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
        if self.operating_since and self.operating_since > timezone.localdate():
            raise ValidationError({"operating_since": _("投入运营日期不能晚于今天。")})

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
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


class EnterpriseCategory(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    OTHER = "other", _("其他")


class Industry(models.TextChoices):
    """Main business after GB/T 4754, at the granularity of the SME classification method."""

    RETAIL = "retail", _("零售业")
    WHOLESALE = "wholesale", _("批发业")
    SOFTWARE = "software", _("软件和信息技术服务业")
    INFO_TRANSMISSION = "info_transmission", _("信息传输业")
    WAREHOUSING = "warehousing", _("仓储业")
    POSTAL = "postal", _("邮政业")
    INDUSTRY = "industry", _("工业")
    AGRICULTURE = "agriculture", _("农、林、牧、渔业")
    LEASING_BUSINESS = "leasing_business", _("租赁和商务服务业")
    OTHER = "other", _("其他未列明行业")


class Enterprise(ChangeLoggedModel):
    """One enterprise, one record, whatever base it sits in; keyed by its credit code."""

    # Unique through enterprise_unique_credit_code: unique=True would add a varchar_pattern_ops
    # twin on PostgreSQL that no query reads (the search's prefix match is OR-ed with a match
    # anywhere in the name, which no index serves) and every import writes.
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        error_messages={"unique": _("该统一社会信用代码的企业已登记，请勿重复登记。")},
    )
    credit_code_override = models.TextField(
        _("校验豁免理由"), blank=True, help_text=_("真实代码未通过校验位检查时，须记录理由方可保存")
    )
    org_code_ok = models.BooleanField(_("组织机构代码校验"), null=True, editable=False)
    name = models.CharField(_("企业名称"), max_length=128)
    # Searched with LIKE '%…%', which no b-tree serves: not indexed (an index would only slow writes).
    name_normalized = models.CharField(_("检索用名称"), max_length=128, editable=False)
    category = models.CharField(_("主体类型"), max_length=16, choices=EnterpriseCategory.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("注册地区"), on_delete=models.PROTECT, related_name="enterprises"
    )
    is_ecommerce = models.BooleanField(_("电子商务企业"), default=True, help_text=_("否则为传统企业"))
    main_business = models.CharField(_("主营业务"), max_length=128, blank=True)
    industry = models.CharField(_("行业"), max_length=32, choices=Industry.choices, default=Industry.RETAIL)
    annual_revenue = models.DecimalField(
        _("年营业收入（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    figures_year = models.PositiveSmallIntegerField(_("数据年份"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    derived = (NAME_KEY,)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["credit_code"]
        constraints = [models.UniqueConstraint(fields=["credit_code"], name="enterprise_unique_credit_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:enterprise_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        result = uscc.check(self.credit_code)
        if not result.ok and not (result.problem == uscc.Problem.CHECK and self.credit_code_override.strip()):
            raise ValidationError({"credit_code": _("统一社会信用代码校验未通过。")})
        self.credit_code = result.code
        self.org_code_ok = result.org_code_ok

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.category:
            self.category = uscc.category(self.credit_code)
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope: Scope, action: str, prefix: str = "") -> Q | None:
        """`prefix` lets related models (titles) reuse the rule through their enterprise."""
        p = prefix

        # IN (subquery) rather than a correlated EXISTS: the database starts from the few
        # residencies of the scope instead of probing them once per enterprise.
        def resident(**base_filter: Any) -> Q:
            return Q(**{f"{p}pk__in": Residency.objects.filter(**base_filter).values("enterprise_id")})

        if scope.role == Role.MINISTRY:
            return Q()
        if action in (VIEW, EXPORT):
            if scope.role == Role.PROVINCE:
                return resident(base__quota_unit_id=scope.quota_unit_id)
            if scope.role == Role.BUREAU:
                within = regions_within(scope.region_prefix)
                return Q(**{f"{p}region_id__in": within}) | resident(base__region_id__in=within)
            if scope.role == Role.OPERATOR:
                return resident(base_id=scope.base_id)
            if scope.role == Role.ENTERPRISE:
                return Q(**{f"{p}pk": scope.enterprise_id})
            return None
        if action == CHANGE:
            if scope.role == Role.OPERATOR:
                return resident(base_id=scope.base_id, left_on__isnull=True)
            if scope.role == Role.ENTERPRISE:
                return Q(**{f"{p}pk": scope.enterprise_id})
        if action == ADD and scope.role == Role.OPERATOR:
            return Q()  # an operator registers the enterprises that move into its base
        return None  # DELETE: the ministry only


class Residency(ChangeLoggedModel):
    """An enterprise's stay in a base; it can leave and enter another."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="residencies"
    )
    # Indexed by residency_base_open_idx (base first).
    base = models.ForeignKey(
        Base, verbose_name=_("基地"), on_delete=models.PROTECT, related_name="residencies", db_index=False
    )
    entered_on = models.DateField(_("入驻日期"))
    left_on = models.DateField(_("迁出日期"), null=True, blank=True)
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
        indexes = [models.Index(fields=["base", "left_on"], name="residency_base_open_idx")]

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
