"""Writes for permit applications. Status changes go through ``workflow.transition()`` only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from portal import employers, uploads
from portal.access import organisation_users
from portal.models import Employer, Sponsorship, User
from portal.notifications import notify

from .models import Application, Document, DocumentType, Permit, StatusChange
from .states import Status
from .validity import valid_until


def application_start(*, applicant: User, profession: Any = None) -> Application:
    """Return the applicant's open application, or start a draft pre-filled from the profile."""
    with transaction.atomic():
        # Lock the person's row so two clicks cannot start two drafts.
        User.objects.select_for_update().get(pk=applicant.pk)
        existing = Application.objects.open().filter(applicant=applicant).first()
        if existing is not None:
            return existing
        return Application.objects.create(
            applicant=applicant,
            full_name=applicant.full_name,
            citizenship=applicant.citizenship,
            profession=profession,
        )


def verified_employer(bin_: str) -> Employer | None:
    """The verified organisation with this BIN, the only one an applicant can name."""
    return Employer.objects.filter(bin=bin_, status=Employer.Status.VERIFIED).first()


@transaction.atomic
def application_step_save(*, application: Application, step: str, form: Any) -> Application:
    """Save one step's form and mark the step complete."""
    if not application.is_editable_by_applicant():
        raise PermissionError("application not editable")
    application = form.save(commit=False)
    if step == Application.Step.EMPLOYER:
        bin_ = application.employer_bin
        application.employer = verified_employer(bin_) if bin_ else None
        if application.employer is not None:
            # Naming the employer asks it to sponsor the professional: it sees nothing of them
            # until it accepts.
            employers.sponsorship_request(
                person=application.applicant, employer=application.employer
            )
        else:
            employers.sponsorship_requests_withdraw(person=application.applicant)
    if step not in application.completed_steps:
        application.completed_steps = [*application.completed_steps, step]
    application.save()
    return application


@transaction.atomic
def document_add(
    *,
    application: Application,
    doc_type: DocumentType,
    upload: UploadedFile,
    content_type: str,
    by: User,
) -> Document:
    """Store an uploaded document (already validated) on the application.

    Its name keeps the person's base name with the extension of ``content_type`` (what the file
    really is, see ``uploads.download_name``); the stored file is named by ``content_type`` too.
    A document of a type the application already has replaces it: the earlier row goes, and its
    file is deleted from storage once the new one is committed (kept if the upload rolls back).
    """
    if not application.is_editable_by_applicant():
        raise PermissionError("application not editable")
    name = uploads.download_name(upload.name, content_type)
    for earlier in application.documents.filter(doc_type=doc_type):
        _delete_on_commit(earlier)
    return Document.objects.create(
        application=application,
        doc_type=doc_type,
        file=upload,
        original_name=name[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )


def document_remove(*, document: Document, by: User) -> None:
    """Delete a document and its file while the applicant may still edit."""
    if not document.application.is_editable_by_applicant():
        raise PermissionError("application not editable")
    _delete_on_commit(document)


def _delete_on_commit(document: Document) -> None:
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


def permit_issue(*, application: Application, on: date) -> Permit:
    """Issue the permit: valid ten years, or until the passport expires if sooner."""
    assert application.passport_expiry is not None
    return Permit.objects.create(
        application=application,
        number=f"KZ-RP-{on:%Y}-{application.pk:07d}",
        issue_date=on,
        valid_until=valid_until(on, application.passport_expiry),
    )


def permit_revoke(*, application: Application, on: date) -> Permit:
    """Revoke the application's permit from ``on``: called by ``workflow.transition()`` only,
    with the application's row locked."""
    permit = Permit.objects.select_for_update().get(application=application)
    permit.revoked_on = on
    permit.save(update_fields=["revoked_on"])
    return permit


def employer_recipients(application: Application) -> list[User]:
    """Users of the organisation that actively sponsors the applicant, told of the progress
    (only while they see it: ``portal.access.organisation_users``)."""

    sponsors = Sponsorship.objects.filter(
        person_id=application.applicant_id, status=Sponsorship.Status.ACTIVE
    ).values("employer_id")
    return list(organisation_users(sponsors))


def notify_status_change(change: StatusChange) -> None:
    """Write the notifications for one status change (inside its transaction)."""
    application = change.application
    if change.to_status == Status.DRAFT:
        return
    context = {"application": application, "change": change}
    notify(
        recipient=application.applicant,
        kind="permit.status",
        template="status_change",
        context={**context, "for_employer": False},
        link=reverse("permits:detail", args=[application.pk]),
        event_key=f"status:{change.pk}:applicant",
    )
    for user in employer_recipients(application):
        notify(
            recipient=user,
            kind="permit.status",
            template="status_change",
            context={**context, "for_employer": True},
            link=reverse("portal:employer_dashboard"),
            event_key=f"status:{change.pk}:user:{user.pk}",
        )
