"""The employer's pages and dashboard, the professional's dashboard, reminders and the report."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from arrivals import reminders
from arrivals.models import ArrivalRegistration
from portal.notifications.models import Notification
from portal.organisations.employers import sponsorship_end
from portal.workspace import reports
from stays import services as stays_services

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(sponsored, today):
    """Arrivals due yesterday (overdue), today and tomorrow (all of applicant A)."""
    stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 1), exit=date(2026, 6, 2))
    stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 5), exit=date(2026, 6, 5))
    stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 8), exit=None)
    return {r.arrival: r for r in ArrivalRegistration.objects.all()}


class TestEmployerDashboard:
    def test_due_today_tomorrow_and_overdue_lead_it(self, client, employer_user, three):
        client.force_login(employer_user)
        html = client.get(reverse("portal:employer_dashboard")).content.decode()
        arrivals = html.index('id="arrivals-h"')
        assert arrivals < html.index('id="counts-h"')
        overdue, due_today, tomorrow = (
            html.index("Overdue", arrivals),
            html.index("Due today", arrivals),
            html.index("Due by the next working day", arrivals),
        )
        assert overdue < due_today < tomorrow
        for r in three.values():
            assert reverse("arrivals:registration", args=[r.pk]) in html

    def test_the_deadline_is_a_date_in_the_readers_language(self, client, employer_user, three):
        client.force_login(employer_user)
        employer_user.preferred_language = "ru"
        employer_user.save()
        r = three[date(2026, 6, 8)]
        with translation.override("ru"):
            html = client.get(
                reverse("arrivals:registration", args=[r.pk]), HTTP_ACCEPT_LANGUAGE="ru"
            ).content.decode()
        assert "11 июня 2026" in html


class TestRecordPage:
    def test_recording_made(self, client, employer_user, three):
        r = three[date(2026, 6, 8)]
        client.force_login(employer_user)
        url = reverse("arrivals:registration", args=[r.pk])
        response = client.post(
            url, {"action": "made", "made_on": "2026-06-09", "reference": "MS-77"}
        )
        assert response.status_code == 302
        r.refresh_from_db()
        assert (r.state, r.made_on, r.reference, r.recorded_by) == (
            "made",
            date(2026, 6, 9),
            "MS-77",
            employer_user,
        )
        listing = client.get(reverse("arrivals:list")).content.decode()
        assert "MS-77" in listing and employer_user.full_name in listing

    def test_bad_input_says_what_to_fix(self, client, employer_user, three):
        r = three[date(2026, 6, 8)]
        client.force_login(employer_user)
        url = reverse("arrivals:registration", args=[r.pk])
        response = client.post(url, {"action": "made", "made_on": "2026-06-30", "reference": "1"})
        assert response.status_code == 200
        assert "cannot be in the future" in response.content.decode()
        # On the date's own field, linked from the summary and marked invalid.
        assert "cannot be in the future" in response.context["form"].errors["made_on"][0]
        assert 'aria-invalid="true"' in response.content.decode()
        response = client.post(url, {"action": "not_needed", "reason": ""})
        assert response.status_code == 200 and "This field is required" in response.content.decode()
        r.refresh_from_db()
        assert r.state == "open"

    def test_recording_not_needed(self, client, employer_user, three):
        r = three[date(2026, 6, 8)]
        client.force_login(employer_user)
        url = reverse("arrivals:registration", args=[r.pk])
        assert client.post(url, {"action": "not_needed", "reason": "Diplomat"}).status_code == 302
        r.refresh_from_db()
        assert (r.state, r.reason) == ("not_needed", "Diplomat")

    def test_another_organisation_gets_404_and_changes_nothing(
        self, client, other_employer_user, three
    ):
        r = three[date(2026, 6, 8)]
        client.force_login(other_employer_user)
        url = reverse("arrivals:registration", args=[r.pk])
        assert client.get(url).status_code == 404
        data = {"action": "made", "made_on": "2026-06-09", "reference": "forged"}
        assert client.post(url, data).status_code == 404
        r.refresh_from_db()
        assert r.state == "open"

    def test_after_the_sponsorship_ends_the_page_is_gone(
        self, client, employer_user, sponsored, three
    ):
        sponsorship_end(sponsorship=sponsored.sponsorships.get(), by=sponsored)
        client.force_login(employer_user)
        r = three[date(2026, 6, 8)]
        assert client.get(reverse("arrivals:registration", args=[r.pk])).status_code == 404
        html = client.get(reverse("portal:employer_dashboard")).content.decode()
        assert reverse("arrivals:registration", args=[r.pk]) not in html


class TestApplicant:
    def test_the_professional_sees_whether_the_arrival_was_registered(
        self, client, sponsored, employer_user, three
    ):
        r = three[date(2026, 6, 8)]
        r.state, r.made_on, r.reference = "made", date(2026, 6, 9), "MS-1"
        r.save()
        client.force_login(sponsored)
        html = client.get(reverse("portal:applicant_dashboard")).content.decode()
        assert "was registered with the migration service" in html
        assert "is not registered yet" in html  # the others


class TestReminders:
    def test_before_on_and_after_the_deadline_each_once(
        self, sponsored, employer_user, colleague, three, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            written = reminders.send_reminders(on=TODAY)
        # Three registrations (overdue, today, tomorrow) x two users of the organisation.
        assert written == 6
        kinds = sorted(
            Notification.objects.filter(recipient=colleague).values_list("kind", flat=True)
        )
        assert kinds == ["arrival.overdue", "arrival.soon", "arrival.today"]
        assert len(mail.outbox) == 6
        assert reminders.send_reminders(on=TODAY) == 0  # told once
        # Next day: the "tomorrow" one is due today and today's is overdue (each told once
        # more); the one overdue already is not told again.
        assert reminders.send_reminders(on=date(2026, 6, 11)) == 4
        assert reminders.send_reminders(on=date(2026, 6, 12)) == 2  # the last one overdue
        assert reminders.send_reminders(on=date(2026, 6, 15)) == 0

    def test_recorded_or_unsponsored_ones_are_not_reminded(self, sponsored, employer_user, three):
        r = three[date(2026, 6, 8)]
        r.state = "not_needed"
        r.save()
        assert reminders.send_reminders(on=TODAY) == 2
        sponsorship_end(sponsorship=sponsored.sponsorships.get(), by=sponsored)
        assert reminders.send_reminders(on=date(2026, 6, 12)) == 0


class TestReport:
    def test_the_month_counts_on_time_late_and_outstanding(
        self, client, sponsored, employer_user, three
    ):
        overdue, due_today = three[date(2026, 6, 1)], three[date(2026, 6, 5)]
        overdue.state, overdue.made_on = "made", date(2026, 6, 9)  # late
        overdue.save()
        due_today.state, due_today.made_on = "made", date(2026, 6, 8)  # on time
        due_today.save()
        report = reports.monthly_report(employer_user.employer, "2026-06", TODAY)
        assert (report.arrivals.on_time, report.arrivals.late, report.arrivals.outstanding) == (
            1,
            1,
            1,
        )
        client.force_login(employer_user)
        html = client.get(reverse("portal:employer_report") + "?month=2026-06").content.decode()
        assert "made on time 1, late 1, outstanding 1" in html
