from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import appconfig

if TYPE_CHECKING:
    from accounts.models import User  # apps.py runs before the models load


class PoliciesConfig(appconfig.EcbaseAppConfig):
    name = "policies"
    verbose_name = _("扶持政策兑现")
    api_models = ("PolicyPack", "AwardApplication", "LedgerEntry")
    demo_order = 30

    def menu(self, user: User) -> list[appconfig.MenuEntry]:
        from core.roles import Role
        from core.scoping import VIEW, can
        from policies.models import AwardApplication, LedgerEntry, PolicyPack

        own = user.role == Role.ENTERPRISE
        entries = []
        if can(user, PolicyPack, VIEW):
            entries.append(appconfig.MenuEntry(70, _("扶持政策"), reverse("policies:pack_list")))
        if can(user, AwardApplication, VIEW):
            label = _("我的奖补申请") if own else _("奖补申请")
            entries.append(appconfig.MenuEntry(80, label, reverse("policies:application_list")))
        if can(user, LedgerEntry, VIEW):
            entries.append(
                appconfig.MenuEntry(90, _("我的拨付") if own else _("拨付台账"), reverse("policies:ledger_list"))
            )
        if user.role == Role.BUREAU and can(user, PolicyPack, VIEW):
            entries.append(appconfig.MenuEntry(100, _("政策模拟"), reverse("policies:whatif_index")))
        return entries

    def demo_seed(self, *, seed: int, enterprises: int, log: Callable[[str], None]) -> appconfig.DemoPart:
        from policies.demo import seed_policies

        counts = seed_policies()
        return appconfig.DemoPart(
            counts,
            _("扶持政策 %(packs)d 套（事实 %(facts)d 条，兑现申请 %(awards)d 份，已支付 %(payments)d 笔）")
            % {
                "packs": counts.get("packs", 0),
                "facts": counts.get("facts", 0),
                "awards": counts.get("applications", 0),
                "payments": counts.get("payments", 0),
            },
        )
