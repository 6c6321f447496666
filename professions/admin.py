"""The catalogue in the Django admin, kept by "Catalogue editors" (permissions:
portal/accounts/roles.py).

Nobody deletes a profession or a sphere here: a profession leaves the list by the "withdraw"
action, which records the ministerial order, and comes back by "reinstate".
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.admin import ImportExportModelAdmin
from modeltranslation.admin import TranslationAdmin

from portal.core import spreadsheets
from portal.core.csvsafe import SafeCSV, SafeXLSX

from . import access, services
from .forms import OrderForm
from .models import Profession, Sphere
from .resources import IMPORT_FORMATS, ProfessionResource


@admin.register(Sphere)
class SphereAdmin(TranslationAdmin):
    list_display = ["name", "slug", "position", "profession_count"]
    search_fields = ["slug", "name_en", "name_ru", "name_kk"]
    ordering = ["position", "slug"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sphere]:
        return super().get_queryset(request).annotate(profession_count=Count("professions"))

    @admin.display(description=gettext_lazy("professions"), ordering="profession_count")
    def profession_count(self, sphere: Sphere) -> int:
        return sphere.profession_count  # type: ignore[attr-defined]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("listed", _("On the list")), ("withdrawn", _("Withdrawn"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Profession]) -> Any:
        if self.value() == "listed":
            return queryset.filter(is_listed=True)
        if self.value() == "withdrawn":
            return queryset.filter(is_listed=False)
        return queryset


@admin.register(Profession)
class ProfessionAdmin(ImportExportModelAdmin, TranslationAdmin):
    resource_classes = [ProfessionResource]
    # Neutralised against formulae on export (portal/core/csvsafe.py); read as a person's
    # spreadsheet on import (portal/core/spreadsheets.py), in the same order (CSV, then XLSX).
    export_formats = [SafeCSV, SafeXLSX]
    import_formats = IMPORT_FORMATS
    # Kept in the default storage, not a local temp folder: the confirmation may reach another
    # web process than the preview did.
    tmp_storage_class = "import_export.tmp_storages.MediaStorage"

    list_display = [
        "code",
        "title",
        "sphere",
        "min_education",
        "min_experience_years",
        "is_listed",
        "added_order",
        "withdrawn_order",
    ]
    list_display_links = ["code", "title"]
    list_filter = [StatusFilter, "sphere", "min_education"]
    list_select_related = ["sphere"]
    search_fields = ["code", "title_en", "title_ru", "title_kk"]
    search_help_text = gettext_lazy("Code, or part of a title in Kazakh, Russian or English.")
    ordering = ["code"]
    actions = ["withdraw", "reinstate"]
    fieldsets = (
        (None, {"fields": ("code", "title", "description", "sphere")}),
        (gettext_lazy("Qualification"), {"fields": ("min_education", "min_experience_years")}),
        (
            gettext_lazy("On the list"),
            {
                "fields": (
                    "is_listed",
                    ("added_order_number", "added_order_date"),
                    ("withdrawn_order_number", "withdrawn_order_date"),
                )
            },
        ),
    )

    @admin.display(description=gettext_lazy("added by order"), ordering="added_order_date")
    def added_order(self, profession: Profession) -> str:
        return _order(profession.added_order_number, profession.added_order_date)

    @admin.display(description=gettext_lazy("withdrawn by order"), ordering="withdrawn_order_date")
    def withdrawn_order(self, profession: Profession) -> str:
        return _order(profession.withdrawn_order_number, profession.withdrawn_order_date)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Profession], search_term: str
    ) -> tuple[QuerySet[Profession], bool]:
        # The same search as the public catalogue: case-insensitive in every alphabet, also on
        # SQLite (whose LIKE folds ASCII only).
        return queryset.search(search_term), False  # type: ignore[attr-defined]

    # --- Permissions: decided in access.py ---------------------------------------------------

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_listing_permission(self, request: HttpRequest) -> bool:
        return access.can_change_listing(request.user)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return access.can_import(request.user)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return access.can_export(request.user)

    # --- Import ---------------------------------------------------------------------------

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        # What is wrong with the file and what to do, not the name of a Python exception.
        if isinstance(e, spreadsheets.FileProblem):
            message = e.message
        else:
            message = _(
                "This file cannot be read as %(format)s. Choose the format the file is in "
                "(CSV or XLSX) in the list, or save the file again from your spreadsheet "
                "program as “CSV UTF-8” or as an Excel workbook (.xlsx)."
            ) % {"format": _format_name(form)}
        form.add_error("import_file", message)

    def process_result(self, result: Any, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            # The catalogue changed between the preview and the confirmation; the import was
            # rolled back as a whole.
            messages.error(
                request,
                _("Nothing was imported: the file no longer passes the checks. Import it again."),
            )
            info = (self.opts.app_label, self.opts.model_name)
            return HttpResponseRedirect(reverse("admin:%s_%s_import" % info))
        return super().process_result(result, request)

    # --- Withdraw / reinstate --------------------------------------------------------------

    @admin.action(
        permissions=["change_listing"],
        description=gettext_lazy("Withdraw the selected professions from the list"),
    )
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Profession]) -> Any:
        return self._order_action(request, queryset, withdrawing=True)

    @admin.action(
        permissions=["change_listing"],
        description=gettext_lazy("Reinstate the selected professions on the list"),
    )
    def reinstate(self, request: HttpRequest, queryset: QuerySet[Profession]) -> Any:
        return self._order_action(request, queryset, withdrawing=False)

    def _order_action(
        self, request: HttpRequest, queryset: QuerySet[Profession], *, withdrawing: bool
    ) -> Any:
        """First show a page asking for the order; when it comes back filled in, apply it."""
        professions = list(queryset.select_related("sphere"))
        affected = [p for p in professions if p.is_listed == withdrawing]
        if not affected:
            messages.warning(
                request,
                _("None of the selected professions is on the list.")
                if withdrawing
                else _("None of the selected professions is withdrawn."),
            )
            return None
        form = OrderForm(
            request.POST if "apply" in request.POST else None,
            professions=affected,
            withdrawing=withdrawing,
        )
        if form.is_valid():
            number = form.cleaned_data["order_number"]
            date = form.cleaned_data["order_date"]
            change = (
                services.professions_withdraw if withdrawing else services.professions_reinstate
            )
            changed = change(professions=affected, order_number=number, order_date=date)
            order = _order(number, date)
            for profession in changed:
                self.log_change(
                    request,
                    profession,
                    (_("Withdrawn by %(order)s") if withdrawing else _("Reinstated by %(order)s"))
                    % {"order": order},
                )
            count = len(changed)
            messages.success(
                request,
                (
                    ngettext(
                        "%(count)d profession withdrawn by %(order)s.",
                        "%(count)d professions withdrawn by %(order)s.",
                        count,
                    )
                    if withdrawing
                    else ngettext(
                        "%(count)d profession reinstated by %(order)s.",
                        "%(count)d professions reinstated by %(order)s.",
                        count,
                    )
                )
                % {"count": count, "order": order},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Withdraw professions from the list")
            if withdrawing
            else _("Reinstate professions on the list"),
            "opts": self.opts,
            "form": form,
            "affected": affected,
            "skipped": [p for p in professions if p.is_listed != withdrawing],
            "withdrawing": withdrawing,
            "action": "withdraw" if withdrawing else "reinstate",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "professions/admin/order_form.html", context)


def _format_name(form: Any) -> str:
    try:
        return IMPORT_FORMATS[int(form.cleaned_data["format"])]().get_title().upper()
    except (KeyError, ValueError, IndexError):
        return "CSV"


def _order(number: str, date: Any) -> str:
    if not number:
        return ""
    if not date:
        return _("Order No. %(number)s") % {"number": number}
    return _("Order No. %(number)s of %(date)s") % {
        "number": number,
        "date": date_format(date, "DATE_FORMAT"),
    }
