"""Country rules for the "Catalogue editors"; crossings and statuses read-only for superusers
(who may delete a crossing; the person's stored status is renewed at once)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CountryRule, Crossing, StayStatus


@admin.register(CountryRule)
class CountryRuleAdmin(admin.ModelAdmin):
    list_display = [
        "country",
        "regime",
        "single_stay_days",
        "window_days",
        "max_days",
        "rolling_from",
        "note",
    ]
    # Limits are edited straight from the list, so changing one regime's limits for many
    # countries is a single save.
    list_editable = ["regime", "single_stay_days", "window_days", "max_days"]
    list_filter = ["regime"]
    search_fields = ["country", "note"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["country", "regime", "note"]}),
        (
            _("Limits"),
            {
                "fields": ["single_stay_days", "window_days", "max_days", "rolling_from"],
                "description": _(
                    "Used for the visa-free and EAEU regimes only; a visa sets the stay of "
                    "visa-required citizens."
                ),
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Crossing)
class CrossingAdmin(_ReadOnly):
    list_display = ["person", "entry", "exit", "note"]
    list_select_related = ["person"]
    search_fields = ["person__email", "person__full_name"]
    raw_id_fields = ["person"]
    date_hierarchy = "entry"

    # A superuser may delete crossings here. Every write renews the person's stored status
    # through the stays services, as the traveller's own pages do, not at the next daily scan.

    def delete_model(self, request: HttpRequest, obj: Crossing) -> None:
        services.crossing_delete(crossing=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Crossing]) -> None:
        services.crossings_delete(crossings=queryset)


@admin.register(StayStatus)
class StayStatusAdmin(_ReadOnly):
    list_display = [
        "person",
        "on",
        "regime",
        "days_in_window",
        "days_remaining",
        "in_country",
        "latest_exit_date",
        "violation_count",
    ]
    list_select_related = ["person"]
    list_filter = ["regime", "in_country"]
    search_fields = ["person__email", "person__full_name"]
    raw_id_fields = ["person"]
