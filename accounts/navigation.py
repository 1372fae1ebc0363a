"""The menu a user sees, decided by the same scope rules as the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


def menu_for(user: Any, path: str) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    from accounts.models import Role
    from accounts.scoping import VIEW, can
    from registry.models import Base, Enterprise

    entries: list[tuple[Any, str]] = [(_("首页"), reverse("portal-home"))]
    if can(user, Base, VIEW):
        entries.append((_("示范基地"), reverse("registry:base_list")))
    if can(user, Enterprise, VIEW):
        entries.append((_("企业"), reverse("registry:enterprise_list")))
    from registry.imports.columns import KINDS
    from registry.imports.jobs import may_import

    if any(may_import(user, kind) for kind in KINDS):
        entries.append((_("数据导入"), reverse("imports:index")))
    from selection.models import Call

    if can(user, Call, VIEW):
        entries.append((_("申报"), reverse("selection:call_list")))
    if user.role == Role.MINISTRY:
        entries.append((_("评审"), reverse("selection:stage_list")))
    if user.role == Role.EXPERT:
        entries.append((_("我的评审"), reverse("selection:my_reviews")))
    from policies.models import AwardApplication, LedgerEntry, PolicyPack

    own = user.role == Role.ENTERPRISE
    if can(user, PolicyPack, VIEW):
        entries.append((_("扶持政策"), reverse("policies:pack_list")))
    if can(user, AwardApplication, VIEW):
        entries.append((_("我的奖补申请") if own else _("奖补申请"), reverse("policies:application_list")))
    if can(user, LedgerEntry, VIEW):
        entries.append((_("我的拨付") if own else _("拨付台账"), reverse("policies:ledger_list")))
    if user.role == Role.BUREAU and can(user, PolicyPack, VIEW):
        entries.append((_("政策模拟"), reverse("policies:whatif_index")))
    entries.append((_("行政区划"), reverse("regions:region_list")))
    entries.append((_("申报单位"), reverse("regions:quotaunit_list")))
    entries.append((_("示范城市"), reverse("regions:democity_list")))
    entries.append((_("节假日安排"), reverse("core:calendar_list")))
    if user.role in (Role.MINISTRY, Role.AUDITOR, Role.SECADMIN):
        entries.append((_("操作日志"), reverse("core:changelog_list")))
    items = []
    for label, url in entries:
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label, url, active))
    return items
