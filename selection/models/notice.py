"""The proposed list of new bases, its public notice (社会公示) with objections, and designation."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import Role
from core.scoping import EXPORT, VIEW, Scope, ScopedQuerySet
from core.workflow import Transitions


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("拟定中")
    PUBLISHED = "published", _("公示中")
    DESIGNATED = "designated", _("已公布认定")


NOTICE_TRANSITIONS = Transitions(
    NoticeStatus,
    {
        NoticeStatus.DRAFT: {NoticeStatus.PUBLISHED},
        NoticeStatus.PUBLISHED: {NoticeStatus.DESIGNATED},
        NoticeStatus.DESIGNATED: set(),
    },
    initial={NoticeStatus.DRAFT},
    noun=_("公示"),
)


class PeriodUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar", _("自然日")
    WORKING_DAYS = "working", _("工作日")


class Notice(ChangeLoggedModel):
    """The proposed list of a call and its public notice. Anyone may read it once published and
    lodge an objection until the end of the period (Beijing time)."""

    call = models.OneToOneField(
        "selection.Call", verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="notice"
    )
    title = models.CharField(_("公示标题"), max_length=200)
    body = models.TextField(_("公示说明"), blank=True)
    period_length = models.PositiveSmallIntegerField(_("公示期"), default=7)
    period_unit = models.CharField(
        _("计算方式"), max_length=16, choices=PeriodUnit.choices, default=PeriodUnit.CALENDAR_DAYS
    )
    contact = models.CharField(_("异议受理联系方式"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT, editable=False
    )
    starts_on = models.DateField(_("公示开始日"), null=True, blank=True, editable=False)
    ends_on = models.DateField(_("公示截止日"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    document_no = models.CharField(_("认定文号"), max_length=64, blank=True, editable=False)
    designated_on = models.DateField(_("认定日期"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    transitions: ClassVar[Transitions] = NOTICE_TRANSITIONS

    class Meta:
        verbose_name = _("拟认定名单公示")
        verbose_name_plural = _("拟认定名单公示")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("selection:notice_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.MINISTRY:
            return Q()
        if action in (VIEW, EXPORT):
            return ~Q(status=NoticeStatus.DRAFT)
        return None


class NoticeEntry(ChangeLoggedModel):
    """One base on the proposed list. An objection that is upheld can take it off (withdrawn)."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="entries")
    application = models.OneToOneField(
        "selection.Application", verbose_name=_("申报"), on_delete=models.PROTECT, related_name="notice_entry"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    score = models.DecimalField(_("评审得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    withdrawn = models.BooleanField(_("已撤出名单"), default=False, editable=False)
    withdrawn_reason = models.TextField(_("撤出原因"), blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("拟认定名单条目")
        verbose_name_plural = _("拟认定名单条目")
        ordering = ["notice", "position"]

    def __str__(self) -> str:
        return str(self.application)

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.MINISTRY:
            return Q()
        if action in (VIEW, EXPORT):
            return ~Q(notice__status=NoticeStatus.DRAFT)
        return None


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


# A ruling may be revised (the same outcome with a new text included) until the list is designated
# or the ruling took a base off the list (selection.actions.notice.do_rule_objection).
OBJECTION_TRANSITIONS = Transitions(
    ObjectionStatus,
    {
        ObjectionStatus.PENDING: {ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED},
        ObjectionStatus.UPHELD: {ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED},
        ObjectionStatus.DISMISSED: {ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED},
    },
    initial={ObjectionStatus.PENDING},
    noun=_("公示异议"),
)


class Objection(ChangeLoggedModel):
    """A written objection lodged during the notice period, with the objector's contact details,
    and how the ministry handled it. Objections are not public; contact details are personal data."""

    personal_fields = {"phone": "phone"}

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(
        NoticeEntry,
        verbose_name=_("涉及基地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField(_("异议人姓名或单位"), max_length=128)
    phone = models.CharField(_("联系电话"), max_length=32)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通讯地址"), max_length=255, blank=True)
    content = models.TextField(_("异议内容及理由"))
    lodged_at = models.DateTimeField(_("提出时间"), editable=False)
    status = models.CharField(
        _("处理状态"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING, editable=False
    )
    ruling = models.TextField(_("处理意见"), blank=True, editable=False)
    ruled_at = models.DateTimeField(_("处理时间"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    transitions: ClassVar[Transitions] = OBJECTION_TRANSITIONS

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "lodged_at", "id"]

    def __str__(self) -> str:
        return f"{self.notice} · {self.name}"

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.MINISTRY:
            return Q()
        return None
