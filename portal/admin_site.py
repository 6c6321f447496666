"""The ministry's admin site: the Django admin, with two-factor login when it is required.

``OTP_REQUIRED_FOR_ADMIN`` is read on each request (on in production, off in the demo): when on,
only staff whose session was verified by a one-time code get in (``portal/accounts/two_factor.py``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("Foreign specialist portal: ministry staff")
    site_title = _("Ministry staff")
    index_title = _("Administration")
    # No side bar of every model beside each page: staff reach their lists from the home page
    # and the breadcrumbs, and the review queue keeps the laptop's width for its columns.
    enable_nav_sidebar = False

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """With two-factor login, staff log in on the portal's login page and then pass a code
        (``portal/accounts/two_factor.py``); the admin's own password-only form is not offered."""
        if settings.OTP_REQUIRED_FOR_ADMIN and not request.user.is_authenticated:
            target = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
                "admin:index", current_app=self.name
            )
            return redirect_to_login(target, reverse("login"))
        return super().login(request, extra_context)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        """Django's ``each_context``, but ``available_apps`` (every model of every app, each
        checked against the user's permissions: a millisecond on each admin page) is made only
        if a template reads it. Only the side bar does, and it is off.

        ``tests/portal/test_admin_site.py`` holds this to Django's own."""
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def has_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_permission(request)
        if allowed and settings.OTP_REQUIRED_FOR_ADMIN:
            return bool(request.user.is_verified())
        return allowed


def boolean_icon(value: bool | None) -> str:
    """Django admin's yes/no icon, with its alt text in the reader's language.

    Django writes the alt text as the Python value ("True", "False"), in English whatever the
    language, and a screen reader reads it out; ``PortalAdminConfig.ready`` puts this one there.
    """
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {True: _("Yes"), False: _("No"), None: _("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)
