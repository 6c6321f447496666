"""One decision date: the applicant and the reviewer are shown the same day, from one
computation; "days waiting" counts days in Almaty; time zones come from the pinned tzdata
(issue 14, point 13)."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from permits.admin import ApplicationAdmin
from permits.models import Application, PermitRules
from permits.states import Status
from permits.workflow import transition
from portal.core import clock
from tests.conftest import ROOT
from tests.permits.factories import ready_application

pytestmark = pytest.mark.django_db

SUBMITTED = date(2026, 1, 5)  # 45 days: due on 19 February
ASKED = date(2026, 1, 10)
LOOKED = date(2026, 1, 15)  # five days into the pause: due on 24 February if answered today


def _asked_for_information(reviewer):
    with clock.frozen(SUBMITTED):
        application = ready_application(passport_expiry=date(2031, 1, 1))
        transition(application, Status.SUBMITTED, by=application.applicant)
        transition(application, Status.UNDER_REVIEW, by=reviewer)
    with clock.frozen(ASKED):
        transition(application, Status.INFO_REQUESTED, by=reviewer, reason="other", message="Why?")
    return application


def test_the_applicant_and_the_reviewer_see_the_same_decision_date(client, reviewer):
    application = _asked_for_information(reviewer)
    assert application.due_date == date(2026, 2, 19)
    with clock.frozen(LOOKED):
        assert application.decision_due(LOOKED) == date(2026, 2, 24)
        assert application.days_left(LOOKED) == 40  # the same as on the day of the request
        shown = date_format(date(2026, 2, 24), "DATE_FORMAT")
        stale = date_format(date(2026, 2, 19), "DATE_FORMAT")

        client.force_login(application.applicant)
        mine = client.get(reverse("permits:detail", args=[application.pk])).content.decode()
        dashboard = client.get(reverse("portal:applicant_dashboard")).content.decode()
        client.force_login(reviewer)
        change = client.get(
            reverse("admin:permits_application_change", args=[application.pk])
        ).content.decode()
    assert shown in mine and stale not in mine
    assert shown in dashboard
    assert shown in change and stale not in change
    assert "Days left for the decision" in change  # beside the same date, from it
    assert "</strong> 40 (paused while information is requested)" in change

    # Answered that day: the stored due date becomes the one both were shown.
    with clock.frozen(LOOKED):
        transition(application, Status.RESUBMITTED, by=application.applicant, note="Sent.")
        assert application.due_date == date(2026, 2, 24)
        assert application.decision_due(LOOKED) == date(2026, 2, 24)


def test_the_queue_shows_days_left_from_the_same_date(reviewer):
    application = _asked_for_information(reviewer)
    admin = ApplicationAdmin(Application, None)
    with clock.frozen(LOOKED):
        assert admin.days_left(application) == "40 (paused)"
        assert admin.decision_due(application).startswith(
            date_format(date(2026, 2, 24), "DATE_FORMAT")
        )
    with clock.frozen(LOOKED + timedelta(days=10)):
        assert admin.days_left(application) == "40 (paused)"
        assert admin.decision_due(application).startswith(
            date_format(date(2026, 3, 6), "DATE_FORMAT")
        )


def test_the_decision_period_is_the_one_staff_set(reviewer):
    PermitRules.objects.update_or_create(pk=1, defaults={"decision_days": 30})
    with clock.frozen(SUBMITTED):
        application = ready_application(passport_expiry=date(2031, 1, 1))
        transition(application, Status.SUBMITTED, by=application.applicant)
    assert application.due_date == SUBMITTED + timedelta(days=30)


def test_days_waiting_are_days_in_almaty():
    application = ready_application()
    # 00:30 on 11 February in Almaty is 19:30 on 10 February in UTC.
    submitted = datetime(2026, 2, 10, 19, 30, tzinfo=UTC)
    Application.objects.filter(pk=application.pk).update(
        status=Status.SUBMITTED, submitted_at=submitted
    )
    application.refresh_from_db()
    assert clock.day_of(application.submitted_at) == date(2026, 2, 11)
    assert application.days_waiting(date(2026, 2, 11)) == 0  # the same morning
    assert application.days_waiting(date(2026, 2, 12)) == 1
    admin = ApplicationAdmin(Application, None)
    with clock.frozen(date(2026, 2, 11)):
        assert admin.days_waiting(application) == 0


def test_the_waiting_filter_counts_days_in_almaty(client, reviewer):
    application = ready_application()
    # Submitted at 00:30 on 11 February in Almaty: not more than 7 days waiting on 18 February.
    Application.objects.filter(pk=application.pk).update(
        status=Status.SUBMITTED, submitted_at=datetime(2026, 2, 10, 19, 30, tzinfo=UTC)
    )
    client.force_login(reviewer)
    url = reverse("admin:permits_application_changelist") + "?waiting=7"
    with clock.frozen(date(2026, 2, 18)):
        assert application.number not in client.get(url).content.decode()
    with clock.frozen(date(2026, 2, 19)):
        assert application.number in client.get(url).content.decode()


def test_almaty_is_utc_plus_5_from_the_pinned_tzdata():
    # The host's zoneinfo is never read: only the tzdata package pinned in requirements.txt.
    assert zoneinfo.TZPATH == ()
    almaty = zoneinfo.ZoneInfo("Asia/Almaty")
    assert datetime(2025, 1, 15, 12, tzinfo=almaty).utcoffset() == timedelta(hours=5)
    assert datetime(2024, 3, 1, 12, tzinfo=almaty).utcoffset() == timedelta(hours=5)
    assert datetime(2024, 2, 1, 12, tzinfo=almaty).utcoffset() == timedelta(hours=6)
    pins = (ROOT / "requirements.txt").read_text().split()
    assert any(p.startswith("tzdata==") for p in pins)
