from django.contrib.admin import apps as admin_apps


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the portal's site (two-factor login when required)."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.admin.templatetags import admin_list

        from . import admin_site

        # The admin's yes/no icons say "True"/"False" in English: say "Иә"/"Жоқ", "Да"/"Нет".
        admin_list._boolean_icon = admin_site.boolean_icon
