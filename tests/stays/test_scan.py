"""The daily scan: statuses stored for everyone concerned, each warning and violation told once."""

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.models import Permit
from portal.core import clock
from portal.notifications.models import Notification
from portal.organisations.models import Employer
from stays import scan
from stays.models import StayStatus
from stays.services import status_refresh
from stays.tasks import daily_scan_task
from tests.conftest import wait_for
from tests.factories import EmployerUserFactory, UserFactory, sponsor
from tests.permits.factories import ApplicationFactory

from .factories import history

pytestmark = pytest.mark.django_db


def d(iso):
    return date.fromisoformat(iso)


def told(kind=None):
    rows = Notification.objects.filter(kind__startswith="stays.")
    if kind:
        rows = rows.filter(kind=f"stays.{kind}")
    return sorted(rows.values_list("kind", "recipient_id"))


class TestStatuses:
    def test_it_stores_the_status_of_everyone_concerned(self, today):
        visitor, eaeu, visa, holder = (UserFactory(citizenship=c) for c in ("DE", "KG", "CN", "US"))
        history(visitor, [("2025-06-01", None)])
        history(eaeu, [("2025-01-01", "2025-03-01")])
        history(visa, [("2025-06-01", None)])
        history(holder, [("2025-06-01", None)])
        Permit.objects.create(
            application=ApplicationFactory(applicant=holder, status="approved"),
            number="KZ-1",
            issue_date=d("2025-01-01"),
            valid_until=d("2030-01-01"),
        )
        result = scan.daily_scan()
        assert (result.stays, result.people, result.skipped) == (4, 2, 2)
        status = StayStatus.objects.get(person=visitor)
        assert status.on == today and status.regime == "visa_free" and status.in_country
        assert (status.days_in_window, status.days_remaining) == (15, 75)
        assert status.latest_exit_date == d("2025-06-30") and status.days_to_leave() == 15
        eaeu_status = StayStatus.objects.get(person=eaeu)
        assert eaeu_status.regime == "eaeu" and eaeu_status.days_in_window == 60
        assert not eaeu_status.in_country and eaeu_status.latest_exit_date is None
        assert set(StayStatus.objects.values_list("person_id", flat=True)) == {visitor.pk, eaeu.pk}

    def test_it_counts_violations_and_removes_statuses_no_longer_due(self, today):
        person = UserFactory(citizenship="DE")
        history(person, [("2025-01-01", "2025-02-15")])  # 46 days: single stay broken
        scan.daily_scan()
        status = StayStatus.objects.get(person=person)
        assert status.violation_count == 1 and status.first_violation_date == d("2025-01-31")
        person.crossings.all().delete()
        assert scan.daily_scan().removed == 1
        assert not StayStatus.objects.exists()

    def test_it_streams_in_batches(self, today):
        people = [UserFactory(citizenship="DE") for _ in range(7)]
        for person in people:
            history(person, [("2025-01-01", "2025-01-05"), ("2025-03-01", "2025-03-03")])
        result = scan.daily_scan(batch_size=2, chunk_size=3)
        assert (result.stays, result.people) == (14, 7)
        assert StayStatus.objects.count() == 7

    def test_a_second_scan_on_unchanged_data_writes_no_row(self, today, monkeypatch):
        away, inside, holder = (UserFactory(citizenship=c) for c in ("DE", "DE", "KG"))
        history(away, [("2025-01-01", "2025-01-10"), ("2025-05-01", "2025-05-20")])
        history(inside, [("2025-06-01", None)])  # in the country: a must-leave-by date
        history(holder, [("2025-02-01", "2025-02-10")])
        scan.daily_scan()
        stored = {s.person_id: s.updated_at for s in StayStatus.objects.all()}
        assert len(stored) == 3
        with CaptureQueriesContext(connection) as queries:
            result = scan.daily_scan()
        assert (result.people, result.written, result.removed) == (3, 0, 0)
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == []
        assert {s.person_id: s.updated_at for s in StayStatus.objects.all()} == stored

        # The next day: only what changed is written. Away's window lost no day and gained
        # none; inside has one more day and a must-leave-by date one day nearer.
        with clock.frozen(today + timedelta(days=1)):
            result = scan.daily_scan()
        assert (result.people, result.written) == (3, 1)
        after = {s.person_id: s for s in StayStatus.objects.all()}
        assert after[away.pk].updated_at == stored[away.pk] and after[away.pk].on == today
        assert after[holder.pk].updated_at == stored[holder.pk]
        assert after[inside.pk].on == today + timedelta(days=1)
        assert after[inside.pk].days_in_window == 16 and after[inside.pk].days_to_leave() == 14

    def test_it_removes_the_status_of_someone_no_longer_assessed(self, today):
        stays_on, gets_permit = UserFactory(citizenship="DE"), UserFactory(citizenship="DE")
        history(stays_on, [("2025-05-01", "2025-05-05")])
        history(gets_permit, [("2025-05-01", "2025-05-05")])
        scan.daily_scan()
        Permit.objects.create(
            application=ApplicationFactory(applicant=gets_permit, status="approved"),
            number="KZ-2",
            issue_date=d("2025-06-01"),
            valid_until=d("2028-06-01"),
        )
        result = scan.daily_scan()
        assert (result.written, result.removed, result.skipped) == (0, 1, 1)
        assert list(StayStatus.objects.values_list("person_id", flat=True)) == [stays_on.pk]


class TestNotifications:
    def test_it_warns_at_14_then_7_days_once_each(self, monkeypatch):
        employer = EmployerUserFactory()
        colleague = EmployerUserFactory(employer=employer.employer)
        EmployerUserFactory(employer=employer.employer, employer_confirmed=False)  # not told
        person = UserFactory(citizenship="DE")
        sponsor(employer.employer, person)
        history(person, [("2025-06-01", None)])  # must leave by 30 June
        sent = {}
        for day in range(1, 31):
            on = date(2025, 6, day)
            with clock.frozen(on):
                sent[on] = scan.daily_scan().notifications
        assert {on.day: n for on, n in sent.items() if n} == {16: 3, 23: 3}
        assert told() == sorted(
            [("stays.warning", u.pk) for u in (person, employer, colleague)] * 2
        )
        subjects = Notification.objects.filter(recipient=person).values_list("subject", flat=True)
        assert sorted(subjects) == [
            "Leave Kazakhstan by June 30, 2025: 14 days left",
            "Leave Kazakhstan by June 30, 2025: 7 days left",
        ]
        employer_note = Notification.objects.filter(recipient=employer).first()
        assert person.full_name in employer_note.subject
        assert employer_note.link == f"/stays/people/{person.pk}/"

    def test_a_missed_day_still_warns_once(self, monkeypatch):
        person = UserFactory(citizenship="DE")
        history(person, [("2025-06-01", None)])
        with clock.frozen(date(2025, 6, 25)):  # 5 days left
            assert scan.daily_scan().notifications == 1
            assert scan.daily_scan().notifications == 0
        assert "5 days left" in Notification.objects.get().subject

    def test_it_tells_a_new_violation_once(self, today, django_capture_on_commit_callbacks):
        employer = EmployerUserFactory()
        person = UserFactory(citizenship="DE", preferred_language="en")
        sponsor(employer.employer, person)
        history(person, [("2025-03-01", "2025-04-10")])  # 41 days: 11 over the 30
        with django_capture_on_commit_callbacks(execute=True):
            assert scan.daily_scan().notifications == 2
        assert scan.daily_scan().notifications == 0
        assert told() == sorted([("stays.violation", person.pk), ("stays.violation", employer.pk)])
        body = Notification.objects.get(recipient=person).body
        assert "longer than 30 days" in body and "March 31, 2025" in body and "11 days" in body
        assert {m.to[0] for m in mail.outbox} == {person.email, employer.email}

    def test_it_leaves_old_violations_to_the_history_page(self, today):
        person = UserFactory(citizenship="DE")
        history(person, [("2024-01-01", "2024-03-01")])  # broken long before this period
        result = scan.daily_scan()
        assert result.notifications == 0
        status = StayStatus.objects.get(person=person)  # the status of today
        assert status.violation_count == 0 and status.first_violation_date is None

    def test_it_tells_a_rolling_violation(self, today):
        person = UserFactory(citizenship="RU")  # EAEU: 90 days a stay
        history(person, [("2025-01-01", "2025-03-20"), ("2025-04-01", "2025-05-01")])
        scan.daily_scan()
        assert told() == [("stays.violation", person.pk)]
        assert "More than 90 days" in Notification.objects.get().body

    def test_it_announces_changed_statuses_to_listening_organisations_only(self, today):
        listening, silent = EmployerUserFactory(), EmployerUserFactory()
        Employer.objects.filter(pk=listening.employer_id).update(
            webhook_url="https://93.184.215.14/h", webhook_secret="s"
        )
        inside, away, elsewhere = (UserFactory(citizenship="DE") for _ in range(3))
        for person in (inside, away):
            sponsor(listening.employer, person)
        sponsor(silent.employer, elsewhere)
        history(inside, [("2025-06-01", None)])
        history(away, [("2025-01-01", "2025-01-10"), ("2025-05-01", "2025-05-20")])
        history(elsewhere, [("2025-06-01", None)])

        def announced():
            return sorted(
                json.loads(body)["data"]["person_id"]
                for body in Notification.objects.filter(
                    channel="webhook", kind="stay.status_changed", employer=listening.employer
                ).values_list("body", flat=True)
            )

        scan.daily_scan()
        assert announced() == sorted([inside.pk, away.pk])
        assert not Notification.objects.filter(channel="webhook").exclude(
            employer=listening.employer
        )
        scan.daily_scan()  # nothing changed: nothing more
        assert announced() == sorted([inside.pk, away.pk])
        with clock.frozen(today + timedelta(days=1)):  # only inside's status changes
            assert scan.daily_scan().written == 2  # inside's and elsewhere's
        assert announced() == sorted([inside.pk, inside.pk, away.pk])


@pytest.mark.services
def test_it_runs_daily_through_a_real_worker_and_tells_once(celery_worker_process, seeded_rules):
    on = clock.today()
    person = UserFactory(citizenship="DE")
    employer = EmployerUserFactory()
    sponsor(employer.employer, person)
    history(person, [(on - timedelta(days=20), None)])  # 30-day stay: leave in 9 days
    other = UserFactory(citizenship="KG")
    history(other, [(on - timedelta(days=400), on - timedelta(days=390))])

    daily_scan_task.delay()
    assert wait_for(lambda: StayStatus.objects.count() == 2, timeout=60), (
        celery_worker_process.output()
    )
    first = StayStatus.objects.get(person=person)
    assert first.latest_exit_date == on + timedelta(days=9) and first.in_country
    assert wait_for(lambda: len(told()) == 2, timeout=30), celery_worker_process.output()
    assert told() == sorted([("stays.warning", person.pk), ("stays.warning", employer.pk)])

    # A trip recorded meanwhile gives the next scan a status to write: it writes only changes.
    history(other, [(on - timedelta(days=10), on - timedelta(days=5))])
    before = StayStatus.objects.get(person=other).updated_at
    daily_scan_task.delay()
    assert wait_for(lambda: StayStatus.objects.get(person=other).updated_at > before, timeout=60), (
        celery_worker_process.output()
    )
    assert StayStatus.objects.get(person=other).days_in_window == 6
    assert len(told()) == 2  # no duplicate for the same event
    assert wait_for(
        lambda: not Notification.objects.filter(email_sent_at__isnull=True).exists(), timeout=30
    ), celery_worker_process.output()


def test_the_daily_scan_and_the_per_person_refresh_store_the_same_rows(today, seeded_rules):
    """One stored status: the scan (streamed, in batches, with its shortcut) and the refresh a
    write does for one person must agree, column for column."""
    days = timedelta
    on = clock.today()
    histories = {
        "away": [(on - days(100), on - days(80))],
        "inside": [(on - days(20), None)],
        "over": [(on - days(120), on - days(20)), (on - days(5), None)],
        "eaeu inside": [(on - days(60), None)],
        "many trips": [(on - days(170 - 12 * i), on - days(165 - 12 * i)) for i in range(12)],
        "long ago": [(on - days(900), on - days(880))],
    }
    people = []
    for label, spans in histories.items():
        person = UserFactory(citizenship="RU" if label.startswith("eaeu") else "DE")
        history(person, spans)
        people.append(person)
    columns = [f.name for f in StayStatus._meta.fields if f.name not in ("id", "updated_at")]

    def stored():
        return {row["person"]: row for row in StayStatus.objects.values(*columns)}

    scan.daily_scan()
    by_scan = stored()
    StayStatus.objects.all().delete()
    for person in people:
        status_refresh(person=person)
    assert stored() == by_scan
    assert len(by_scan) >= 4  # most of them are concerned: the comparison is not empty
