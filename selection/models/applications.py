"""Calls for applications (notice 767 and its successors) and the applications to them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel, TimelineEvent
from core.roles import Role
from core.scoping import ADD, CHANGE, EXPORT, VIEW, Scope, ScopedQuerySet
from core.workflow import Transitions


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("受理中")
    CLOSED = "closed", _("已截止")


# The ministry opens a call at once (selection.actions.calls.do_open_call) or drafts it first.
CALL_TRANSITIONS = Transitions(
    CallStatus,
    {
        CallStatus.DRAFT: {CallStatus.OPEN},
        CallStatus.OPEN: {CallStatus.CLOSED},
        CallStatus.CLOSED: set(),
    },
    initial={CallStatus.DRAFT, CallStatus.OPEN},
    noun=_("申报批次"),
)


class Call(ChangeLoggedModel):
    """A call (批次): its document, its deadline in Beijing time and the parameters of its rules."""

    title = models.CharField(_("名称"), max_length=128)
    document_no = models.CharField(_("文号"), max_length=64)
    deadline = models.DateTimeField(_("截止时间"), help_text=_("北京时间；逾期不予受理"))
    status = models.CharField(
        _("状态"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT, editable=False
    )
    # The rule parameters in force for this call (quotas, thresholds, documents), with references.
    params = models.JSONField(_("规则参数"), default=dict, blank=True)
    template = models.ForeignKey(
        "self", verbose_name=_("沿用批次"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    transitions: ClassVar[Transitions] = CALL_TRANSITIONS

    class Meta:
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        ordering = ["-deadline"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("selection:call_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if action in (VIEW, EXPORT):
            return Q() if scope.role == Role.MINISTRY else Q(status__in=[CallStatus.OPEN, CallStatus.CLOSED])
        if scope.role == Role.MINISTRY:
            return Q()
        return None


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    RECOMMENDED = "recommended", _("省级已推荐")
    SUBMITTED = "submitted", _("已报送商务部")
    REFUSED = "refused", _("不予受理")
    DESIGNATED = "designated", _("已认定为示范基地")
    NOT_SELECTED = "not_selected", _("未入选")


APPLICATION_TRANSITIONS = Transitions(
    ApplicationStatus,
    {
        ApplicationStatus.DRAFT: {ApplicationStatus.RECOMMENDED},
        ApplicationStatus.RECOMMENDED: {
            ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.REFUSED
        },
        ApplicationStatus.SUBMITTED: {ApplicationStatus.DESIGNATED, ApplicationStatus.NOT_SELECTED},
        ApplicationStatus.REFUSED: set(),
        ApplicationStatus.DESIGNATED: set(),
        ApplicationStatus.NOT_SELECTED: set(),
    },
    initial={ApplicationStatus.DRAFT},
    noun=_("申报"),
)  # fmt: skip


class Application(ChangeLoggedModel):
    """One applicant park in one call, prepared by its operator and recommended by its province."""

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="applications")
    quota_unit = models.ForeignKey(
        "regions.QuotaUnit", verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="applications"
    )
    base = models.ForeignKey(
        "registry.Base", verbose_name=_("申报园区"), on_delete=models.PROTECT, related_name="applications"
    )
    area_m2 = models.DecimalField(
        _("电子商务办公建筑面积（平方米）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    operating_since = models.DateField(_("投入运营日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )
    province_rank = models.PositiveSmallIntegerField(_("省级推荐顺位"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True, editable=False)
    # The computed conditions of the call's rules, as last checked: [{condition, ok, code, message}].
    conditions = models.JSONField(_("条件核验结果"), default=list, blank=True, editable=False)
    conditions_checked_at = models.DateTimeField(_("核验时间"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    transitions: ClassVar[Transitions] = APPLICATION_TRANSITIONS

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["call", "quota_unit__sort_order", "province_rank", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "base"], name="application_one_per_base_per_call")]

    def __str__(self) -> str:
        return f"{self.base}（{self.call}）"

    def get_absolute_url(self) -> str:
        return reverse("selection:application_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.MINISTRY:
            # The ministry sees what provinces have put forward, not their drafts.
            return ~Q(status=ApplicationStatus.DRAFT) if action in (VIEW, EXPORT) else None
        if scope.role == Role.PROVINCE and action in (VIEW, EXPORT, CHANGE):
            return Q(quota_unit_id=scope.quota_unit_id)
        if scope.role == Role.OPERATOR and action in (VIEW, EXPORT, ADD, CHANGE):
            return Q(base_id=scope.base_id)
        if scope.role == Role.EXPERT and action in (VIEW, EXPORT):
            from selection.models.review import Assignment

            return Q(pk__in=Assignment.objects.filter(expert__user_id=scope.user_id or 0).values("application_id"))
        return None


def through_application(scope: Scope, action: str) -> Q | None:
    """Parts of an application (its plan, its documents) follow it; adding one changes it."""
    inner = Application.scope_q(scope, CHANGE if action == ADD else action)
    return None if inner is None else Q(application__in=Application.objects.filter(inner))


SUMMARY_MAX_CHARS = 3500  # 附件 一、摘要：字数不超过 3500 字 (counted without white space)


def count_chars(text: str) -> int:
    """Characters as the notice counts 字数: every character that is not white space."""
    return sum(1 for c in text or "" if not c.isspace())


class WorkPlan(ChangeLoggedModel):
    """《创建国家电子商务示范基地工作方案》 in the structure of the notice's annex (编制要点)."""

    application = models.OneToOneField(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="work_plan"
    )
    summary = models.TextField(_("一、摘要"), blank=True)
    local_economy = models.TextField(_("二（一）当地经济社会发展现状与战略定位"), blank=True)
    local_ecommerce = models.TextField(_("二（二）当地电子商务发展现状"), blank=True)
    basis = models.TextField(_("三（一）创建基础"), blank=True)
    goals_text = models.TextField(_("三（二）创建目标"), blank=True)
    contents = models.TextField(_("三（三）创建内容"), blank=True)
    safeguards = models.TextField(_("三（四）保障措施"), blank=True)
    implementation = models.TextField(_("三（五）实施计划及阶段目标"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("创建工作方案")
        verbose_name_plural = _("创建工作方案")

    def __str__(self) -> str:
        return f"{self.application} 工作方案"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        n = count_chars(self.summary)
        if n > SUMMARY_MAX_CHARS:
            raise ValidationError(
                {"summary": _("摘要不超过 %(max)s 字（不计空白），现为 %(n)s 字，超出 %(over)s 字。")
                 % {"max": SUMMARY_MAX_CHARS, "n": n, "over": n - SUMMARY_MAX_CHARS}}
            )  # fmt: skip

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        return through_application(scope, action)


class GoalIndicator(models.TextChoices):
    """The goals the annex (三（二）) asks for, 3–5 years ahead."""

    ENTERPRISES_GATHERED = "enterprises_gathered", _("电子商务企业聚集数量（家）")
    ENTERPRISES_INCUBATED = "enterprises_incubated", _("孵化电子商务企业数量（家）")
    REVENUE = "revenue", _("基地内企业年营业收入（亿元）")
    RND_INSTITUTIONS = "rnd_institutions", _("省级以上认定的研发机构数量（个）")
    SERVICE_PLATFORMS = "service_platforms", _("公共服务平台数量（个）")
    ENTERPRISES_CULTIVATED = "enterprises_cultivated", _("培育企业数量（家）")
    JOBS = "jobs", _("带动就业人数（人）")


class WorkPlanGoal(ChangeLoggedModel):
    """One indicator of the plan's goals: a baseline and a target for each of 3–5 consecutive years.
    On designation these become the base's targets for monitoring."""

    application = models.ForeignKey(Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="goals")
    indicator = models.CharField(_("指标"), max_length=32, choices=GoalIndicator.choices)
    baseline = models.DecimalField(_("基期值"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    first_year = models.PositiveSmallIntegerField(_("起始年份"))
    # Targets for first_year, first_year + 1, …: exact decimals as text.
    targets = models.JSONField(_("逐年目标"), default=list)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("创建目标")
        verbose_name_plural = _("创建目标")
        ordering = ["application", "indicator"]
        constraints = [models.UniqueConstraint(fields=["application", "indicator"], name="goal_one_per_indicator")]

    def __str__(self) -> str:
        return self.get_indicator_display()

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        return through_application(scope, action)


class ApplicationDocument(ChangeLoggedModel):
    """A required document attached to an application (附件 四 of notice 767)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("材料类别"), max_length=48)
    file = models.FileField(_("文件"), upload_to="selection/documents/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["application", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        return through_application(scope, action)

    @classmethod
    def history_display(cls, name: str, value: Any, row: dict[str, Any], cache: dict[Any, Any]) -> str | None:
        """The kind of document in the change log by its name in the notice (附件 四), not its key."""
        if name == "kind" and isinstance(value, str):
            from selection.checks import params_for

            item = params_for().document_kinds.get(value)
            return item.label if item is not None else None
        return None


class ApplicationEvent(TimelineEvent):
    """The timeline of an application, shown on its page; written by the actions only."""

    subject_field = "application"

    class Kind(models.TextChoices):
        CREATED = "created", _("创建")
        RECOMMENDED = "recommended", _("省级推荐")
        WITHDRAWN = "withdrawn", _("退回修改")
        SUBMITTED = "submitted", _("报送商务部")
        REFUSED_LATE = "refused_late", _("逾期不予受理")
        DOCUMENT = "document", _("上传材料")
        CHECKED = "checked", _("条件核验")
        ASSIGNED = "assigned", _("分配评审专家")
        STAGE_RESULT = "stage_result", _("评审结果")
        DEFENCE_SCHEDULED = "defence_scheduled", _("现场答辩安排")
        LISTED = "listed", _("列入拟认定名单")
        OBJECTION = "objection", _("公示异议")
        DESIGNATED = "designated", _("认定为示范基地")
        NOT_SELECTED = "not_selected", _("未入选")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=24, choices=Kind.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("申报事件")
        verbose_name_plural = _("申报事件")
