"""Writes for accounts and organisations."""

from __future__ import annotations

from django.db import transaction

from .models import Employer, User


@transaction.atomic
def applicant_create(
    *, email: str, password: str, full_name: str, citizenship: str, preferred_language: str
) -> User:
    """Create a foreign professional's account."""
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        citizenship=citizenship,
        preferred_language=preferred_language,
        kind=User.Kind.APPLICANT,
    )


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
) -> User:
    """Create an employer's account, joining the organisation with this BIN or creating it."""
    employer, created = Employer.objects.select_for_update().get_or_create(
        bin=bin,
        defaults={"name": organisation_name, "address": address, "contact_email": email},
    )
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        preferred_language=preferred_language,
        kind=User.Kind.EMPLOYER,
        employer=employer,
        employer_confirmed=created,
    )


def employer_member_confirm(*, member: User, by: User) -> None:
    """A confirmed colleague accepts a person who signed up with the organisation's BIN."""
    if not by.is_employer or member.employer_id != by.employer_id:
        raise PermissionError("not a colleague")
    member.employer_confirmed = True
    member.save(update_fields=["employer_confirmed"])


def employer_member_reject(*, member: User, by: User) -> None:
    """A confirmed colleague refuses a pending member: the account stays, without the link."""
    if not by.is_employer or member.employer_id != by.employer_id or member.employer_confirmed:
        raise PermissionError("not a pending colleague")
    member.employer = None
    member.save(update_fields=["employer"])
