from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import appconfig


class CoreConfig(appconfig.EcbaseAppConfig):
    name = "core"
    verbose_name = _("公共")

    def ready(self) -> None:
        # Every model date in a ModelSerializer says “2017 年 2 月没有 29 日” rather than DRF's
        # “日期格式错误” for a date that does not exist, and a date-time outside 1949–2100 is refused
        # in words (core.api.fields).
        from django.db import models
        from rest_framework import serializers

        from core.api.fields import DateField, DateTimeField

        serializers.ModelSerializer.serializer_field_mapping[models.DateField] = DateField
        serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = DateTimeField

    def menu(self, user: Any) -> list[appconfig.MenuEntry]:
        from core.roles import Role

        entries = [appconfig.MenuEntry(140, _("节假日安排"), reverse("core:calendar_list"))]
        if user.role in (Role.MINISTRY, Role.AUDITOR, Role.SECADMIN):
            entries.append(appconfig.MenuEntry(150, _("操作日志"), reverse("core:changelog_list")))
        if user.role in (Role.MINISTRY, Role.AUDITOR):  # core.chain_views.READERS
            entries.append(appconfig.MenuEntry(151, _("日志完整性校验"), reverse("core:chain_status")))
        return entries
