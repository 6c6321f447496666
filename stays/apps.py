from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stays"
    verbose_name = _("Stays and border crossings")
