from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfessionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "professions"
    verbose_name = _("In-demand professions")
