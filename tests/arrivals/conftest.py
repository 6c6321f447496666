from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from portal.core import clock
from portal.organisations.models import Sponsorship
from tests.factories import UserFactory

# A Wednesday.
TODAY = date(2026, 6, 10)


@pytest.fixture
def today():
    with clock.frozen(TODAY):
        yield TODAY


def sponsor_since(employer, person, since: date) -> Sponsorship:
    """An active sponsorship of ``person`` by ``employer`` that began on ``since``."""
    return Sponsorship.objects.create(
        employer=employer,
        person=person,
        email=person.email,
        status=Sponsorship.Status.ACTIVE,
        accepted_at=timezone.make_aware(datetime.combine(since, time(9))),
    )


@pytest.fixture
def sponsored(employer_user, applicant):
    """Applicant A (a German citizen: visa-free), sponsored by employer A since 1 January."""
    sponsor_since(employer_user.employer, applicant, date(2026, 1, 1))
    return applicant


@pytest.fixture
def colleague(employer_user):
    """Another confirmed user of employer A's organisation."""
    return UserFactory(
        email="colleague@employer-a.kz",
        kind="employer",
        employer=employer_user.employer,
        employer_confirmed=True,
        citizenship="KZ",
    )
