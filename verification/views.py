"""The holder's documents page and downloads, and the public check of a code.

Downloads and the check by QR link are GETs and write nothing. Issuing and revoking a statement,
and typing a short code (which counts against the address's limit), are POSTs. Access is decided
in ``access.py``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.access import applicant_required
from portal.core import clock
from portal.core.clientip import client_ip

from . import access, pdf, services
from .forms import ShortCodeForm, StatementForm
from .models import IssuedDocument

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise Http404
    return lang


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@applicant_required
@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    """The holder's permits and statements, and the form to issue a statement."""
    return _documents_page(request, StatementForm(initial={"as_of": clock.today()}))


def _documents_page(request: HttpRequest, form: StatementForm, status: int = 200) -> HttpResponse:
    permits = list(
        access.own_permits(request.user)
        .select_related("verification")
        .order_by("-issue_date", "-pk")
    )
    statements = list(access.own_statements(request.user))
    return render(
        request,
        "verification/documents.html",
        {
            "permits": permits,
            "statements": statements,
            "form": form,
            "languages": settings.LANGUAGES,
            "on": clock.today(),
        },
        status=status,
    )


@applicant_required
@require_GET
def permit_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    lang = _language(lang)
    permit = get_object_or_404(
        access.downloadable_permits(request.user).select_related(
            "application__profession", "verification"
        ),
        pk=pk,
    )
    document = getattr(permit, "verification", None)
    if document is None:  # a permit made without its codes (bulk-loaded data)
        raise Http404
    with translation.override(lang):
        content = pdf.permit_pdf(permit, document)
    return _pdf(content, f"permit-{permit.number}-{lang}.pdf")


@applicant_required
@require_POST
def statement_issue(request: HttpRequest) -> HttpResponse:
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            document = services.statement_issue(person=request.user, on=form.cleaned_data["as_of"])
        except services.StatementError as error:
            form.add_error("as_of", str(error))
        else:
            messages.success(
                request,
                _("Your statement %(code)s is ready. Download it in the language you need.")
                % {"code": document.short_code_display},
            )
            return redirect("verification:documents")
    return _documents_page(request, form)


@applicant_required
@require_GET
def statement_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    lang = _language(lang)
    document = get_object_or_404(access.downloadable_statements(request.user), pk=pk)
    with translation.override(lang):
        content = pdf.statement_pdf(document)
    return _pdf(content, f"stays-statement-{document.data['as_of']}-{lang}.pdf")


@applicant_required
@require_POST
def statement_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(access.own_statements(request.user), pk=pk)
    if services.statement_revoke(document=document):
        messages.success(
            request,
            _("The statement %(code)s is revoked: its check now says so.")
            % {"code": document.short_code_display},
        )
    return redirect("verification:documents")


# --- The public check ----------------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """What the check pages carry: not indexed, not cached, and no Referer (with its token) to
    any other site. ``same-origin``, not ``no-referrer``: under that browsers send the form's
    POST with "Origin: null", and the CSRF check (kept here as everywhere) would refuse it."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def _result(document: IssuedDocument | None) -> dict[str, Any]:
    """What a check may show, and nothing else."""
    if document is None:
        return {"outcome": "unknown"}
    if document.kind == IssuedDocument.Kind.PERMIT:
        permit = document.permit
        assert permit is not None
        on = clock.today()
        return {
            "outcome": "permit",
            "number": permit.number,
            "name": services.mask_name(permit.application.full_name),
            "issue_date": permit.issue_date,
            "valid_until": permit.valid_until,
            "state": permit.state(on),
            "revoked_on": permit.revoked_on,
            "on": on,
        }
    if document.revoked_at is not None:
        return {"outcome": "revoked", "revoked_on": timezone.localdate(document.revoked_at)}
    statement = services.statement_view(document)
    return {
        "outcome": "statement",
        "statement": statement,
        "name": services.mask_name(statement.full_name),
        "issued_on": timezone.localdate(document.issued_at),
    }


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Type a short code. Codes that lead to no document count against the client's address."""
    form = ShortCodeForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        lock = services.check_lock(ip)
        if lock is not None:
            context["locked_minutes"] = lock.minutes
            status = 429
        elif form.is_valid():
            document = services.find_by_short_code(form.cleaned_data["code"])
            if document is None:
                services.record_failed_check(ip)
                status = 404
            context["result"] = _result(document)
        else:
            services.record_failed_check(ip)
            status = 400
    return _private(render(request, "verification/verify.html", context, status=status))


@require_GET
def check(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code's link: the 256-bit token is the right to see the result; writes nothing."""
    document = services.find_by_token(token)
    context: dict[str, Any] = {"form": ShortCodeForm(), "result": _result(document), "link": True}
    if document is None:
        context["malformed"] = not services.codes.is_token(token)
    status = 200 if document is not None else (400 if context.get("malformed") else 404)
    return _private(render(request, "verification/verify.html", context, status=status))
