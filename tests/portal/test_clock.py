"""One clock: freezing it moves every app's "today" together."""

from datetime import date

import pytest

from permits.states import Status
from permits.workflow import transition
from portal.core import clock
from stays.services import person_overview
from tests.factories import UserFactory
from tests.permits.factories import ready_application

pytestmark = pytest.mark.django_db

ON = date(2024, 3, 1)


def test_freezing_the_clock_moves_stays_and_permits_alike():
    person = UserFactory()
    with clock.frozen(ON):
        assert clock.today() == ON and clock.now().date() == ON
        assert person_overview(person).on == ON
        application = ready_application(passport_expiry=date(2030, 1, 1))
        transition(application, Status.SUBMITTED, by=application.applicant)
        application.refresh_from_db()
        assert application.due_date > ON and (application.due_date - ON).days < 100
    assert clock.today() != ON
