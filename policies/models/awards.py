"""Award applications: filed by an enterprise (or the bureau on its behalf) for one item of a pack,
pre-computed by the rules engine, audited and decided by the bureau, paid through the ledger."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel, TimelineEvent
from core.roles import Role
from core.scoping import ADD, CHANGE, Scope, ScopedQuerySet
from core.workflow import Transitions
from policies.scopes import READ, district_q


class AwardStatus(models.TextChoices):
    DRAFT = "draft", _("待提交")
    SUBMITTED = "submitted", _("已提交待审核")
    APPROVED = "approved", _("已核准")
    REJECTED = "rejected", _("未予核准")
    PAID = "paid", _("已拨付")
    REVOKED = "revoked", _("已撤销核准")


# submitted -> draft: returned to the enterprise for correction (退回补正);
# paid -> approved: the payment was reversed in the ledger; the award stands and is paid again or revoked.
# Created as approved: the tranche of a claim carried over to the next year's fund, approved with the
# round that carried it (policies.actions.awards._carry).
AWARD_TRANSITIONS = Transitions(
    AwardStatus,
    {
        AwardStatus.DRAFT: {AwardStatus.SUBMITTED},
        AwardStatus.SUBMITTED: {AwardStatus.APPROVED, AwardStatus.REJECTED, AwardStatus.DRAFT},
        AwardStatus.APPROVED: {AwardStatus.PAID, AwardStatus.REVOKED},
        AwardStatus.PAID: {AwardStatus.APPROVED},
        AwardStatus.REJECTED: set(),
        AwardStatus.REVOKED: set(),
    },
    initial={AwardStatus.DRAFT, AwardStatus.APPROVED},
    noun=_("申请"),
)
# Awards whose approved amount is charged to their fund.
COMMITTED = (AwardStatus.APPROVED, AwardStatus.PAID)


class AwardApplication(ChangeLoggedModel):
    """One claim: an enterprise, an item of a pack, the thing it is for (`ref`: project, store or loan
    id, 0 when the item is per enterprise) and a year. The computed amount, its reason and the trace
    of the engine are stored at filing and at submission, and again when the bureau corrects a fact."""

    pack = models.ForeignKey(
        "policies.PolicyPack", verbose_name=_("扶持政策"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="award_applications"
    )
    item = models.CharField(_("政策条目"), max_length=32)
    ref = models.BigIntegerField(_("项目、店铺或贷款"), default=0)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=16, choices=AwardStatus.choices, default=AwardStatus.DRAFT, editable=False
    )
    note = models.TextField(_("申请说明"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.PROTECT, related_name="+",
        editable=False,
    )  # fmt: skip
    # What the engine computed, last at submission or after a correction.
    computed_amount_fen = models.BigIntegerField(_("测算金额（分）"), null=True, editable=False)
    reason = models.CharField(_("测算结论"), max_length=48, blank=True, editable=False)
    trace = models.JSONField(_("测算过程"), default=list, editable=False)
    facts = models.JSONField(_("测算所用事实"), default=dict, editable=False)
    params_version = models.CharField(_("参数版本"), max_length=128, blank=True, editable=False)
    computed_at = models.DateTimeField(_("测算时间"), null=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, editable=False)
    # The decision.
    fund = models.ForeignKey(
        "policies.Fund", verbose_name=_("列支资金"), null=True, on_delete=models.PROTECT, related_name="awards",
        editable=False,
    )  # fmt: skip
    approved_amount_fen = models.BigIntegerField(_("核准金额（分）"), null=True, editable=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, editable=False)
    decision_note = models.TextField(_("审核意见"), blank=True, editable=False)
    # The part of a claim that did not fit a year's fund under the carry-over rule: a tranche charged
    # to the next year's fund, approved with the round that carried it.
    carried_from = models.ForeignKey(
        "self", verbose_name=_("结转自"), null=True, on_delete=models.PROTECT, related_name="carried", editable=False
    )

    objects = ScopedQuerySet.as_manager()
    transitions: ClassVar[Transitions] = AWARD_TRANSITIONS

    class Meta:
        verbose_name = _("奖补申请")
        verbose_name_plural = _("奖补申请")
        ordering = ["-year", "-id"]
        constraints = [
            # One live claim per enterprise, item, thing and year (a rejected one may be filed again).
            models.UniqueConstraint(
                fields=["pack", "enterprise", "item", "ref", "year"],
                condition=Q(carried_from__isnull=True) & ~Q(status="rejected"),
                name="award_one_claim_per_thing_and_year",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"])
                | Q(approved_amount_fen__isnull=False, approved_amount_fen__gte=0, fund__isnull=False),
                name="award_approved_has_amount_and_fund",
            ),
        ]
        indexes = [models.Index(fields=["fund", "status"], name="award_fund_status_idx")]

    def __str__(self) -> str:
        from policies.packinfo import item_label

        return f"{self.enterprise} {item_label(self.pack.code, self.item)} {self.year}"

    @classmethod
    def history_display(cls, name: str, value: Any, row: dict[str, Any], cache: dict[Any, Any]) -> str | None:
        """Codes of the engine in words in the change log: the item's name, the conclusion, the
        parameters used (their pack and year; the fingerprint is for programs)."""
        from policies.explaining import reason_text
        from policies.packinfo import item_label, version_text

        if name in ("item", "params_version"):
            code = pack_code(row.get("pack"), cache)
            if code is None:
                return None
            return item_label(code, value) if name == "item" else version_text(code, row.get("year"), value)
        if name == "reason":
            return reason_text(value)
        if name == "trace" and isinstance(value, list):
            return _("共 %(n)s 步，详见申请页的“测算说明”") % {"n": len(value)}
        if name == "facts":
            return str(_("详见申请页的“测算所用事实”"))
        return None

    def get_absolute_url(self) -> str:
        return reverse("policies:application_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.ENTERPRISE:
            if action in READ or action in (ADD, CHANGE):
                return Q(enterprise_id=scope.enterprise_id or 0)
            return None
        inner = district_q(scope, action, "pack__region")
        if inner is None or scope.role == Role.BUREAU:
            return inner
        return inner & ~Q(status=AwardStatus.DRAFT)  # readers above the district see what was submitted


def pack_code(pack_id: Any, cache: dict[Any, Any]) -> str | None:
    """The code of a pack by its id, read once per page of the change log."""
    key = ("policy_pack_code", pack_id)
    if key not in cache:
        from policies.models.packs import PolicyPack

        cache[key] = PolicyPack.objects.filter(pk=pack_id).values_list("code", flat=True).first()
    return cache[key]


def through_application(scope: Scope, action: str) -> Q | None:
    """Parts of an application (evidence, corrections) follow it; adding one changes it."""
    inner = AwardApplication.scope_q(scope, CHANGE if action == ADD else action)
    return None if inner is None else Q(application__in=AwardApplication.objects.filter(inner))


class AwardEvent(TimelineEvent):
    """The timeline of an application, shown on its page; written by the actions only, never edited."""

    subject_field = "application"

    class Kind(models.TextChoices):
        CREATED = "created", _("提出申请")
        EVIDENCE = "evidence", _("上传证明材料")
        COMPUTED = "computed", _("系统测算")
        SUBMITTED = "submitted", _("提交审核")
        CORRECTED = "corrected", _("更正事实")
        RETURNED = "returned", _("退回补正")
        APPROVED = "approved", _("核准")
        REJECTED = "rejected", _("不予核准")
        HELD = "held", _("资金不足暂缓核准")
        CARRIED = "carried", _("结转下年度")
        PAID = "paid", _("拨付")
        REVERSED = "reversed", _("冲正")
        REVOKED = "revoked", _("撤销核准")

    application = models.ForeignKey(AwardApplication, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=16, choices=Kind.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("奖补申请事件")
        verbose_name_plural = _("奖补申请事件")


class Evidence(ChangeLoggedModel):
    """A supporting file of an application (lease, invoices, bank statement…), checked by
    `policies.evidence` before it is stored."""

    application = models.ForeignKey(
        AwardApplication, verbose_name=_("奖补申请"), on_delete=models.CASCADE, related_name="evidence"
    )
    label = models.CharField(_("材料名称"), max_length=64)
    file = models.FileField(_("文件"), upload_to="policies/evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        return through_application(scope, action)


class FactCorrection(ChangeLoggedModel):
    """The bureau's correction of a fact during the audit of an application: which row, which field,
    the value before and after, and why. The fact row itself is changed (and logged) by the same
    action, and the application recomputed."""

    application = models.ForeignKey(
        AwardApplication, verbose_name=_("奖补申请"), on_delete=models.CASCADE, related_name="corrections"
    )
    fact_kind = models.CharField(_("事实类别"), max_length=32)
    fact_id = models.BigIntegerField(_("事实记录编号"))
    field = models.CharField(_("字段"), max_length=64)
    field_label = models.CharField(_("字段名称"), max_length=64)
    before = models.JSONField(_("更正前"), null=True)
    after = models.JSONField(_("更正后"), null=True)
    reason = models.TextField(_("更正理由"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("事实更正")
        verbose_name_plural = _("事实更正")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.field_label}：{self.before_text} → {self.after_text}"

    def value_text(self, value: Any) -> str:
        """A corrected value as the fact's page shows it: money in yuan, rates in per cent, 是/否."""
        from core import money

        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return str(_("是") if value else _("否"))
        if self.field.endswith("_fen") and isinstance(value, int):
            return money.yuan_text(value)
        if self.field.endswith("_ppm") and isinstance(value, int):
            return money.ppm_percent(value)
        return str(value)

    @property
    def fact_text(self) -> str:
        """The corrected row as a person reads it: "年订单量 #12"."""
        from policies.models.facts import FACT_MODELS

        model = FACT_MODELS.get(self.fact_kind)
        kind = str(model._meta.verbose_name) if model is not None else str(_("事实"))
        return f"{kind} #{self.fact_id}"

    @property
    def before_text(self) -> str:
        return self.value_text(self.before)

    @property
    def after_text(self) -> str:
        return self.value_text(self.after)

    @classmethod
    def history_display(cls, name: str, value: Any, row: dict[str, Any], cache: dict[Any, Any]) -> str | None:
        if name in ("before", "after"):
            return cls(field=row.get("field") or "").value_text(value)
        if name == "fact_kind":
            from policies.models.facts import FACT_MODELS

            model = FACT_MODELS.get(value)
            return str(model._meta.verbose_name) if model is not None else None
        if name == "field":
            return str(row.get("field_label") or "") or None
        return None

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        return through_application(scope, action)
