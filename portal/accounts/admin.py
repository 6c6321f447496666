"""Users and the admin log, in the Django admin; staff devices kept out of it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import two_factor
from portal.accounts.models import User, normalise_email


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "kind", "employer", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    list_select_related = ["employer"]
    raw_id_fields = ["employer"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "kind", "citizenship", "preferred_language")}),
        (_("Organisation"), {"fields": ("employer", "employer_confirmed")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "kind", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ["groups"]

    actions = ["reset_two_factor"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        obj.email = normalise_email(obj.email)  # logins look the address up in this form
        super().save_model(request, obj, form, change)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("reset_two_factor", None)
        return actions

    @admin.action(description=_("Reset two-factor authentication (lost phone)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """A superuser removes the authenticator and recovery codes of the chosen staff; each is
        e-mailed and sets up a new authenticator at next login (``portal/two_factor.py``)."""
        for user in queryset:
            two_factor.reset(user=user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d person.",
                "Two-factor authentication was reset for %(count)d people.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Accounts are deactivated, never deleted: deleting one would erase its admin log
        # entries (LogEntry.user cascades) and its status changes block it anyway.
        return False


@admin.register(LogEntry)
class AuditLogAdmin(admin.ModelAdmin):
    """Every change made in the admin, for superusers to read. Nobody can add, edit or delete."""

    list_display = [
        "action_time",
        "user",
        "content_type",
        "object_repr",
        "action_flag",
        "change_message_text",
    ]
    list_filter = ["action_flag", "content_type", "action_time"]
    search_fields = ["object_repr", "user__email", "change_message"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"

    @admin.display(description=_("change"))
    def change_message_text(self, entry: LogEntry) -> str:
        return entry.get_change_message()

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# Staff devices change only through ``portal/two_factor.py`` (set up, replace with a code, a
# superuser's recorded and e-mailed reset): django-otp's own device pages would show a staff
# member's key and recovery codes, and add, edit or delete devices with no record or e-mail.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)
