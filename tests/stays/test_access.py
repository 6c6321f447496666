"""Who may see and change each person's crossings (stays/access.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from stays import access
from tests.factories import EmployerUserFactory, sponsor

from .factories import CrossingFactory

pytestmark = pytest.mark.django_db


def test_a_traveller_sees_and_changes_only_their_own(applicant, other_applicant):
    mine, theirs = CrossingFactory(person=applicant), CrossingFactory(person=other_applicant)
    assert list(access.own_crossings(applicant)) == [mine]
    assert access.can_change_crossing(applicant, mine)
    assert not access.can_change_crossing(applicant, theirs)
    assert access.can_view_person(applicant, applicant)
    assert not access.can_view_person(applicant, other_applicant)


def test_an_employer_sees_only_the_people_it_actively_sponsors(
    applicant, other_applicant, employer_user, other_employer_user
):
    sponsorship = sponsor(employer_user.employer, applicant)
    crossing = CrossingFactory(person=applicant)
    assert list(access.sponsored_people(employer_user)) == [applicant]
    assert access.can_view_person(employer_user, applicant)
    assert not access.can_view_person(employer_user, other_applicant)
    assert not access.can_view_person(other_employer_user, applicant)
    assert not access.can_change_crossing(employer_user, crossing)
    assert not access.own_crossings(employer_user).exists()
    pending = EmployerUserFactory(employer=employer_user.employer, employer_confirmed=False)
    assert not access.sponsored_people(pending).exists()
    sponsorship.status = "ended"
    sponsorship.save()
    assert not access.can_view_person(employer_user, applicant)


def test_staff_and_anonymous_see_nothing(applicant, reviewer):
    crossing = CrossingFactory(person=applicant)
    for user in (reviewer, AnonymousUser()):
        assert not access.own_crossings(user).exists()
        assert not access.sponsored_people(user).exists()
        assert not access.can_view_person(user, applicant)
        assert not access.can_change_crossing(user, crossing)
