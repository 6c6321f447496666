"""Who sees and records which arrival registrations: the one place this app decides access.

Only the confirmed users of the sponsoring organisation (``role_of`` "employer": a verified
organisation) see and record its registrations, and only while the person is still sponsored
by it; a professional sees their own, read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal.accounts.access import role_of
from portal.organisations.models import Sponsorship

from .models import ArrivalRegistration


def employer_registrations(employer_id: int) -> QuerySet[ArrivalRegistration]:
    """An organisation's registrations that it sees: those of its active sponsorships. Who
    speaks for the organisation (a user, an API token) is decided by the caller."""
    return ArrivalRegistration.objects.filter(
        employer_id=employer_id,
        sponsorship__employer_id=employer_id,
        sponsorship__status=Sponsorship.Status.ACTIVE,
    )


def organisation_registrations(user: Any) -> QuerySet[ArrivalRegistration]:
    """The registrations the user's organisation sees: those of its active sponsorships."""
    if role_of(user) != "employer":
        return ArrivalRegistration.objects.none()
    return employer_registrations(user.employer_id)


def own_registrations(user: Any) -> QuerySet[ArrivalRegistration]:
    """A professional's own registrations (whoever sponsors them)."""
    if role_of(user) != "applicant":
        return ArrivalRegistration.objects.none()
    return ArrivalRegistration.objects.filter(person=user)


def can_record(user: Any, registration: ArrivalRegistration) -> bool:
    """Whether ``user`` may record this registration as made or not needed."""
    return (
        registration.is_open()
        and organisation_registrations(user).filter(pk=registration.pk).exists()
    )
