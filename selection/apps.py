from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import appconfig


class SelectionConfig(appconfig.EcbaseAppConfig):
    name = "selection"
    verbose_name = _("申报与评审")
    api_models = ("Call", "Application")
    demo_order = 20

    def menu(self, user: Any) -> list[appconfig.MenuEntry]:
        from core.roles import Role
        from core.scoping import VIEW, can
        from selection.models import Call

        entries = []
        if can(user, Call, VIEW):
            entries.append(appconfig.MenuEntry(40, _("申报"), reverse("selection:call_list")))
        if user.role == Role.MINISTRY:
            entries.append(appconfig.MenuEntry(50, _("评审"), reverse("selection:stage_list")))
        if user.role == Role.EXPERT:
            entries.append(appconfig.MenuEntry(60, _("我的评审"), reverse("selection:my_reviews")))
        return entries

    def demo_seed(self, *, seed: int, enterprises: int, log: Callable[[str], None]) -> appconfig.DemoPart:
        from selection.demo import seed_selection

        counts = seed_selection(seed)
        return appconfig.DemoPart(
            counts,
            _(
                "申报批次 %(calls)d 个（其中 1 个在初步评议中：申报 %(applications)d 份，"
                "专家 %(experts)d 人，已提交评分表 %(sheets)d 份）"
            )
            % {
                "calls": counts.get("calls", 0),
                "applications": counts.get("applications", 0),
                "experts": counts.get("experts", 0),
                "sheets": counts.get("sheets", 0),
            },
        )
