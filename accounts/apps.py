from django.utils.translation import gettext_lazy as _

from core import appconfig


class AccountsConfig(appconfig.EcbaseAppConfig):
    name = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (login audit receivers)
