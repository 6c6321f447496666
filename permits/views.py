"""Applicant pages: apply in steps, upload documents, check answers, submit, follow the status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.access import applicant_required
from portal.core import uploads
from portal.core.clock import today
from portal.organisations.models import Sponsorship
from professions.models import Profession, unshown

from . import access, services
from .forms import STEP_FORMS, AnswerForm, DocumentForm, WithdrawForm
from .models import Application, Document
from .states import MOVE_LABELS, InvalidTransition, Status
from .workflow import allowed_next, transition

STEPS = list(Application.Step)


def _own_application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        access.applications_for_applicant(request.user)
        .select_related("profession__sphere", "employer")
        .defer(*unshown("profession__")),
        pk=pk,
    )


def _next_step(application: Application, after: str | None = None) -> str:
    if after is not None:
        index = STEPS.index(after) + 1
        return STEPS[index] if index < len(STEPS) else "review"
    for step in STEPS[:-1]:
        if step not in application.completed_steps:
            return step
    return Application.Step.DOCUMENTS


def _step_url(application: Application, step: str) -> HttpResponse:
    if step == "review":
        return redirect("permits:review", application.pk)
    if step == Application.Step.DOCUMENTS:
        return redirect("permits:documents", application.pk)
    return redirect("permits:step", application.pk, step)


def _chosen_profession(value: str):

    if not value.isdigit():
        return None
    return Profession.objects.listed().filter(pk=value).first()


@applicant_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Start an application (or resume the open one), optionally with a chosen profession.

    Only a POST starts one: a GET (a link, a prefetch, a crawler) leads to the open application
    if there is one, and otherwise shows the "Start an application" button.
    """
    if request.method == "POST":
        profession = _chosen_profession(request.POST.get("profession", ""))
        application = services.application_start(applicant=request.user, profession=profession)
    else:
        application = access.applications_for_applicant(request.user).open().first()
        if application is None:
            profession = _chosen_profession(request.GET.get("profession", ""))
            return render(request, "permits/apply.html", {"profession": profession})
    if not application.is_editable_by_applicant():
        messages.info(request, _("You already have an application under way."))
        return redirect("permits:detail", application.pk)
    return _step_url(application, _next_step(application))


def _wizard_context(application: Application, current: str) -> dict[str, object]:
    return {
        "application": application,
        "steps": STEPS,
        "current": current,
        "named": named_employer(application)
        if current in (Application.Step.EMPLOYER, "review")
        else None,
    }


def named_employer(application: Application) -> dict[str, object]:
    """The organisation the applicant named, as the applicant must see it: its registered name
    only if the ministry verified it, and whether it accepted to sponsor them."""

    bin_ = application.employer_bin
    employer = application.employer
    if not bin_:
        return {"bin": ""}
    if employer is None or employer.bin != bin_ or not employer.is_verified:
        employer = services.verified_employer(bin_)
    sponsorship = None
    if employer is not None:
        sponsorship = (
            Sponsorship.objects.filter(person_id=application.applicant_id, employer=employer)
            .exclude(status=Sponsorship.Status.INVITED)
            .order_by("-created_at", "-pk")
            .first()
        )
    return {"bin": bin_, "employer": employer, "sponsorship": sponsorship}


@applicant_required
def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    application = _own_application(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    if not application.is_editable_by_applicant():
        return redirect("permits:detail", application.pk)
    # Only this fixed word, never an address: nothing to redirect elsewhere with.
    back_to_answers = request.GET.get("back") == "answers"
    extra: dict[str, object] = {}
    if step == Application.Step.PROFESSION:
        extra["search"] = request.GET.get("search", "")
    form = STEP_FORMS[step](request.POST or None, instance=application, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_step_save(application=application, step=step, form=form)
        except services.StepError as error:
            form.add_error(error.field, error.message)
        else:
            if "save_exit" in request.POST:
                messages.success(
                    request, _("Your draft is saved. You can come back to it any time.")
                )
                return redirect("portal:dashboard")
            if back_to_answers:  # came by a "Change" link of check-your-answers
                return redirect("permits:review", application.pk)
            return _step_url(application, _next_step(application, after=step))
    return render(
        request,
        "permits/step.html",
        {
            **_wizard_context(application, step),
            "form": form,
            "step_label": Application.Step(step).label,
            "search": getattr(form, "search", ""),
            "matches": form.match_count() if getattr(form, "search", "") else None,
            "back_to_answers": back_to_answers,
        },
    )


@applicant_required
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    editable = application.is_editable_by_applicant()
    form = DocumentForm(
        request.POST or None, request.FILES or None, route=application.current_route()
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            doc_type = form.cleaned_data["doc_type"]
            replaces = application.documents.filter(doc_type=doc_type).exists()
            services.document_add(
                application=application,
                doc_type=doc_type,
                upload=form.cleaned_data["file"],
                content_type=form.content_type,
                by=request.user,
            )
            messages.success(
                request,
                _("The document is uploaded: it replaces the earlier %(type)s.")
                % {"type": doc_type.name}
                if replaces
                else _("The document is uploaded."),
            )
            if "save_exit" in request.POST:
                return redirect("portal:dashboard")
            return redirect("permits:documents", application.pk)
    docs = list(application.documents.select_related("doc_type"))
    required = application.required_document_types()
    have = {d.doc_type_id for d in docs}
    return render(
        request,
        "permits/documents.html",
        {
            **_wizard_context(application, Application.Step.DOCUMENTS),
            "form": form,
            "documents": docs,
            "checklist": [(t, t.pk in have) for t in required],
            "editable": editable,
        },
    )


@applicant_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.select_related("application"), pk=pk, application__applicant=request.user
    )
    if not document.application.is_editable_by_applicant():
        raise PermissionDenied
    services.document_remove(document=document, by=request.user)
    messages.success(request, _("The document is removed."))
    return redirect("permits:documents", document.application_id)


def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a document to the applicant or a reviewer; everyone else gets 404."""
    document = get_object_or_404(Document.objects.select_related("application"), pk=pk)
    if not access.can_view_document(request.user, document):
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=request.GET.get("inline") != "1",
        # Named by what the file is, also for documents stored before names followed content.
        filename=uploads.download_name(document.original_name, document.content_type),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@applicant_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Check your answers", then submit (or send the answer to an information request)."""
    application = _own_application(request, pk)
    if not application.is_editable_by_applicant():
        return redirect("permits:detail", application.pk)
    to = Status.SUBMITTED if application.status == Status.DRAFT else Status.RESUBMITTED
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transition(
                application,
                to,
                by=request.user,
                note=form.cleaned_data["note"],
                expected_status=request.POST.get("expected_status"),
            )
        except InvalidTransition as error:
            if error.code == "answer_required":
                form.add_error("note", error.message)
            else:
                messages.error(request, error.message)
        else:
            messages.success(request, _("Your application is sent to the ministry."))
            return redirect("permits:detail", application.pk)
    return render(
        request,
        "permits/review.html",
        {
            **_wizard_context(application, "review"),
            "form": form,
            "move": MOVE_LABELS[to],
            "missing": application.missing_document_types(),
            "incomplete": application.incomplete_steps(),
            "documents": application.documents.select_related("doc_type"),
            "last_request": application.changes.filter(to_status=Status.INFO_REQUESTED).last(),
        },
    )


@applicant_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    changes = application.changes.select_related("by")
    on = today()
    return render(
        request,
        "permits/detail.html",
        {
            "application": application,
            "named": named_employer(application),
            "changes": changes,
            "permit": getattr(application, "permit", None)
            if application.status == Status.APPROVED
            else None,
            "expected_decision": application.decision_due(on),
            "can_withdraw": Status.WITHDRAWN in allowed_next(application, request.user),
            "withdraw_form": WithdrawForm(),
            "last_request": application.changes.filter(to_status=Status.INFO_REQUESTED).last()
            if application.status == Status.INFO_REQUESTED
            else None,
        },
    )


@applicant_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        transition(
            application,
            Status.WITHDRAWN,
            by=request.user,
            note=note,
            expected_status=request.POST.get("expected_status"),
        )
    except InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("permits:detail", application.pk)
