"""Working-day corrections for the "Catalogue editors"; registrations read-only for superusers."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import ArrivalRegistration, WorkingDayChange


@admin.register(WorkingDayChange)
class WorkingDayChangeAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "note", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["note"]
    date_hierarchy = "day"


@admin.register(ArrivalRegistration)
class ArrivalRegistrationAdmin(admin.ModelAdmin):
    """What organisations recorded; changed only on the organisation's pages."""

    list_display = ["person", "employer", "arrival", "deadline", "state", "made_on"]
    list_filter = ["state"]
    list_select_related = ["person", "employer"]
    raw_id_fields = ["sponsorship", "person", "crossing", "recorded_by"]
    show_full_result_count = False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
