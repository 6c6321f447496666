"""Who sees and records which arrival registrations: the one place this app decides access.

Only the confirmed users of the sponsoring organisation (``role_of`` "employer": a verified
organisation) see and record its registrations, and only while the person is still sponsored
by it; a professional sees their own, read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal.accounts.access import role_of
from portal.accounts.models import User
from portal.core.statements import Statement, loaded
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


# ``employer_registrations(...).filter(state=OPEN)`` as the employer's dashboard reads it on every
# visit, with the person's name and address, by deadline: a fixed statement (through the ORM, with
# the person's row, it cost about as much as the rest of the dashboard's reads together).
# ``tests/arrivals/test_services.py`` holds it to the queryset.
_OPEN_STATEMENT = Statement(
    "SELECT {r.id}, {r.person}, {r.arrival}, {r.deadline}, {u.full_name}, {u.email}"
    " FROM {r} INNER JOIN {s} ON {s.id} = {r.sponsorship} INNER JOIN {u} ON {u.id} = {r.person}"
    " WHERE {r.employer} = %s AND {s.employer} = %s AND {s.status} = %s AND {r.state} = %s"
    " ORDER BY {r.deadline}, {r.id}",
    r=ArrivalRegistration,
    s=Sponsorship,
    u=User,
)
# What is read of them, in the order of the models' fields (``loaded``).
_OPEN_FIELDS = ("id", "person_id", "arrival", "deadline")
_PERSON_FIELDS = ("id", "email", "full_name")


def organisation_open(user: Any) -> list[ArrivalRegistration]:
    """The open registrations of ``organisation_registrations``, by deadline, each with what the
    dashboard shows (the arrival, the deadline, the person's name and address; nothing else is
    read)."""
    if role_of(user) != "employer":
        return []
    connection = _OPEN_STATEMENT.connection()
    params = [
        user.employer_id,
        user.employer_id,
        Sponsorship.Status.ACTIVE.value,
        ArrivalRegistration.State.OPEN.value,
    ]
    rows = []
    for pk, person_id, arrival, deadline, name, email in _OPEN_STATEMENT.all(params):
        registration = loaded(
            connection, ArrivalRegistration, (pk, person_id, arrival, deadline), _OPEN_FIELDS
        )
        registration.person = loaded(connection, User, (person_id, email, name), _PERSON_FIELDS)
        rows.append(registration)
    return rows


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
