from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrivalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "arrivals"
    verbose_name = _("Arrival registrations")
