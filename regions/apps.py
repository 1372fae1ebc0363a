from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import appconfig

if TYPE_CHECKING:
    from accounts.models import User  # apps.py runs before the models load


class RegionsConfig(appconfig.EcbaseAppConfig):
    name = "regions"
    verbose_name = _("行政区划")
    api_models = ("Region", "QuotaUnit", "DemoCity")

    def menu(self, user: User) -> list[appconfig.MenuEntry]:
        return [
            appconfig.MenuEntry(110, _("行政区划"), reverse("regions:region_list")),
            appconfig.MenuEntry(120, _("申报单位"), reverse("regions:quotaunit_list")),
            appconfig.MenuEntry(130, _("示范城市"), reverse("regions:democity_list")),
        ]
