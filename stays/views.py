"""The traveller's pages (history, status, chart, planner, import, calendar) and the employer's
view of a sponsored person. Access is decided in ``access.py``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts.access import applicant_required, employer_required, role_of
from portal.core.dates import day_writer
from portal.core.links import url_pattern

from . import access, chart, csv_import, ical, services
from .forms import CrossingForm, EarliestEntryForm, ImportForm, LongestStayForm
from .models import CalendarFeed, Crossing


def _own_crossing(request: HttpRequest, pk: int) -> Crossing:
    return get_object_or_404(access.own_crossings(request.user).select_related("person"), pk=pk)


def _apply_history_errors(form: CrossingForm, error: services.HistoryError) -> None:
    for field, message in error.errors:
        form.add_error(field, message)


def _highlighted(overview: services.Overview) -> set[int]:
    """Crossings on which a violation begins, to mark them in the table."""
    a = overview.assessment
    if a is None:
        return set()
    marked = set()
    for v in a.violations:
        for c in overview.crossings:
            if c.entry <= v.first_day <= (c.exit or overview.on):
                marked.add(c.pk)
    return marked


def _status_context(overview: services.Overview) -> dict[str, Any]:
    a = overview.assessment
    context: dict[str, Any] = {"overview": overview, "a": a}
    on = overview.on
    # Dates written and addresses reversed once here, not by a filter or tag for each use in
    # the templates (the same text), with the date format worked out once per page.
    day = day_writer("DATE_FORMAT")
    dates = {"on": day(on), "must_leave": day(a.latest_exit_date) if a else ""}
    context["dates"] = dates
    context["violations"] = (
        [(v, day(v.first_day), day(v.last_day)) for v in a.violations] if a else []
    )
    if overview.limits is not None:
        context["chart"] = c = chart.build(
            services.window_series(overview), overview.limits.max_days
        )
        dates["chart_start"], dates["chart_end"] = day(c.start), day(c.end)
    marked = _highlighted(overview)
    edit_url, delete_url = url_pattern("stays:edit"), url_pattern("stays:delete")
    context["rows"] = [
        {
            "crossing": c,
            "days": (min(c.exit or on, on) - c.entry).days + 1 if c.entry <= on else 0,
            "marked": c.pk in marked,
            "entry": day(c.entry),
            "exit": day(c.exit),
            "edit_url": edit_url(c.pk),
            "delete_url": delete_url(c.pk),
        }
        for c in overview.crossings
    ]
    return context


@applicant_required
def history(request: HttpRequest) -> HttpResponse:
    """The status panel, the chart and the record of stays, with a form to add one."""
    form = CrossingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.crossing_create(
                person=request.user, entry=data["entry"], exit=data["exit"], note=data["note"]
            )
        except services.HistoryError as error:
            _apply_history_errors(form, error)
        else:
            messages.success(request, _("The stay is recorded."))
            return redirect("stays:history")
    overview = services.person_overview(request.user)
    token = CalendarFeed.objects.filter(person=request.user).values_list("token", flat=True).first()
    return render(
        request,
        "stays/history.html",
        {
            **_status_context(overview),
            "form": form,
            "feed_url": (
                request.build_absolute_uri(reverse("stays:calendar", args=[token]))
                if token
                else None
            ),
        },
    )


@applicant_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    crossing = _own_crossing(request, pk)
    form = CrossingForm(request.POST or None, instance=crossing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.crossing_update(
                crossing=crossing, entry=data["entry"], exit=data["exit"], note=data["note"]
            )
        except services.HistoryError as error:
            _apply_history_errors(form, error)
        else:
            messages.success(request, _("The stay is changed."))
            return redirect("stays:history")
    return render(
        request,
        "stays/edit.html",
        {"form": form, "crossing": crossing},
    )


@applicant_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    crossing = _own_crossing(request, pk)
    if request.method == "POST":
        services.crossing_delete(crossing=crossing)
        messages.success(request, _("The stay is deleted."))
        return redirect("stays:history")
    return render(request, "stays/delete.html", {"crossing": crossing})


@applicant_required
def planner(request: HttpRequest) -> HttpResponse:
    """For an entry date, the longest stay; for a length, the earliest entry date."""
    overview = services.person_overview(request.user)
    on = overview.on
    longest_form = LongestStayForm(
        request.GET if "entry" in request.GET else None, on=on, initial={"entry": on}
    )
    earliest_form = EarliestEntryForm(request.GET if "length" in request.GET else None)
    context: dict[str, Any] = {
        "overview": overview,
        "longest_form": longest_form,
        "earliest_form": earliest_form,
    }
    if overview.limits is not None:
        if longest_form.is_bound and longest_form.is_valid():
            context["longest"] = services.plan_longest_stay(
                overview, longest_form.cleaned_data["entry"]
            )
        if earliest_form.is_bound and earliest_form.is_valid():
            length = earliest_form.cleaned_data["length"]
            earliest = services.plan_earliest_entry(overview, length)
            context["earliest"] = {
                "length": length,
                "entry": earliest,
                "exit": earliest + timedelta(days=length - 1) if earliest else None,
            }
    return render(request, "stays/planner.html", context)


@login_required
def import_csv(request: HttpRequest) -> HttpResponse:
    """Import a CSV of crossings: a traveller's own, or an employer's for sponsored people."""
    role = role_of(request.user)
    if role not in ("applicant", "employer"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[csv_import.RowError] = []
    if request.method == "POST" and form.is_valid():
        result = csv_import.import_crossings(by=request.user, data=form.cleaned_data["file"])
        if result.ok:
            messages.success(
                request,
                _("%(count)d stays imported.") % {"count": result.created},
            )
            return redirect("stays:history" if role == "applicant" else "stays:import")
        errors = result.errors
    return render(
        request,
        "stays/import.html",
        {
            "form": form,
            "errors": errors,
            "for_employer": role == "employer",
            "people": access.sponsored_people(request.user).order_by("full_name")
            if role == "employer"
            else None,
        },
    )


@employer_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A sponsored person's status and record, read-only, for their employer."""
    sponsored = access.sponsored_people(request.user).filter(pk=pk).first()
    if sponsored is None:
        raise Http404
    overview = services.person_overview(sponsored)
    return render(request, "stays/person.html", {**_status_context(overview), "person": sponsored})


@applicant_required
@require_POST
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the private calendar address; an old address stops working."""
    services.calendar_feed_regenerate(person=request.user)
    messages.success(
        request,
        _("Your calendar address is ready. Any address given out before no longer works."),
    )
    return redirect(reverse("stays:history") + "#calendar")


def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: anyone with the private address, no login (calendar apps)."""
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        raise Http404
    overview = services.person_overview(feed.person)
    response = HttpResponse(ical.render(overview), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="stays.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex"
    return response
