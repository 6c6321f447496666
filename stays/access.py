"""Who may see and change each person's crossings: decided here only.

* A traveller (applicant role) sees and changes their own crossings, and nobody else's.
* A confirmed employer user sees the record and status of the people their organisation
  actively sponsors, and may import crossings for them; editing single records is left to the
  person.
* Everyone else (other applicants, other employers, staff on these pages, anonymous) sees
  nothing: other people's records answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal.accounts.access import role_of
from portal.accounts.models import User
from portal.organisations.models import Sponsorship

from .models import Crossing


def own_crossings(user: Any) -> QuerySet[Crossing]:
    """The crossings a traveller may see, edit and delete: their own."""
    if role_of(user) != "applicant":
        return Crossing.objects.none()
    return Crossing.objects.filter(person_id=user.pk)


def sponsored_people(user: Any) -> QuerySet[User]:
    """The people an employer user's organisation actively sponsors."""
    if role_of(user) != "employer":
        return User.objects.none()
    return User.objects.filter(
        sponsorships__employer_id=user.employer_id,
        sponsorships__status=Sponsorship.Status.ACTIVE,
    )


def can_view_person(user: Any, person: User) -> bool:
    """The person themselves, or a user of the employer that actively sponsors them."""
    role = role_of(user)
    if role == "applicant":
        return bool(user.pk == person.pk)
    if role == "employer":
        return sponsored_people(user).filter(pk=person.pk).exists()
    return False


def can_change_crossing(user: Any, crossing: Crossing) -> bool:
    """Only the person whose stay it is."""
    return role_of(user) == "applicant" and crossing.person_id == user.pk
