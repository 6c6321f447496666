from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from . import auth, checks  # noqa: F401  (checks registers itself)

        auth.connect()


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the portal's site (two-factor login when required)."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
