"""The ministry's admin site: the Django admin, with two-factor login when it is required.

``OTP_REQUIRED_FOR_ADMIN`` is read on each request (on in production, off in the demo): when on,
only staff verified by a one-time code at login get in, as with django-otp's OTPAdminSite.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("Foreign specialist portal: ministry staff")
    site_title = _("Ministry staff")
    index_title = _("Administration")

    @property  # type: ignore[override]
    def login_form(self) -> Any:
        if not settings.OTP_REQUIRED_FOR_ADMIN:
            return None
        from django_otp.admin import OTPAdminAuthenticationForm

        return OTPAdminAuthenticationForm

    @property  # type: ignore[override]
    def login_template(self) -> Any:
        if not settings.OTP_REQUIRED_FOR_ADMIN:
            return None
        from django_otp.admin import OTPAdminSite

        return OTPAdminSite.login_template

    def has_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_permission(request)
        if allowed and settings.OTP_REQUIRED_FOR_ADMIN:
            return bool(request.user.is_verified())
        return allowed
