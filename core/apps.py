from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import appconfig


class CoreConfig(appconfig.EcbaseAppConfig):
    name = "core"
    verbose_name = _("公共")

    def menu(self, user: Any) -> list[appconfig.MenuEntry]:
        from core.roles import Role

        entries = [appconfig.MenuEntry(140, _("节假日安排"), reverse("core:calendar_list"))]
        if user.role in (Role.MINISTRY, Role.AUDITOR, Role.SECADMIN):
            entries.append(appconfig.MenuEntry(150, _("操作日志"), reverse("core:changelog_list")))
        if user.role in (Role.MINISTRY, Role.AUDITOR):  # core.chain_views.READERS
            entries.append(appconfig.MenuEntry(151, _("日志完整性校验"), reverse("core:chain_status")))
        return entries
