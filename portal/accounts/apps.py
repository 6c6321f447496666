from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, login (throttle, two-factor). Label ``portal``: see ``models.py``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.accounts"
    label = "portal"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from . import auth

        auth.connect()
