"""Writes for organisations: registration, verification, members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts import services as accounts
from portal.accounts.access import organisation_members, role_of
from portal.accounts.models import User
from portal.core import clock
from portal.core.uploads import download_name
from portal.notifications.outbox import notify
from portal.organisations.models import Employer, EmployerStatusChange


class VerificationError(Exception):
    """A verification step that cannot be done now; the message is for the person."""


def employer_signup_check(
    *, email: str | None, bin: str | None, organisation_name: str, document: bool
) -> Employer | None:
    """Every problem of state an employer's sign-up has, at once, as a ``ValidationError`` keyed
    by the form's fields: the address has an account; the BIN has no verified organisation yet
    and the organisation's name or certificate is missing. Checks only what is given (a field
    with its own input error is None). Returns the verified organisation of the BIN, if any."""
    problems: dict[str, str] = {}
    if email:
        try:
            accounts.email_check_free(email)
        except ValidationError as taken:
            problems.update({k: v[0] for k, v in taken.message_dict.items()})
    verified = None
    if bin:
        verified = Employer.objects.filter(bin=bin, status=Employer.Status.VERIFIED).first()
        if verified is None and not organisation_name:
            problems["organisation_name"] = _(
                "No verified organisation has this BIN yet: give its name."
            )
        if verified is None and not document:
            problems["registration_document"] = _(
                "No verified organisation has this BIN yet: upload its state registration "
                "certificate."
            )
    if problems:
        raise ValidationError(problems)
    return verified


@transaction.atomic
def employer_user_create(
    *,
    email: str,
    password: str,
    full_name: str,
    preferred_language: str,
    bin: str,
    organisation_name: str = "",
    address: str = "",
    document: UploadedFile | None = None,
    content_type: str = "",
) -> User:
    """Create an employer's account.

    With the BIN of a verified organisation, the person joins it and waits for a colleague's
    confirmation. Otherwise they register a new claim on the BIN with its state registration
    certificate, waiting for the ministry's verification. A claim by someone else that is
    waiting or refused never blocks this: staff verify at most one claim per BIN. Raises
    ``ValidationError`` keyed by the sign-up form's fields (a taken address; a new claim without
    the organisation's name or certificate).
    """
    verified = employer_signup_check(
        email=email, bin=bin, organisation_name=organisation_name, document=document is not None
    )
    if verified is not None:
        return accounts.user_create(
            email=email,
            password=password,
            full_name=full_name,
            preferred_language=preferred_language,
            kind=User.Kind.EMPLOYER,
            employer=verified,
            employer_confirmed=False,
        )
    employer = Employer.objects.create(
        bin=bin, name=organisation_name, address=address, contact_email=email
    )
    user = accounts.user_create(
        email=email,
        password=password,
        full_name=full_name,
        preferred_language=preferred_language,
        kind=User.Kind.EMPLOYER,
        employer=employer,
        employer_confirmed=True,
    )
    _store_document(employer, document, content_type)
    _record(employer, "", Employer.Status.PENDING, by=user)
    return user


def _store_document(employer: Employer, upload: UploadedFile, content_type: str) -> None:
    old = employer.registration_document.name if employer.registration_document else ""
    employer.document_content_type = content_type  # names the stored file's extension
    employer.registration_document = upload
    employer.document_name = download_name(upload.name or "", content_type)[:200]
    employer.document_uploaded_at = clock.now()
    employer.save()
    if old:
        storage = employer.registration_document.storage
        transaction.on_commit(lambda: storage.delete(old))


def _record(employer: Employer, from_status: str, to_status: str, *, by: User, reason: str = ""):
    return EmployerStatusChange.objects.create(
        employer=employer, from_status=from_status, to_status=to_status, by=by, reason=reason
    )


@transaction.atomic
def employer_document_send(
    *, employer: Employer, upload: UploadedFile, content_type: str, by: User
) -> Employer:
    """A member sends the registration certificate again (corrected): the organisation waits
    for verification again."""
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if by.employer_id != locked.pk or not by.employer_confirmed:
        raise VerificationError(_("Only a confirmed member of the organisation can do this."))
    if locked.status == Employer.Status.VERIFIED:
        raise VerificationError(_("Your organisation is already verified."))
    before = locked.status
    locked.status = Employer.Status.PENDING
    _store_document(locked, upload, content_type)
    _record(locked, before, Employer.Status.PENDING, by=by)
    return locked


@transaction.atomic
def employer_verify(*, employer: Employer, by: User) -> Employer:
    """Ministry staff verify the organisation against its certificate; its members are told."""
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if locked.status != Employer.Status.PENDING:
        raise VerificationError(_("Only an organisation waiting for verification can be verified."))
    if not locked.registration_document:
        raise VerificationError(
            _("The organisation has sent no registration certificate: it cannot be verified.")
        )
    other = (
        Employer.objects.filter(bin=locked.bin, status=Employer.Status.VERIFIED)
        .exclude(pk=locked.pk)
        .first()
    )
    if other is not None:
        raise VerificationError(
            _("Another claim on this BIN is verified already: %(name)s. Refuse this one.")
            % {"name": other.name}
        )
    locked.status = Employer.Status.VERIFIED
    locked.save(update_fields=["status"])
    _record(locked, Employer.Status.PENDING, Employer.Status.VERIFIED, by=by)
    _tell_members(locked, "employer_verified", {})
    return locked


@transaction.atomic
def employer_refuse(*, employer: Employer, by: User, reason: str) -> Employer:
    """Ministry staff refuse the organisation (waiting, or verified before) with a reason; its
    members are told the reason and how to send a corrected certificate."""
    reason = reason.strip()
    if not reason:
        raise VerificationError(_("Give the reason: the organisation is told it."))
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if locked.status == Employer.Status.REFUSED:
        raise VerificationError(_("This organisation is refused already."))
    before = locked.status
    locked.status = Employer.Status.REFUSED
    locked.save(update_fields=["status"])
    _record(locked, before, Employer.Status.REFUSED, by=by, reason=reason)
    _tell_members(locked, "employer_refused", {"reason": reason})
    return locked


def _tell_members(employer: Employer, template: str, context: dict[str, object]) -> None:

    change = employer.status_changes.last()
    for user in organisation_members(employer):
        notify(
            recipient=user,
            kind=f"employer.{employer.status}",
            template=template,
            context={"employer": employer, **context},
            link=reverse("portal:employer_dashboard"),
            event_key=f"employer-status:{change.pk}:{user.pk}" if change else None,
        )


def employer_member_confirm(*, member: User, by: User) -> None:
    """A confirmed colleague accepts a person who signed up with the organisation's BIN."""
    if role_of(by) != "employer" or member.employer_id != by.employer_id:
        raise PermissionError("not a colleague")
    member.employer_confirmed = True
    member.save(update_fields=["employer_confirmed"])


def employer_member_reject(*, member: User, by: User) -> None:
    """A confirmed colleague refuses a pending member: the account stays, without the link."""
    if (
        role_of(by) != "employer"
        or member.employer_id != by.employer_id
        or member.employer_confirmed
    ):
        raise PermissionError("not a pending colleague")
    member.employer = None
    member.save(update_fields=["employer"])
