"""The organisation's arrival registrations: the list by urgency, and one registration to
record. Access is decided in ``access.py``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.accounts.access import employer_required
from portal.core.clock import today

from . import access, services
from .forms import MadeForm, NotNeededForm
from .models import ArrivalRegistration

RECENT = 50


@employer_required
def registrations(request: HttpRequest) -> HttpResponse:
    rows = access.organisation_registrations(request.user).select_related("person", "recorded_by")
    on = today()
    open_rows = list(rows.filter(state=ArrivalRegistration.State.OPEN).order_by("deadline", "pk"))
    done = rows.exclude(state=ArrivalRegistration.State.OPEN).order_by("-recorded_at", "-pk")
    return render(
        request,
        "arrivals/list.html",
        {"due": services.due(open_rows, on), "done": list(done[:RECENT]), "on": on},
    )


@employer_required
def registration(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(
        access.organisation_registrations(request.user).select_related("person", "recorded_by"),
        pk=pk,
    )
    action = request.POST.get("action") if request.method == "POST" else None
    made = MadeForm(request.POST if action == "made" else None, initial={"made_on": today()})
    not_needed = NotNeededForm(request.POST if action == "not_needed" else None)
    form = None
    if action and access.can_record(request.user, obj):
        form = made if action == "made" else not_needed
        if form.is_valid():
            try:
                if action == "made":
                    services.registration_record_made(
                        registration=obj,
                        made_on=form.cleaned_data["made_on"],
                        reference=form.cleaned_data["reference"],
                        by=request.user,
                    )
                else:
                    services.registration_record_not_needed(
                        registration=obj, reason=form.cleaned_data["reason"], by=request.user
                    )
            except services.RegistrationError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("The arrival registration is recorded."))
                return redirect("arrivals:list")
    elif action:
        messages.error(request, _("This arrival registration has already been recorded."))
        return redirect("arrivals:registration", pk=obj.pk)
    return render(
        request,
        "arrivals/registration.html",
        # Shown again with its errors, 200 like every form of the portal; ``form`` (the one
        # sent) gives the error summary.
        {"r": obj, "made_form": made, "not_needed_form": not_needed, "form": form, "on": today()},
    )
