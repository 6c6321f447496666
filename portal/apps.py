from django.contrib.admin import apps as admin_apps


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the portal's site (two-factor login when required)."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
