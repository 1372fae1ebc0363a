from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import appconfig

if TYPE_CHECKING:
    from accounts.models import User  # apps.py runs before the models load


class RegistryConfig(appconfig.EcbaseAppConfig):
    name = "registry"
    verbose_name = _("基地与企业")
    api_models = ("Base", "Enterprise", "Residency", "Title")
    demo_order = 10

    def menu(self, user: User) -> list[appconfig.MenuEntry]:
        from core.scoping import VIEW, can
        from registry.imports.columns import KINDS
        from registry.imports.jobs import may_import
        from registry.models import Base, Enterprise, Signup

        entries = []
        if can(user, Base, VIEW):
            entries.append(appconfig.MenuEntry(10, _("示范基地"), reverse("registry:base_list")))
        if can(user, Enterprise, VIEW):
            entries.append(appconfig.MenuEntry(20, _("企业"), reverse("registry:enterprise_list")))
        if can(user, Signup, VIEW):
            entries.append(appconfig.MenuEntry(25, _("企业账号申请"), reverse("registry:signup_list")))
        if any(may_import(user, kind) for kind in KINDS):
            entries.append(appconfig.MenuEntry(30, _("数据导入"), reverse("imports:index")))
        return entries

    def demo_has_data(self) -> bool:
        from registry.models import Base, Enterprise

        return Base.objects.exists() or Enterprise.objects.exists()

    def demo_seed(self, *, seed: int, enterprises: int, log: Callable[[str], None]) -> appconfig.DemoPart:
        from registry.demo.seeding import seed_registry

        return seed_registry(seed=seed, enterprises=enterprises, log=log)
