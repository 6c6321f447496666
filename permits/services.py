"""Writes for permit applications. Status changes go through ``workflow.transition()`` only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core import uploads
from portal.notifications.outbox import notify
from portal.organisations import employers, webhooks
from portal.organisations.models import Employer
from verification.services import permit_document

from .models import Application, Document, DocumentType, Permit, StatusChange
from .states import Status
from .validity import valid_until


class StepError(Exception):
    """An answer the portal's state refuses (the form checked only its shape). The message is
    for the person; ``field`` is where the view shows it, so they can correct it there."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def application_create(**fields: Any) -> Application:
    """A new application with its number, ``RP-<year>-<id>`` (the year in Almaty): every
    application is made here."""
    with transaction.atomic():
        Application.objects.filter(applicant=fields["applicant"], is_latest=True).update(
            is_latest=False
        )
        application = Application.objects.create(**fields, is_latest=True)
    year = timezone.localtime(application.created_at).year
    application.number = f"RP-{year}-{application.pk:06d}"
    application.save(update_fields=["number"])
    return application


def application_start(*, applicant: User, profession: Any = None) -> Application:
    """Return the applicant's open application, or start a draft pre-filled from the profile."""
    with transaction.atomic():
        # Lock the person's row so two clicks cannot start two drafts.
        User.objects.select_for_update().get(pk=applicant.pk)
        existing = Application.objects.open().filter(applicant=applicant).first()
        if existing is not None:
            return existing
        return application_create(
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
    """Save one step's form and mark the step complete.

    Raises ``StepError`` when the answer is well formed but the portal refuses it: an employer
    BIN that no verified organisation holds, or another employer while one sponsors the person.
    """
    if not application.is_editable_by_applicant():
        raise PermissionError("application not editable")
    application = form.save(commit=False)
    if step == Application.Step.EMPLOYER:
        bin_ = application.employer_bin
        application.employer = verified_employer(bin_) if bin_ else None
        if bin_ and application.employer is None:
            raise StepError(
                "employer_bin",
                _(
                    "The BIN %(bin)s is not a verified organisation on the portal. Check the "
                    "number, or ask your employer to register and be verified by the ministry; "
                    "or leave this empty."
                )
                % {"bin": bin_},
            )
        if application.employer is not None:
            # Naming the employer asks it to sponsor the professional: it sees nothing of them
            # until it accepts. Another employer while one sponsors them is refused there.
            try:
                employers.sponsorship_request(
                    person=application.applicant, employer=application.employer
                )
            except employers.SponsorshipError as error:
                raise StepError("employer_bin", str(error)) from error
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
    """Issue the permit: valid ten years, or until the passport expires if sooner. It gets its
    verification codes at once (the PDF is a download, and a GET may not write them)."""
    assert application.passport_expiry is not None
    permit = Permit.objects.create(
        application=application,
        number=f"KZ-RP-{on:%Y}-{application.pk:07d}",
        issue_date=on,
        valid_until=valid_until(on, application.passport_expiry),
    )
    Application.objects.filter(
        applicant_id=application.applicant_id, holds_latest_permit=True
    ).update(holds_latest_permit=False)
    Application.objects.filter(pk=application.pk).update(holds_latest_permit=True)
    application.holds_latest_permit = True
    permit_document(permit)
    return permit


def permit_revoke(*, application: Application, on: date) -> Permit:
    """Revoke the application's permit from ``on``: called by ``workflow.transition()`` only,
    with the application's row locked."""
    permit = Permit.objects.select_for_update().get(application=application)
    permit.revoked_on = on
    permit.save(update_fields=["revoked_on"])
    return permit


def employer_recipients(application: Application) -> list[User]:
    """Users of the organisation that actively sponsors the applicant, told of the progress
    (``portal.organisations.employers.employer_users_told``)."""
    told = employers.employer_users_told([application.applicant_id])
    return told.get(application.applicant_id, [])


def announce_status_change(change: StatusChange) -> None:
    """Tell the sponsoring organisation's webhook (if it has one) of the move, and of the permit
    it issued or revoked."""
    application = change.application
    if not webhooks.listeners([application.applicant_id]):
        return
    data = {
        "application_number": application.number,
        "from_state": change.from_status,
        "state": change.to_status,
        "at": change.at,
    }
    events = [
        webhooks.Event(
            application.applicant_id, webhooks.APPLICATION_STATE, f"status:{change.pk}", data
        )
    ]
    permit = Permit.objects.filter(application=application).first()
    if permit is not None and change.to_status in (Status.APPROVED, Status.REVOKED):
        kind = (
            webhooks.PERMIT_ISSUED
            if change.to_status == Status.APPROVED
            else webhooks.PERMIT_REVOKED
        )
        events.append(
            webhooks.Event(
                application.applicant_id,
                kind,
                f"{kind}:{permit.pk}",
                {
                    "permit_number": permit.number,
                    "issue_date": permit.issue_date,
                    "valid_until": permit.valid_until,
                    "revoked_on": permit.revoked_on,
                },
            )
        )
    webhooks.announce(events)


def notify_status_change(change: StatusChange) -> None:
    """Write the notifications for one status change (inside its transaction)."""
    application = change.application
    if change.to_status == Status.DRAFT:
        return
    announce_status_change(change)
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
