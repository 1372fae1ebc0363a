"""Enterprises: one record per unified social credit code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import uscc
from core.models import ChangeLoggedModel, Derived
from core.roles import Role
from core.scoping import ADD, CHANGE, EXPORT, VIEW, Scope, ScopedQuerySet
from core.text import normalize_name, normalize_names
from regions.models import regions_within

# The search and matching key of a name (traditional characters simplified, no blanks), kept
# next to the name by every write path (core.models.Derived).
NAME_KEY = Derived("name_normalized", ("name",), normalize_name, normalize_names)


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
    personal_fields = {"contact_phone": "phone"}

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
        from registry.models.residencies import Residency  # residencies point at enterprises

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
