from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        import django_countries
        from django.contrib.admin.templatetags import admin_list

        from . import admin_site, auth, checks, countries  # noqa: F401  (checks registers itself)

        auth.connect()
        # django-countries sorts its lists with the module's ``sort_key`` (ASCII letters only,
        # which leaves Cyrillic names unsorted): sort by the active language's alphabet instead.
        django_countries.sort_key = countries.sort_key
        # The admin's yes/no icons say "True"/"False" in English: say "Иә"/"Жоқ", "Да"/"Нет".
        admin_list._boolean_icon = admin_site.boolean_icon


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the portal's site (two-factor login when required)."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
