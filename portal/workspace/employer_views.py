"""Employer pages: the staff an organisation sponsors, invitations, exports and the report.

Every page loads its rows through ``portal.staff`` for ``request.user.employer`` only, so no
object of another organisation is reachable by changing an id.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arrivals import dashboard as arrivals_dashboard
from permits.states import Status
from portal.accounts import auth
from portal.accounts.access import applicant_required, employer_required
from portal.core import csvsafe
from portal.core.clock import today
from portal.core.links import url_pattern
from portal.organisations import employers
from portal.organisations.models import ColleagueInvitation, Sponsorship
from portal.workspace import reports, staff
from portal.workspace.forms import ColleagueJoinForm, InviteForm


def _today() -> date:

    return today()


def dashboard_context(request: HttpRequest) -> dict[str, object]:
    employer = request.user.employer
    on = _today()
    everyone = staff.staff_rows(employer, on)
    table = staff.select(everyone, request.GET)
    page = Paginator(table.rows, 25).get_page(request.GET.get("page"))
    rows = staff.complete(list(page.object_list))
    summary = staff.overview(everyone)
    # Addresses worked out here once, not by a tag per row in the template.
    person_url = url_pattern("stays:person")
    end_url = url_pattern("portal:sponsorship_end")
    for row in rows:
        row.person_url = person_url(row.person_id)
        row.end_url = end_url(row.sponsorship_id)
    status_choices = _status_choices()
    labels = dict(status_choices)
    attention = [
        {
            "kind": kind,
            "label": label,
            "rows": summary.attention[kind][:10],
            "count": len(summary.attention[kind]),
            "more": len(summary.attention[kind]) > 10,
        }
        for kind, label in staff.ATTENTION.items()
    ]
    params = request.GET.copy()
    params.pop("page", None)
    waiting = employers.waiting(employer)
    return {
        **arrivals_dashboard.employer_summary(request.user, on),
        "employer": employer,
        "on": on,
        "page": page,
        "rows": rows,
        "table": table,
        "counts": [(status, labels.get(status or "none", ""), n) for status, n in summary.counts],
        "attention": attention,
        "query_string": params.urlencode(),
        "invitations": waiting[Sponsorship.Status.INVITED],
        "requests": waiting[Sponsorship.Status.REQUESTED],
        "pending_members": employers.members_waiting(employer),
        "status_choices": status_choices,
        "sort_columns": [
            ("name", _("Name")),
            ("citizenship", _("Citizenship")),
            ("", _("Profession")),
            ("status", _("Application")),
            ("permit", _("Permit")),
            ("passport", _("Passport expiry")),
            ("days_left", _("Days left")),
            ("leave_by", _("Must leave by")),
            ("", _("Violations")),
        ],
    }


def _status_choices() -> list[tuple[str, str]]:

    return [("none", _("No application")), *Status.choices]


def _invite(request: HttpRequest, prefix: str, send: Any) -> HttpResponse:
    """Validate the address of an invitation form, call ``send``, and say what happened."""
    form = InviteForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address to invite."))
        return redirect("portal:employer_dashboard")
    email = form.cleaned_data["email"]
    try:
        send(employer=request.user.employer, email=email, by=request.user)
    except employers.SponsorshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
    return redirect("portal:employer_dashboard")


@employer_required
@require_POST
def sponsorship_invite(request: HttpRequest) -> HttpResponse:
    return _invite(request, "staff", employers.sponsorship_invite)


@employer_required
@require_POST
def colleague_invite(request: HttpRequest) -> HttpResponse:
    return _invite(request, "colleague", employers.colleague_invite)


@employer_required
@require_POST
def sponsorship_end(request: HttpRequest, pk: int) -> HttpResponse:
    sponsorship = get_object_or_404(Sponsorship, pk=pk, employer=request.user.employer)
    try:
        employers.sponsorship_end(sponsorship=sponsorship, by=request.user)
    except employers.SponsorshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The sponsorship has ended."))
    return redirect("portal:employer_dashboard")


@employer_required
@require_POST
def sponsorship_request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline a professional's request to be sponsored (named in an application)."""
    sponsorship = get_object_or_404(
        Sponsorship,
        pk=pk,
        employer=request.user.employer,
        status=Sponsorship.Status.REQUESTED,
    )
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, _("Choose to accept or to decline the request."))
        return redirect("portal:employer_dashboard")
    try:
        employers.sponsorship_request_answer(
            sponsorship=sponsorship, by=request.user, accept=answer == "accept"
        )
    except employers.SponsorshipError as error:
        messages.error(request, str(error))
    else:
        text = _("You now sponsor %(name)s.") if answer == "accept" else _("You declined %(name)s.")
        messages.success(request, text % {"name": sponsorship.person.full_name})
    return redirect("portal:employer_dashboard")


@applicant_required
@require_POST
def my_sponsorship_end(request: HttpRequest) -> HttpResponse:
    sponsorship = employers.sponsor_of(request.user)
    if sponsorship is None:
        messages.error(request, _("You have no sponsoring employer."))
    else:
        employers.sponsorship_end(sponsorship=sponsorship, by=request.user)
        messages.success(request, _("The sponsorship has ended."))
    return redirect("portal:dashboard")


@applicant_required
def sponsorship_answer(request: HttpRequest, token: str) -> HttpResponse:
    sponsorship = Sponsorship.objects.select_related("employer").filter(token=token).first()
    problem = employers.invitation_problem(sponsorship, request.user)
    if request.method == "POST" and problem is None:
        accept = request.POST.get("answer") == "accept"
        try:
            employers.sponsorship_answer(token=token, user=request.user, accept=accept)
        except employers.SponsorshipError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("You accepted the sponsorship.") if accept else _("You declined the invitation."),
            )
            return redirect("portal:dashboard")
    return render(
        request,
        "portal/sponsorship_answer.html",
        {"sponsorship": sponsorship, "problem": problem},
        status=400 if problem else 200,
    )


def colleague_join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = ColleagueInvitation.objects.select_related("employer").filter(token=token).first()
    problem = employers.colleague_invitation_problem(invitation)
    if problem:
        return render(request, "portal/colleague_join.html", {"problem": problem}, status=400)
    assert invitation is not None
    form = ColleagueJoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = employers.colleague_join(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
        except employers.SponsorshipError as error:
            return render(
                request, "portal/colleague_join.html", {"problem": str(error)}, status=400
            )
        login(request, user, backend=auth.BACKEND)
        return redirect("portal:employer_dashboard")
    return render(request, "portal/colleague_join.html", {"form": form, "invitation": invitation})


# The header row, in the reader's language: the file is opened in a spreadsheet, not parsed.
# About how much of the export the server is given at a time (characters).
CSV_BLOCK = 32_768

STAFF_CSV_COLUMNS = [
    gettext_lazy("Name"),
    gettext_lazy("E-mail"),
    gettext_lazy("Citizenship"),
    gettext_lazy("Profession"),
    gettext_lazy("Application"),
    gettext_lazy("Status"),
    gettext_lazy("Submitted"),
    gettext_lazy("Decided"),
    gettext_lazy("Permit"),
    gettext_lazy("Permit valid until"),
    gettext_lazy("Passport valid until"),
    gettext_lazy("Days used"),
    gettext_lazy("Days left"),
    gettext_lazy("Must leave by"),
    gettext_lazy("Violations"),
]


@employer_required
def staff_csv(request: HttpRequest) -> HttpResponse:
    """The staff table (with the same filters and order) as CSV: ``staff.staff_rows``."""
    rows = staff.staff_rows(request.user.employer, _today(), shown=True)
    table = staff.select(rows, request.GET)

    labels = {value: str(label) for value, label in Status.choices}

    def lines():
        # Rows go out in blocks of about CSV_BLOCK characters: the server writes each piece
        # the view yields with a system call of its own (a chunk of the response), and a
        # thousand rows one by one cost more than all the rest of the export.
        block = io.StringIO()
        writer = csvsafe.writer(block)
        # A byte-order mark first: without it Excel reads UTF-8 as the local code page and
        # garbles every Cyrillic letter.
        block.write("\ufeff")
        writer.writerow([str(column) for column in STAFF_CSV_COLUMNS])
        for r in table.rows:
            writer.writerow(
                [
                    r.name,
                    r.email,
                    r.citizenship_name,
                    r.profession,
                    r.app_number or "",
                    labels.get(r.app_status, "") if r.app_status else "",
                    r.submitted_on.isoformat() if r.submitted_on else "",
                    r.decided_on.isoformat() if r.decided_on else "",
                    r.permit_number or "",
                    r.permit_until or "",
                    r.passport_expiry or "",
                    _or_blank(r.days_used),
                    _or_blank(r.days_left),
                    r.must_leave_by or "",
                    r.violations if r.has_status else "",
                ]
            )
            if block.tell() >= CSV_BLOCK:
                yield block.getvalue()
                block.seek(0)
                block.truncate()
        yield block.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sponsored-staff.csv"'
    return response


def _or_blank(value: int | None) -> int | str:
    return "" if value is None else value


@employer_required
def report(request: HttpRequest) -> HttpResponse:
    data = reports.monthly_report(request.user.employer, request.GET.get("month", ""), _today())
    return render(request, "portal/employer_report.html", {"report": data})


@employer_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    data = reports.monthly_report(request.user.employer, request.GET.get("month", ""), _today())
    response = HttpResponse(reports.render_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="compliance-{data.month:%Y-%m}-{data.employer.bin}.pdf"'
    )
    return response
