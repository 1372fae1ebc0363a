"""Facts the award rules read that the registry does not hold: one model per kind of the contract
(`policies.rules.facts.SCHEMAS`). Enterprises, residencies (and so registration and residence in
the district) come from the registry; see `policies.adapter`.

Money is integer fen; rates are exact decimals in per cent (4.3500 % = 43,500 ppm in the frames).
An enterprise reports the facts it knows (costs, projects, stores, orders, transactions, training,
loans: `self_reported`); the bureau records the decisions of authorities (outstanding enterprises,
brands, demonstration titles, case-by-case awards, subsidies received elsewhere). The bureau
corrects any fact with a reason (`policies.actions.facts.do_correct_fact`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import Role
from core.scoping import ADD, CHANGE, EXPORT, VIEW, Scope, ScopedQuerySet
from core.validators import AtMost

MONEY = [MinValueValidator(0)]
YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]

# Ceilings of what is reported (security review, finding 1: two costs of 2^63-1 fen wrapped the
# sum into a negative award). Each is far above any real figure of a district's enterprise and far
# below where a sum of them could overflow 64 bits. Money in fen (1亿元 = 10^10 fen). The pages,
# the API, corrections and the facts workbook of the batch command all read them from here
# (`ceiling(kind, column)`); the engine refuses an implausible result besides
# (`policies.rules.facts.MAX_AWARD_FEN`).
YI_FEN = 10**10
MAX_COST_FEN = YI_FEN  # one period's rent or broadband: 1亿元
MAX_INVESTMENT_FEN = 10 * YI_FEN  # a platform project: 10亿元
MAX_STORE_TURNOVER_FEN = 100 * YI_FEN  # a store's first full year: 100亿元
MAX_STORE_COST_FEN = 10 * YI_FEN  # a store's yearly operating cost: 10亿元
MAX_BRAND_FEN = YI_FEN  # a brand's award, decided or from the upper level: 1亿元
MAX_ORDERS = 10**9  # orders of one enterprise in a year: 10亿单
MAX_TRANSACTIONS_FEN = 10_000 * YI_FEN  # one enterprise's yearly e-commerce volume: 1万亿元
MAX_CASE_FEN = YI_FEN  # a case-by-case decision: 1亿元
MAX_TRAINEES = 10**6  # trainees of one enterprise in a year: 100万人
MAX_TRAINING_FEN = YI_FEN  # training cost of a year: 1亿元
MAX_PRINCIPAL_FEN = 100 * YI_FEN  # a loan's principal: 100亿元


def fen_validators(limit: int, label: Any) -> list[Any]:
    """Validators of an amount in fen: not negative, at most `limit` (named by `label`)."""
    return [*MONEY, AtMost(limit, label)]


def count_validators(limit: int, label: Any, unit: Any) -> list[Any]:
    return [MinValueValidator(0), AtMost(limit, label, unit)]


class EnterpriseFact(ChangeLoggedModel):
    """A fact about one enterprise. Scope: the enterprise's own rule of the registry for reading
    (ministry, province, bureau, the enterprise itself); the bureau of the enterprise's district
    records and corrects; the enterprise adds and changes its own self-reported kinds."""

    kind: ClassVar[str]  # the contract's kind
    self_reported: ClassVar[bool] = True

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        from registry.models import Enterprise

        if scope.role not in (Role.MINISTRY, Role.PROVINCE, Role.BUREAU, Role.ENTERPRISE):
            return None
        if action in (VIEW, EXPORT):
            return Enterprise.scope_q(scope, VIEW, prefix="enterprise__")
        if action in (ADD, CHANGE):
            if scope.role == Role.BUREAU:
                return Enterprise.scope_q(scope, VIEW, prefix="enterprise__")
            if scope.role == Role.ENTERPRISE and cls.self_reported:
                return Q(enterprise_id=scope.enterprise_id)
        return None


class CostKind(models.TextChoices):
    RENT = "rent", _("场租")
    BROADBAND = "broadband", _("宽带费")


class ParkCost(EnterpriseFact):
    """Rent or broadband paid for a period in the park (item 2)."""

    kind = "costs"

    cost_kind = models.CharField(_("费用类别"), max_length=16, choices=CostKind.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"), help_text=_("含当日"))
    amount_fen = models.BigIntegerField(_("金额（分）"), validators=fen_validators(MAX_COST_FEN, _("金额")))

    class Meta:
        verbose_name = _("场租宽带费用")
        verbose_name_plural = _("场租宽带费用")
        ordering = ["enterprise", "period_start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="parkcost_period_order"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="parkcost_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_cost_kind_display()} {self.period_start}—{self.period_end}"

    def clean(self) -> None:
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("截止日期不能早于起始日期。")})


class PlatformProject(EnterpriseFact):
    """An e-commerce platform project built with own money (item 3); an enterprise may have several."""

    kind = "projects"

    name = models.CharField(_("项目名称"), max_length=128)
    year = models.PositiveSmallIntegerField(_("申报年度"), validators=YEAR)
    investment_fen = models.BigIntegerField(
        _("项目投入（分）"), validators=fen_validators(MAX_INVESTMENT_FEN, _("项目投入"))
    )
    own_funds = models.BooleanField(_("利用自有资金"), default=False)

    class Meta:
        verbose_name = _("电子商务平台项目")
        verbose_name_plural = _("电子商务平台项目")
        ordering = ["enterprise", "year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(investment_fen__gte=0), name="project_investment_not_negative")
        ]

    def __str__(self) -> str:
        return self.name


class FlagshipStore(EnterpriseFact):
    """A flagship or exclusive store opened on a well-known third-party platform (item 4)."""

    kind = "stores"

    platform = models.CharField(_("平台"), max_length=32, help_text=_("政策包平台名单中的代码，如 jd、tmall"))
    name = models.CharField(_("店铺名称"), max_length=128)
    opened_on = models.DateField(_("开店日期"))
    newly_opened = models.BooleanField(_("新开设"), default=True)
    running_normally = models.BooleanField(_("正常运行"), default=True)
    year_turnover_fen = models.BigIntegerField(
        _("满一年交易额（分）"), validators=fen_validators(MAX_STORE_TURNOVER_FEN, _("满一年交易额"))
    )
    year_operating_cost_fen = models.BigIntegerField(
        _("年运营费用（分）"), validators=fen_validators(MAX_STORE_COST_FEN, _("年运营费用"))
    )

    class Meta:
        verbose_name = _("第三方平台旗舰店")
        verbose_name_plural = _("第三方平台旗舰店")
        ordering = ["enterprise", "opened_on", "id"]

    def __str__(self) -> str:
        return self.name


class OutstandingSelection(EnterpriseFact):
    """The district's yearly selection of outstanding new e-commerce enterprises (item 4)."""

    kind = "outstanding"
    self_reported = False

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    rank = models.PositiveSmallIntegerField(_("评选名次"), validators=[MinValueValidator(1)])
    document_no = models.CharField(_("文号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("业绩突出新增电商企业评选")
        verbose_name_plural = _("业绩突出新增电商企业评选")
        ordering = ["year", "rank"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="outstanding_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} 第{self.rank}名"


class BrandKind(models.TextChoices):
    DISTRICT = "district", _("区领导小组认定品牌")
    NATIONAL = "national", _("国家级电商著名、知名品牌")
    MUNICIPAL = "municipal", _("市级电商著名、知名品牌")


class BrandRecognition(EnterpriseFact):
    """A brand recognised by the district leading group (amount decided by it) or by an upper level
    (amount = the upper level's award) (item 5)."""

    kind = "brands"
    self_reported = False

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    brand_kind = models.CharField(_("品牌类别"), max_length=16, choices=BrandKind.choices)
    name = models.CharField(_("品牌名称"), max_length=128)
    amount_fen = models.BigIntegerField(
        _("认定金额（分）"),
        validators=fen_validators(MAX_BRAND_FEN, _("认定金额")),
        help_text=_("区级：领导小组决定的金额；国家级、市级：上级补助金额"),
    )
    document_no = models.CharField(_("文号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("电商品牌认定")
        verbose_name_plural = _("电商品牌认定")
        ordering = ["enterprise", "year", "id"]

    def __str__(self) -> str:
        return self.name


class OrderVolume(EnterpriseFact):
    """Online orders of local agricultural or recognised brand products in a year (item 5)."""

    kind = "orders"

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    orders = models.BigIntegerField(_("年交易单数"), validators=count_validators(MAX_ORDERS, _("年交易单数"), _("单")))

    class Meta:
        verbose_name = _("农特产品线上交易单数")
        verbose_name_plural = _("农特产品线上交易单数")
        ordering = ["enterprise", "year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="orders_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.orders}单"


class TransactionVolume(EnterpriseFact):
    """Yearly e-commerce transaction volume; the whole recorded history counts (item 6)."""

    kind = "transactions"

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    amount_fen = models.BigIntegerField(
        _("年电商交易额（分）"), validators=fen_validators(MAX_TRANSACTIONS_FEN, _("年电商交易额"))
    )

    class Meta:
        verbose_name = _("年电子商务交易额")
        verbose_name_plural = _("年电子商务交易额")
        ordering = ["enterprise", "year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="transactions_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year}"


class DemoLevel(models.TextChoices):
    NATIONAL = "national", _("全国电子商务示范企业")
    MUNICIPAL = "municipal", _("重庆市电子商务示范企业")
    DISTRICT = "district", _("区级电子商务示范企业")


class DemoRecognition(EnterpriseFact):
    """Recognition as a demonstration enterprise in a year (item 6); the district's recognitions are
    ranked (at most five a year are paid)."""

    kind = "demo_titles"
    self_reported = False

    year = models.PositiveSmallIntegerField(_("认定年度"), validators=YEAR)
    level = models.CharField(_("级别"), max_length=16, choices=DemoLevel.choices)
    rank = models.PositiveSmallIntegerField(_("区级认定顺序"), default=1, validators=[MinValueValidator(1)])
    document_no = models.CharField(_("文号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("电子商务示范企业认定")
        verbose_name_plural = _("电子商务示范企业认定")
        ordering = ["year", "level", "rank"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year", "level"], name="demo_title_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()}"


class CaseAward(EnterpriseFact):
    """A case-by-case award of the leading group (item 1 operator subsidy, item 7 一企一策),
    recorded with its decision document; no formula."""

    kind = "case_awards"
    self_reported = False

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    item = models.CharField(_("政策条目"), max_length=32)
    amount_fen = models.BigIntegerField(_("决定金额（分）"), validators=fen_validators(MAX_CASE_FEN, _("决定金额")))
    decision_no = models.CharField(_("决定文号"), max_length=64)

    class Meta:
        verbose_name = _("一企一策决定")
        verbose_name_plural = _("一企一策决定")
        ordering = ["enterprise", "year", "id"]

    def __str__(self) -> str:
        return self.decision_no


class TrainingRecord(EnterpriseFact):
    """Training held in a year (item 9): trainees and cost."""

    kind = "training"

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    trainees = models.PositiveIntegerField(
        _("培训人数"), validators=count_validators(MAX_TRAINEES, _("培训人数"), _("人"))
    )
    cost_fen = models.BigIntegerField(_("培训费用（分）"), validators=fen_validators(MAX_TRAINING_FEN, _("培训费用")))

    class Meta:
        verbose_name = _("电子商务人才培训")
        verbose_name_plural = _("电子商务人才培训")
        ordering = ["enterprise", "year", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.trainees}人"


RATE = [MinValueValidator(0), MaxValueValidator(100)]


class Loan(EnterpriseFact):
    """A loan for the enterprise's own business (四（四）); `recognised` is the bureau's finding."""

    kind = "loans"

    bank = models.CharField(_("贷款银行"), max_length=128)
    principal_fen = models.BigIntegerField(
        _("贷款本金（分）"), validators=fen_validators(MAX_PRINCIPAL_FEN, _("贷款本金"))
    )
    loan_date = models.DateField(_("放款日期"))
    repaid_on = models.DateField(
        _("还款或到期日"), null=True, blank=True, help_text=_("贴息计至前一日（算头不算尾）；贷款期超过两年的可不填")
    )
    actual_rate = models.DecimalField(_("实际年利率（%）"), max_digits=7, decimal_places=4, validators=RATE)
    benchmark_rate = models.DecimalField(
        _("同期基准年利率（%）"), max_digits=7, decimal_places=4, validators=RATE, help_text=_("商业银行同期贷款利率")
    )
    own_business = models.BooleanField(_("用于扩大自身生产经营"), default=True)
    recognised = models.BooleanField(_("经认定"), default=False)

    class Meta:
        verbose_name = _("贷款贴息")
        verbose_name_plural = _("贷款贴息")
        ordering = ["enterprise", "loan_date", "id"]

    def __str__(self) -> str:
        return f"{self.bank} {self.loan_date}"

    def clean(self) -> None:
        super().clean()
        if self.repaid_on and self.loan_date and self.repaid_on < self.loan_date:
            raise ValidationError({"repaid_on": _("还款或到期日不能早于放款日期。")})


class SubsidySource(models.TextChoices):
    MUNICIPAL = "municipal", _("市级同类政策")
    OTHER_DISTRICT = "other_district", _("区其他同类政策")


class OtherSubsidy(EnterpriseFact):
    """A similar subsidy received elsewhere for the same year (四（七）: no stacking)."""

    kind = "other_subsidies"
    self_reported = False

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    item = models.CharField(_("对应政策条目"), max_length=32)
    source = models.CharField(_("来源"), max_length=16, choices=SubsidySource.choices)
    name = models.CharField(_("政策或项目名称"), max_length=128)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("已享受同类补助")
        verbose_name_plural = _("已享受同类补助")
        ordering = ["enterprise", "year", "id"]

    def __str__(self) -> str:
        return self.name


# The contract's kind -> model, for the adapter, the fact pages and corrections.
FACT_MODELS: dict[str, type[EnterpriseFact]] = {
    m.kind: m
    for m in (
        ParkCost,
        PlatformProject,
        FlagshipStore,
        OutstandingSelection,
        BrandRecognition,
        OrderVolume,
        TransactionVolume,
        DemoRecognition,
        CaseAward,
        TrainingRecord,
        Loan,
        OtherSubsidy,
    )
}


def ceiling(kind: str, column: str) -> AtMost | None:
    """The ceiling of a fact's column (`AtMost` on the model field), for the forms and the facts
    workbook; None for a column without one."""
    model = FACT_MODELS.get(kind)
    if model is None:
        return None
    try:
        field = model._meta.get_field(column)
    except FieldDoesNotExist:
        return None
    return next((v for v in getattr(field, "validators", ()) if isinstance(v, AtMost)), None)
