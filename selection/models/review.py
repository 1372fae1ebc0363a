"""Expert review of the applications of a call: the pool, the stages (初步评议, 现场答辩, 复核),
assignments and hidden score sheets. Aggregation is in selection.rules.scoring (pure)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import Role
from core.scoping import EXPORT, VIEW, Scope, ScopedQuerySet
from core.workflow import Transitions


class Expert(ChangeLoggedModel):
    """A reviewer in the pool. Conflicts of interest are computed from these facts (selection.review)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="expert_profile"
    )
    fields_of_expertise = models.CharField(_("专业领域"), max_length=255, blank=True)
    home_province = models.ForeignKey(
        "regions.Region", verbose_name=_("所在省份"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    affiliation = models.CharField(_("任职单位"), max_length=128, blank=True)
    # Credit codes of the organisations the expert works for or advises (empty list = none; unknown = not set).
    affiliation_codes = models.JSONField(_("任职单位统一社会信用代码"), default=list, blank=True)
    affiliations_declared = models.BooleanField(_("已申报任职情况"), default=False)
    declared_conflict_bases = models.ManyToManyField(
        "registry.Base", verbose_name=_("声明回避的园区"), blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def profile_complete(self) -> bool:
        return self.home_province_id is not None and self.affiliations_declared

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.MINISTRY:
            return Q()
        if scope.role == Role.EXPERT and action in (VIEW, EXPORT):
            return Q(user_id=scope.user_id)
        return None


class StageKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("初步评议")
    DEFENCE = "defence", _("现场答辩评议")
    RECHECK = "recheck", _("复核")


class StageStatus(models.TextChoices):
    OPEN = "open", _("评审中")
    CLOSED = "closed", _("已结束")


# A stage opens with its entries and closes once every sheet is in (selection.actions.review).
STAGE_TRANSITIONS = Transitions(
    StageStatus,
    {StageStatus.OPEN: {StageStatus.CLOSED}, StageStatus.CLOSED: set()},
    initial={StageStatus.OPEN},
    noun=_("评审阶段"),
)


class Aggregation(models.TextChoices):
    TRIMMED = "trimmed", _("去掉一个最高分和一个最低分后取平均")
    MEAN = "mean", _("算术平均")


class ReviewStage(ChangeLoggedModel):
    """One stage of review of a call. Its rubric is a list of criteria with maximum points:
    [{"key": "basis", "label": "创建基础", "max": "25"}]."""

    call = models.ForeignKey(
        "selection.Call", verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="stages"
    )
    kind = models.CharField(_("评审阶段"), max_length=16, choices=StageKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=StageStatus.choices, default=StageStatus.OPEN, editable=False
    )
    rubric = models.JSONField(_("评分细则"), default=list)
    reviewers_per_application = models.PositiveSmallIntegerField(_("每份申报评审专家数"), default=5)
    aggregation = models.CharField(
        _("汇总方法"), max_length=16, choices=Aggregation.choices, default=Aggregation.TRIMMED
    )
    # Trimming needs enough reviewers to mean anything; below this the plain mean is used.
    trim_min_reviewers = models.PositiveSmallIntegerField(_("去高去低最少评审人数"), default=5)
    spread_threshold = models.DecimalField(_("分差提示阈值（分）"), max_digits=6, decimal_places=2, default=20)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    transitions: ClassVar[Transitions] = STAGE_TRANSITIONS

    class Meta:
        verbose_name = _("评审阶段")
        verbose_name_plural = _("评审阶段")
        ordering = ["call", "created"]
        constraints = [models.UniqueConstraint(fields=["call", "kind"], name="stage_one_per_kind_per_call")]

    def __str__(self) -> str:
        return f"{self.call} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("selection:stage_detail", args=[self.pk])

    @classmethod
    def history_display(cls, name: str, value: Any, row: dict[str, Any], cache: dict[Any, Any]) -> str | None:
        """The rubric in the change log: "创建基础（25分）、工作方案（30分）"."""
        if name == "rubric" and isinstance(value, list):
            return "、".join(
                _("%(label)s（%(max)s分）") % {"label": c.get("label", ""), "max": c.get("max", "")} for c in value
            )
        return None

    @property
    def max_total(self) -> str:
        from decimal import Decimal

        return str(sum((Decimal(str(c["max"])) for c in self.rubric), Decimal(0)))

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.MINISTRY:
            return Q()
        if scope.role == Role.EXPERT and action in (VIEW, EXPORT):
            return Q(pk__in=Assignment.objects.filter(expert__user_id=scope.user_id or 0).values("stage_id"))
        return None


class Decision(models.TextChoices):
    PENDING = "pending", _("待定")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")
    RECHECK = "recheck", _("需复核")


class StageEntry(ChangeLoggedModel):
    """An application in a stage: its schedule (for the defence), its aggregated figures once the
    stage closes, and the ministry's decision."""

    stage = models.ForeignKey(ReviewStage, verbose_name=_("评审阶段"), on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(
        "selection.Application", verbose_name=_("申报"), on_delete=models.PROTECT, related_name="stage_entries"
    )
    defence_at = models.DateTimeField(_("答辩时间"), null=True, blank=True, editable=False)
    defence_place = models.CharField(_("答辩地点"), max_length=128, blank=True, editable=False)
    reviewers = models.PositiveSmallIntegerField(_("评分专家数"), null=True, blank=True, editable=False)
    raw_mean = models.DecimalField(_("原始平均分"), max_digits=7, decimal_places=2, null=True, editable=False)
    score = models.DecimalField(_("汇总得分"), max_digits=7, decimal_places=2, null=True, editable=False)
    calibrated = models.DecimalField(_("校准后得分"), max_digits=7, decimal_places=2, null=True, editable=False)
    spread = models.DecimalField(_("最高最低分差"), max_digits=7, decimal_places=2, null=True, editable=False)
    flagged = models.BooleanField(_("分差过大"), default=False, editable=False)
    method = models.CharField(_("汇总方法"), max_length=16, blank=True, editable=False)
    rank = models.PositiveSmallIntegerField(_("排名"), null=True, blank=True, editable=False)
    decision = models.CharField(
        _("结论"), max_length=16, choices=Decision.choices, default=Decision.PENDING, editable=False
    )
    decision_note = models.TextField(_("结论说明"), blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评审对象")
        verbose_name_plural = _("评审对象")
        ordering = ["stage", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["stage", "application"], name="stage_entry_unique")]

    def __str__(self) -> str:
        return f"{self.stage} · {self.application}"

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.MINISTRY:
            return Q()
        if action not in (VIEW, EXPORT):
            return None
        # Applicants see their own entries (the defence schedule; figures once the stage closed).
        if scope.role == Role.PROVINCE:
            return Q(application__quota_unit_id=scope.quota_unit_id)
        if scope.role == Role.OPERATOR:
            return Q(application__base_id=scope.base_id)
        if scope.role == Role.EXPERT:
            return Q(pk__in=Assignment.objects.filter(expert__user_id=scope.user_id or 0).values("entry_id"))
        return None


class Assignment(ChangeLoggedModel):
    """An expert assigned to review an application in one stage; carries the expert's score sheet."""

    entry = models.ForeignKey(
        StageEntry, verbose_name=_("评审对象"), on_delete=models.CASCADE, related_name="assignments"
    )
    stage = models.ForeignKey(
        ReviewStage, verbose_name=_("评审阶段"), on_delete=models.CASCADE, related_name="assignments"
    )
    application = models.ForeignKey(
        "selection.Application", verbose_name=_("申报"), on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(Expert, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="assignments")
    # The score sheet: points per rubric criterion (exact decimals as text), checklist ticks, comments.
    points = models.JSONField(_("分项得分"), default=dict, blank=True, editable=False)
    checklist = models.JSONField(_("条件核查"), default=dict, blank=True, editable=False)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False)
    comment = models.TextField(_("评审意见"), blank=True, editable=False)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["entry", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "expert"], name="assignment_unique_per_entry")]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"

    @classmethod
    def history_display(cls, name: str, value: Any, row: dict[str, Any], cache: dict[Any, Any]) -> str | None:
        """A score sheet in the change log: each point under its criterion's name ("创建基础 57.5"),
        the checklist as the items ticked."""
        if name == "points" and isinstance(value, dict):
            key = ("rubric", row.get("stage"))
            if key not in cache:
                rubric = ReviewStage.objects.filter(pk=row.get("stage") or 0).values_list("rubric", flat=True).first()
                cache[key] = {c.get("key"): c.get("label") for c in rubric or []}
            labels = cache[key]
            return "；".join(f"{labels.get(k) or _('其他评分项')} {v}" for k, v in value.items()) or "—"
        if name == "checklist" and isinstance(value, dict):
            from selection.checks import params_for

            items = {item.key: item.label for item in params_for().expert_checklist}
            ticked = [items.get(k) or _("其他核查项") for k, v in value.items() if v]
            return "、".join(str(t) for t in ticked) if ticked else str(_("未勾选"))
        return None

    @classmethod
    def sealed_history(cls, user: Any) -> models.QuerySet[Any] | None:
        """While its stage is open a sheet's history (points, totals, comments) is read by its
        author only — not by colleagues, the ministry or the auditor (core.audit.unsealed). An
        expert never reads a colleague's sheet's history, closed or not: it names its author."""
        from django.db.models.functions import Cast

        others = cls.objects.exclude(expert__user_id=user.pk or 0)
        if getattr(user, "role", None) != Role.EXPERT:
            others = others.filter(stage__status=StageStatus.OPEN)
        return others.annotate(key=Cast("pk", models.CharField())).values("key")

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        """Score sheets are hidden: while a stage is open an expert sees only their own, and the
        ministry sees who has scored but reads totals only through closed stages (enforced on pages)."""
        if scope.role == Role.MINISTRY:
            return Q()
        if scope.role == Role.EXPERT and action in (VIEW, EXPORT):
            own = Q(expert__user_id=scope.user_id)
            mine = Assignment.objects.filter(expert__user_id=scope.user_id or 0).values("entry_id")
            colleagues = Q(stage__status=StageStatus.CLOSED, entry_id__in=mine)
            return own | colleagues
        return None
