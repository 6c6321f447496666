from datetime import date, timedelta

import pytest

from permits.models import Permit
from permits.reminders import send_reminders
from permits.states import Status
from permits.workflow import transition
from portal.notifications.models import Notification
from tests.factories import EmployerUserFactory, sponsor
from tests.permits.factories import ready_application

pytestmark = pytest.mark.django_db


def _permit(reviewer, valid_until, passport_expiry=None, **kwargs):
    application = ready_application(**kwargs)
    transition(application, Status.SUBMITTED, by=application.applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    transition(application, Status.APPROVED, by=reviewer)
    permit = application.permit
    Permit.objects.filter(pk=permit.pk).update(valid_until=valid_until)
    if passport_expiry:
        type(application).objects.filter(pk=application.pk).update(passport_expiry=passport_expiry)
    return permit


def _reminders():
    return list(
        Notification.objects.filter(kind__startswith="permit.p").values_list("kind", "recipient_id")
    )


@pytest.mark.parametrize("days", [90, 30, 7])
def test_it_reminds_at_each_threshold_once(reviewer, days):
    on = date(2030, 1, 1)
    permit = _permit(reviewer, on + timedelta(days=days), passport_expiry=on + timedelta(days=3000))
    assert send_reminders(on=on) == 1
    assert send_reminders(on=on) == 0  # never twice for the same event
    assert _reminders() == [("permit.permit_expiry", permit.application.applicant_id)]


def test_it_sends_nothing_91_days_ahead(reviewer):
    on = date(2030, 1, 1)
    _permit(reviewer, on + timedelta(days=91), passport_expiry=on + timedelta(days=3000))
    assert send_reminders(on=on) == 0


def test_it_sends_the_three_reminders_over_time(reviewer):
    on = date(2030, 1, 1)
    _permit(reviewer, on + timedelta(days=90), passport_expiry=on + timedelta(days=3000))
    sent = [send_reminders(on=on + timedelta(days=d)) for d in range(0, 91)]
    assert sum(sent) == 3


def test_it_tells_the_sponsoring_employer_too(reviewer):
    employer_user = EmployerUserFactory()
    on = date(2030, 1, 1)
    permit = _permit(
        reviewer,
        on + timedelta(days=30),
        passport_expiry=on + timedelta(days=3000),
        employer=employer_user.employer,
    )
    sponsor(employer_user.employer, permit.application.applicant)
    send_reminders(on=on)
    assert employer_user.pk in {r for _, r in _reminders()}


def test_it_warns_of_a_passport_expiring_near_the_permits_end(reviewer):
    on = date(2030, 1, 1)
    _permit(reviewer, on + timedelta(days=100), passport_expiry=on + timedelta(days=150))
    send_reminders(on=on)
    assert ("permit.passport_expiry",) == tuple(
        k for k, _ in _reminders() if k == "permit.passport_expiry"
    )
    # A passport valid long after the permit ends is no concern.
    Notification.objects.all().delete()
    on2 = date(2040, 1, 1)
    _permit(reviewer, on2 + timedelta(days=100), passport_expiry=on2 + timedelta(days=170 + 365))
    send_reminders(on=on2)
    assert not [k for k, _ in _reminders() if k == "permit.passport_expiry"]
