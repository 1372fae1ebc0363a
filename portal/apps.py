from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top layer: what knows every app (menu, home pages, `/api/me/`, demo orchestration)."""

    name = "portal"
    verbose_name = _("门户")
