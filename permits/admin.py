"""The review queue in the Django admin, for the "Reviewers" group.

``status`` is never edited as a field: the change page shows one button per move that
``workflow.allowed_next()`` allows, each opening a small form that calls ``transition()``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from portal.core import admin_rows
from portal.core.clock import start_of, today
from portal.core.countries import collation_key, country_name
from professions.models import Profession

from . import access
from .models import Application, Document, DocumentType, Permit, PermitRules, Route, StatusChange
from .states import (
    CLOCK_RUNNING,
    MOVE_LABELS,
    RETURN_TO_QUEUE,
    InvalidTransition,
    Status,
    move_to,
)
from .workflow import allowed_next, transition

ROUTE_SHORT: dict[str, Any] = {
    Route.FACILITATED: pgettext_lazy("route", "Facilitated"),
    Route.STANDARD: pgettext_lazy("route", "Standard"),
}


# --- the queue's computed columns, each as a function of the row made once per page ---
def _checkboxes() -> Callable[[Application], str]:
    """Django's action checkbox (``ModelAdmin.action_checkbox``), its label translated once."""
    label = _("Select this object for an action - {}")
    name = html.escape(admin.helpers.ACTION_CHECKBOX_NAME)

    def checkbox(application: Application) -> str:
        return mark_safe(  # noqa: S308 (what format_html writes: the arguments escaped)
            f'<input type="checkbox" name="{name}" value="{html.escape(str(application.pk))}" '
            f'class="action-select" aria-label="{label.format(html.escape(str(application)))}">'
        )

    return checkbox


def _citizenship_names() -> Callable[[Application], str]:
    """``country_name`` of each citizenship, once per page for each code."""
    names: dict[Any, str] = {}

    def name(application: Application) -> str:
        code = application.__dict__.get("citizenship")  # what the field's descriptor reads
        if code is None:  # deferred: read through the field
            return country_name(application.citizenship.code)
        shown = names.get(code)
        if shown is None:
            shown = names[code] = country_name(application.citizenship.code)
        return shown

    return name


def _route_labels() -> Callable[[Application], str]:
    labels = {route: str(label) for route, label in ROUTE_SHORT.items()}
    return lambda application: labels.get(application.route, application.route)


def _status_labels() -> Callable[[Application], str]:
    labels = {status: str(label) for status, label in Status.choices}
    return lambda application: labels.get(application.status, application.status)


def _days_waiting(on: date) -> Callable[[Application], int | None]:
    return lambda application: application.days_waiting(on)


def _days_left(on: date) -> Callable[[Application], str]:
    """Days to the decision as the queue shows them, on the day ``on``."""
    paused, overdue = _("%(days)d (paused)"), _("%(days)d overdue")

    def days_left(application: Application) -> str:
        left = application.days_left(on)
        if left is None:
            return "—"
        if application.status == Status.INFO_REQUESTED:
            return paused % {"days": left}
        if left < 0:
            return overdue % {"days": -left}
        return str(left)

    return days_left


class OpenStatusFilter(admin.SimpleListFilter):
    """Opens on the applications that still need work; "All" shows the rest."""

    title = gettext_lazy("status")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("all", _("All")), *[(s.value, s.label) for s in Status if s != Status.DRAFT]]

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open (needs work)"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> Any:
        if self.value() is None:
            return queryset.open()
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


class AssignedFilter(admin.SimpleListFilter):
    title = gettext_lazy("reviewer")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("mine", _("Mine")), ("unassigned", _("Unassigned"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> Any:
        if self.value() == "mine":
            return queryset.filter(reviewer=request.user)
        if self.value() == "unassigned":
            return queryset.filter(reviewer__isnull=True)
        return queryset


class DueFilter(admin.SimpleListFilter):
    title = gettext_lazy("decision due")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("Overdue")),
            ("week", _("Due within a week")),
            ("paused", _("Clock paused (information requested)")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> Any:
        on = today()
        running = queryset.filter(status__in=CLOCK_RUNNING)
        if self.value() == "overdue":
            return running.filter(due_date__lt=on)
        if self.value() == "week":
            return running.filter(due_date__gte=on, due_date__lte=on + timedelta(days=7))
        if self.value() == "paused":
            return queryset.filter(status=Status.INFO_REQUESTED)
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    title = gettext_lazy("days waiting")
    parameter_name = "waiting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("7", _("More than 7 days")),
            ("30", _("More than 30 days")),
            ("45", _("More than 45 days")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> Any:
        if self.value() in {"7", "30", "45"}:
            # Submitted before the start of that day in Almaty: compared as moments, so the
            # database's own time-zone data plays no part (``Application.days_waiting``).
            since = start_of(today() - timedelta(days=int(self.value())))
            return queryset.filter(submitted_at__lt=since)
        return queryset


class ProfessionFilter(admin.SimpleListFilter):
    """Professions of the chosen sphere: the whole list would be thousands of links."""

    title = gettext_lazy("profession")
    parameter_name = "profession"
    sphere_parameter = "profession__sphere__id__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:

        sphere = request.GET.get(self.sphere_parameter, "")
        if not sphere.isdigit():
            return []  # shown once a sphere is chosen
        return [
            (str(pk), f"{code} — {title}")
            for pk, code, title in Profession.objects.filter(sphere_id=sphere)
            .order_by("code")
            .values_list("pk", "code", "title")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> Any:
        if self.value() and self.value().isdigit():
            return queryset.filter(profession_id=self.value())
        return queryset


def distinct_values(queryset: QuerySet[Any], field: str) -> list[Any]:
    """The distinct non-null values of ``field`` in ``queryset``, by a loose index scan.

    A recursive query jumps from one value to the next through the field's index, so it reads
    one index entry per distinct value (a few dozen countries) instead of every row, as
    ``SELECT DISTINCT`` would. PostgreSQL and SQLite both run it.
    """
    ordered = queryset.order_by(field).values_list(field, flat=True)
    first, first_params = ordered.exclude(**{f"{field}__isnull": True})[:1].query.sql_with_params()
    step, step_params = ordered.filter(**{f"{field}__gt": RawSQL("loose.v", ())})[
        :1
    ].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE loose(v) AS (SELECT * FROM ({first}) AS first_value "  # noqa: S608
            f"UNION ALL SELECT ({step}) FROM loose WHERE loose.v IS NOT NULL) "
            "SELECT v FROM loose WHERE v IS NOT NULL",
            [*first_params, *step_params],
        )
        return [row[0] for row in cursor.fetchall()]


class CitizenshipFilter(admin.SimpleListFilter):
    """Only the citizenships that occur among the applications, not all 249 countries."""

    title = gettext_lazy("citizenship")
    parameter_name = "citizenship"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        codes = distinct_values(model_admin.get_queryset(request), "citizenship")
        language = translation.get_language()
        return sorted(
            ((c, country_name(c)) for c in codes if c),
            key=lambda pair: collation_key(pair[1], language),
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> Any:
        if self.value():
            return queryset.filter(citizenship=self.value().upper()[:2])
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["doc_type", "download", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def download(self, document: Document) -> str:
        url = reverse("permits:document", args=[document.pk])
        return format_html(
            '<a href="{}?inline=1" target="_blank" rel="noopener">{}</a>',
            url,
            document.original_name,
        )


def _person(user: Any) -> str:
    # A name, not a link: the user change page is the superuser's, a reviewer gets 403 there.
    return f"{user.full_name} <{user.email}>" if user is not None else "—"


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "by_name", "reason_text", "message", "note"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusChange]:
        return super().get_queryset(request).select_related("by")

    @admin.display(description=gettext_lazy("by"))
    def by_name(self, change: StatusChange) -> str:
        return _person(change.by)

    @admin.display(description=gettext_lazy("reason"))
    def reason_text(self, change: StatusChange) -> str:
        return change.reason_label() if change.reason else "—"


class MoveForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), required=False)
    message = forms.CharField(
        label=gettext_lazy("Message to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        max_length=5000,
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note (not sent)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        max_length=2000,
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, move: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if move.reasons is None:
            del self.fields["reason"]
            del self.fields["message"]
        else:
            self.fields["reason"].choices = [("", "---------"), *move.reasons.choices]
            self.fields["reason"].required = True


def default_message(application: Application, to: str, reason: str) -> str:
    """The standard text for a reason, in the applicant's language, for the reviewer to edit."""
    with translation.override(application.applicant.preferred_language):
        return render_to_string(
            f"permits/reasons/{to}.txt", {"application": application, "reason": reason}
        ).strip()


class QueueChangeList(ChangeList):
    """The queue's page of rows reads only what its columns show (``queue_fields``): not the
    notes, addresses and the professions' descriptions in three languages, a third of the time
    the rows took to load. Only the page's rows: actions and the change page read whole cases.
    ``tests/portal/test_admin_rows.py`` checks that writing the rows needs no further query."""

    def get_results(self, request: HttpRequest) -> None:
        queryset = self.queryset
        self.queryset = queryset.only(*self.model_admin.queue_fields)
        try:
            super().get_results(request)
        finally:
            self.queryset = queryset


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # What a reviewer decides by comes first: the status and the days left stay on screen at
    # 1,280 px beside the admin's two sidebars, whatever the length of names and titles.
    list_display = [
        "number",
        "status_label",
        "days_left",
        "full_name",
        "citizenship_name",
        "profession",
        "route_short",
        "reviewer",
        "submitted_at",
        "days_waiting",
    ]
    list_filter = [
        OpenStatusFilter,
        AssignedFilter,
        DueFilter,
        WaitingFilter,
        "route",
        "profession__sphere",
        ProfessionFilter,
        CitizenshipFilter,
        "submitted_at",
    ]
    search_help_text = gettext_lazy(
        "Name, passport number, application number, e-mail, or profession code or title."
    )
    list_per_page = 50
    # The exact total of an unfiltered queue costs a count over every row on each page view.
    show_full_result_count = False
    search_fields = [
        "number",
        "full_name",
        "passport_number",
        "applicant__email",
        "profession__code",
        "profession__title_en",
        "profession__title_ru",
        "profession__title_kk",
    ]
    list_select_related = ["reviewer", "profession"]
    # What the queue's columns read (``QueueChangeList``), and nothing else of the three tables.
    queue_fields = [
        "number",
        "status",
        "route",
        "full_name",
        "citizenship",
        "submitted_at",
        "due_date",
        "clock_paused_on",
        "decided_at",
        "profession__code",
        "profession__title_kk",
        "profession__title_ru",
        "profession__title_en",
        "reviewer__full_name",
        "reviewer__email",
    ]
    ordering = ["due_date", "submitted_at"]
    actions = ["take_for_review"]
    inlines = [DocumentInline, StatusChangeInline]

    readonly_fields = [
        "number",
        "status_label",
        "route",
        "applicant_name",
        "full_name",
        "date_of_birth",
        "citizenship",
        "phone",
        "address_in_kazakhstan",
        "passport_number",
        "passport_expiry",
        "profession",
        "profession_not_listed",
        "profession_other",
        "employer",
        "reviewer_name",
        "submitted_at",
        "decision_due",
        "clock_paused_on",
        "decided_at",
        "permit_info",
    ]
    fieldsets = [
        (
            gettext_lazy("Case"),
            {
                "fields": [
                    "number",
                    "status_label",
                    "route",
                    "reviewer_name",
                    "submitted_at",
                    "decision_due",
                    "clock_paused_on",
                    "decided_at",
                    "permit_info",
                ]
            },
        ),
        (
            gettext_lazy("Applicant"),
            {
                "fields": [
                    "applicant_name",
                    "full_name",
                    "date_of_birth",
                    "citizenship",
                    "phone",
                    "address_in_kazakhstan",
                ]
            },
        ),
        (gettext_lazy("Passport"), {"fields": ["passport_number", "passport_expiry"]}),
        (
            gettext_lazy("Profession and employer"),
            {"fields": ["profession", "profession_not_listed", "profession_other", "employer"]},
        ),
        (gettext_lazy("Internal"), {"fields": ["notes"]}),
    ]
    change_form_template = "admin/permits/application/change_form.html"

    class Media:
        css = {"all": ["css/admin-review.css"]}

    @admin.display(description=gettext_lazy("applicant"))
    def applicant_name(self, application: Application) -> str:
        return _person(application.applicant)

    @admin.display(description=gettext_lazy("reviewer"))
    def reviewer_name(self, application: Application) -> str:
        return _person(application.reviewer)

    # --- rows and permissions (access decided in permits/access.py) ---
    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        # The queue joins only what its columns show (``list_select_related``); the change
        # page reads the case with everything it shows (``get_object``).
        return access.applications_for_reviewer(request.user)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return QueueChangeList

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        queryset = self.get_queryset(request).select_related(
            "applicant", "profession__sphere", "reviewer", "employer", "permit"
        )
        meta = self.model._meta
        field = meta.pk if from_field is None else meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValueError, forms.ValidationError):
            return None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- columns ---
    # Each column the queue computes has a per-page form (``admin_rows.per_page``): the labels
    # translated and today's date read once per page, not once per row. The methods give the
    # same, one row at a time (``tests/portal/test_admin_rows.py`` compares the two).
    @admin_rows.per_page(_checkboxes)
    def action_checkbox(self, obj: Application) -> str:
        # Django's own markup, written out: its version renders a widget template for each
        # row of the queue (a sixth of the page's time).
        return _checkboxes()(obj)

    @admin.display(description=gettext_lazy("citizenship"), ordering="citizenship")
    @admin_rows.per_page(_citizenship_names)
    def citizenship_name(self, application: Application) -> str:
        return country_name(application.citizenship.code)

    @admin.display(description=gettext_lazy("route"), ordering="route")
    @admin_rows.per_page(_route_labels)
    def route_short(self, application: Application) -> str:
        # One word in the queue (the full label, with what the route needs, on the case).
        return _route_labels()(application)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    @admin_rows.per_page(_status_labels)
    def status_label(self, application: Application) -> str:
        # The label straight from the enumeration: ``get_status_display`` rebuilds the
        # choices for every row.
        return _status_labels()(application)

    @admin.display(description=gettext_lazy("days waiting"), ordering="submitted_at")
    @admin_rows.per_page(lambda: _days_waiting(today()))
    def days_waiting(self, application: Application) -> int | None:
        return application.days_waiting(today())

    @admin.display(description=gettext_lazy("decision due"))
    def decision_due(self, application: Application) -> str:
        # The date the applicant is told (``Application.decision_due``), not the stored field.
        due = application.decision_due(today())
        if due is None:
            return "—"
        shown = date_format(due, "DATE_FORMAT")
        if application.status == Status.INFO_REQUESTED:
            return _(
                "%(date)s (the clock is paused: one day later for each day without an answer)"
            ) % {"date": shown}
        return shown

    @admin.display(description=gettext_lazy("days left"), ordering="due_date")
    @admin_rows.per_page(lambda: _days_left(today()))
    def days_left(self, application: Application) -> str:
        return _days_left(today())(application)

    @admin.display(description=gettext_lazy("permit"))
    def permit_info(self, application: Application) -> str:
        permit = getattr(application, "permit", None)
        if permit is None:
            return "—"
        return _("%(number)s, valid %(start)s – %(end)s") % {
            "number": permit.number,
            "start": permit.issue_date,
            "end": permit.valid_until,
        }

    # --- actions ---
    @admin.action(description=gettext_lazy("Take for review"), permissions=["change"])
    def take_for_review(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        taken, refused = 0, []
        for application in queryset:
            try:
                transition(application, Status.UNDER_REVIEW, by=request.user)
                taken += 1
            except InvalidTransition as error:
                refused.append(f"{application.number}: {error.message}")
        if taken:
            messages.success(
                request, _("%(count)d application(s) taken for review.") % {"count": taken}
            )
        for line in refused:
            messages.error(request, line)

    # --- the move buttons ---
    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/move/<slug:to>/",
                self.admin_site.admin_view(self.move_view),
                name="permits_application_move",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        application = self.get_object(request, object_id)
        moves = []
        if application is not None:
            moves = [
                move_to(application.status, to) for to in allowed_next(application, request.user)
            ]
        extra = {
            **(extra_context or {}),
            "moves": moves,
            "days_left": application.days_left(today()) if application else None,
            "decision_due": application.decision_due(today()) if application else None,
        }
        return super().change_view(request, object_id, form_url, extra)

    def move_view(self, request: HttpRequest, object_id: int, to: str) -> HttpResponse:
        application = self.get_object(request, str(object_id))
        if application is None or to not in MOVE_LABELS:
            raise Http404
        if not self.has_change_permission(request, application):
            raise Http404
        move = move_to(application.status, to)
        change_url = reverse("admin:permits_application_change", args=[application.pk])
        form = MoveForm(
            request.POST or None, move=move, initial={"expected_status": application.status}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            reason, message = data.get("reason", ""), data.get("message", "")
            if move.reasons is not None and not message.strip() and reason != "other":
                # First pass: show the standard text so the reviewer reads (and may edit) it.
                bound = dict(request.POST.items())
                bound["message"] = default_message(application, to, reason)
                form = MoveForm(bound, move=move)
                form.is_valid()
                messages.info(
                    request, _("Check the message the applicant will receive, then confirm.")
                )
            else:
                try:
                    transition(
                        application,
                        to,
                        by=request.user,
                        reason=reason,
                        message=message,
                        note=data.get("note", ""),
                        expected_status=data["expected_status"],
                    )
                except InvalidTransition as error:
                    messages.error(request, error.message)
                else:
                    if move is RETURN_TO_QUEUE:
                        messages.success(
                            request,
                            _("%(number)s is back in the queue: any reviewer can take it.")
                            % {"number": application.number},
                        )
                        return HttpResponseRedirect(change_url)
                    messages.success(
                        request,
                        _("%(number)s: %(status)s.")
                        % {
                            "number": application.number,
                            "status": application.get_status_display(),
                        },
                    )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            "move": move,
            "form": form,
            "title": f"{move.label}: {application.number}",
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/permits/application/move.html", context)


@admin.register(DocumentType)
class DocumentTypeAdmin(TranslationAdmin):
    list_display = [
        "name",
        "code",
        "required_facilitated",
        "required_standard",
        "position",
        "is_active",
    ]
    list_editable = ["position"]
    list_filter = ["required_facilitated", "required_standard", "is_active"]
    search_fields = ["code", "name_en", "name_ru", "name_kk"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Permit)
class PermitAdmin(admin.ModelAdmin):
    list_display = ["number", "application", "issue_date", "valid_until", "revoked_on"]
    search_fields = ["number", "application__number", "application__full_name"]
    list_select_related = ["application"]
    # Revoked only through the application's "Revoke the permit" move (workflow.py).
    readonly_fields = ["number", "application", "issue_date", "valid_until", "revoked_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PermitRules)
class PermitRulesAdmin(admin.ModelAdmin):
    """The one row of permit rules: seen by staff, changed by those ``access`` allows; each
    change is recorded in the admin's log with the fields changed."""

    list_display = ["__str__", "decision_days", "passport_margin_days", "updated_at"]
    fields = ["decision_days", "passport_margin_days", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.can_view_permit_rules(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.can_change_permit_rules(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The row is made by a migration; only if it was lost can it be made again.
        return access.can_change_permit_rules(request.user) and not PermitRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
