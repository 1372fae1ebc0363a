"""An enterprise asks for an account of its own: it gives its credit code and a contact, chooses its
login name and password, and waits until the operator of the base it is resident in (or the
district bureau, for an enterprise outside every base) confirms it. Until then it sees nothing."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.roles import Role
from core.scoping import CHANGE, EXPORT, VIEW, Scope, ScopedQuerySet
from core.workflow import Transitions
from regions.models import regions_within


class SignupStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REFUSED = "refused", _("未通过")


SIGNUP_TRANSITIONS = Transitions(
    SignupStatus,
    {
        SignupStatus.PENDING: {SignupStatus.CONFIRMED, SignupStatus.REFUSED},
        SignupStatus.CONFIRMED: set(),
        SignupStatus.REFUSED: set(),
    },
    initial={SignupStatus.PENDING},
    noun=_("账号申请"),
)


class Signup(ChangeLoggedModel):
    audit_exclude = frozenset({"created", "last_updated", "password"})
    personal_fields: ClassVar[dict[str, str]] = {"contact_phone": "phone"}
    transitions = SIGNUP_TRANSITIONS

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="signups"
    )
    contact_name = models.CharField(_("联系人"), max_length=32)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    username = models.CharField(_("登录名"), max_length=150)
    # The password the enterprise chose, hashed as Django stores passwords; it becomes the
    # account's password on confirmation, so no one else ever knows it.
    password = models.CharField(max_length=128, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=SignupStatus.choices, default=SignupStatus.PENDING, editable=False
    )
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("开通的账号"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip = models.GenericIPAddressField(_("提交地址"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业账号申请")
        verbose_name_plural = _("企业账号申请")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status="pending"),
                name="signup_one_pending_per_enterprise",
                violation_error_message=_("该企业已有一份待确认的账号申请，请等待确认。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise}（{self.username}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:signup_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        """Who confirms: the operator of a base the enterprise is resident in now; the district
        bureau for an enterprise of its district resident in no base. The ministry reads them all."""
        from registry.models.residencies import Residency

        current = Residency.objects.filter(left_on__isnull=True)
        if scope.role == Role.MINISTRY and action in (VIEW, EXPORT):
            return Q()
        if action not in (VIEW, EXPORT, CHANGE):
            return None
        if scope.role == Role.OPERATOR:
            return Q(enterprise_id__in=current.filter(base_id=scope.base_id or 0).values("enterprise_id"))
        if scope.role == Role.BUREAU:
            return Q(enterprise__region_id__in=regions_within(scope.region_prefix)) & ~Q(
                enterprise_id__in=current.values("enterprise_id")
            )
        return None
