"""The payment ledger: append-only, per fund and year. A payment is never edited; a reversal is a
new entry with the opposite amount referencing the payment it undoes."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ChangeLoggedModel
from core.money import yuan_text
from core.roles import Role
from core.scoping import ADD, Scope, ScopedQuerySet
from policies.scopes import READ, district_q


class EntryKind(models.TextChoices):
    PAYMENT = "payment", _("拨付")
    REVERSAL = "reversal", _("冲正")


class LedgerEntry(ChangeLoggedModel):
    """One movement of money. Database triggers (migration 0002 of this app, `core.append_only`)
    refuse UPDATE, DELETE and TRUNCATE of this table; `save()` of a stored entry and `delete()`
    raise too.

    Nobody is paid twice: the n-th payment of an application (`attempt`) is unique, and a new
    attempt is possible only after the previous payment was reversed (each payment is reversed at
    most once: `reverses` is unique). `trace` carries the computation behind the money: the facts,
    parameters version, the engine's steps, the computed and approved amounts and the approval."""

    fund = models.ForeignKey("policies.Fund", verbose_name=_("资金"), on_delete=models.PROTECT, related_name="ledger")
    year = models.PositiveSmallIntegerField(_("资金年度"))
    application = models.ForeignKey(
        "policies.AwardApplication", verbose_name=_("奖补申请"), on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=EntryKind.choices)
    attempt = models.PositiveSmallIntegerField(_("第几次拨付"), default=1)
    amount_fen = models.BigIntegerField(_("金额（分）"), help_text=_("拨付为正，冲正为负"))
    time = models.DateTimeField(_("记账时间"), default=timezone.now)
    voucher_no = models.CharField(_("凭证号"), max_length=64)
    document_no = models.CharField(_("拨付文号"), max_length=64, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("冲正的拨付"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    note = models.TextField(_("说明"), blank=True)
    trace = models.JSONField(_("测算依据"), default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记账人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    # Hashed into the ledger's hash chain (core.chain): every stored column. A column added later is
    # listed here only if old rows read as NULL or empty text (left out of a row's hash).
    chain_fields: ClassVar[tuple[str, ...]] = (
        "id", "created", "last_updated", "fund_id", "year", "application_id", "kind", "attempt", "amount_fen",
        "time", "voucher_no", "document_no", "reverses_id", "note", "trace", "recorded_by_id",
    )  # fmt: skip

    class Meta:
        verbose_name = _("拨付台账")
        verbose_name_plural = _("拨付台账")
        ordering = ["-time", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "attempt"], name="ledger_one_payment_per_attempt"),
            models.CheckConstraint(
                condition=Q(kind="payment", amount_fen__gt=0, reverses__isnull=True)
                | Q(kind="reversal", amount_fen__lt=0, reverses__isnull=False),
                name="ledger_payment_positive_reversal_negative",
            ),
        ]
        indexes = [models.Index(fields=["fund", "time"], name="ledger_fund_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.voucher_no}"

    @classmethod
    def history_display(cls, name: str, value: Any, row: dict[str, Any], cache: dict[Any, Any]) -> str | None:
        """The computation an entry carries, in words: its conclusion and the parameters used."""
        if name != "trace" or not isinstance(value, dict):
            return None
        from policies.explaining import reason_text
        from policies.packinfo import version_text

        pack = value.get("pack") or {}
        parts = []
        if value.get("reason"):
            parts.append(_("测算结论：%(reason)s") % {"reason": reason_text(str(value["reason"]))})
        if value.get("params_version") and pack.get("code"):
            version = version_text(pack["code"], value.get("year"), str(value["params_version"]))
            parts.append(_("参数：%(version)s") % {"version": version})
        return "；".join(str(p) for p in parts) or str(_("详见奖补申请页"))

    def get_absolute_url(self) -> str:
        return reverse("policies:application_detail", args=[self.application_id])

    def chain_text(self, *, hide_values: bool = False) -> str:
        """The entry in words, for the integrity report (core.chain); the three administrators
        (`hide_values`) read when and what kind, not the money."""
        when = timezone.localtime(self.time).strftime("%Y-%m-%d %H:%M:%S")
        if hide_values:
            return f"{when} {self.get_kind_display()}"
        return f"{when} {self.get_kind_display()} {yuan_text(self.amount_fen)} {_('凭证号')} {self.voucher_no}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("ledger entries are append-only")

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if scope.role == Role.ENTERPRISE:
            return Q(application__enterprise_id=scope.enterprise_id or 0) if action in READ else None
        if action in READ or (action == ADD and scope.role == Role.BUREAU):
            return district_q(scope, action, "fund__pack__region")
        return None  # never changed, never deleted
