from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import appconfig

if TYPE_CHECKING:
    from accounts.models import User  # apps.py runs before the models load


class AccountsConfig(appconfig.EcbaseAppConfig):
    name = "accounts"
    verbose_name = _("账号与权限")
    api_models = ("User", "SecurityPolicy")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (login audit receivers)

    def menu(self, user: User) -> list[appconfig.MenuEntry]:
        from accounts.models import SecurityPolicy
        from accounts.models import User as UserModel
        from core.roles import Role
        from core.scoping import VIEW, can

        entries = []
        # Everyone may read their own account (the header's "我的账号"); the list is for the
        # administrators who see every account.
        if user.role in (Role.SYSADMIN, Role.SECADMIN) and can(user, UserModel, VIEW):
            entries.append(appconfig.MenuEntry(160, _("账号管理"), reverse("accounts:user_list")))
        if can(user, SecurityPolicy, VIEW):
            entries.append(appconfig.MenuEntry(170, _("安全策略"), reverse("accounts:security_policy")))
        return entries
