"""Registrations are opened by every path that records an entry, follow corrections, and leave
the organisation's list when the sponsorship ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrivals import access, services
from arrivals.models import ArrivalRegistration
from permits.services import permit_issue
from permits.states import Status
from portal.organisations.employers import sponsorship_end
from stays import csv_import
from stays import services as stays_services
from stays.models import Crossing
from tests.permits.factories import ApplicationFactory

from .conftest import TODAY, sponsor_since

pytestmark = pytest.mark.django_db


def _open(person):
    return list(
        ArrivalRegistration.objects.filter(person=person, state="open").values_list(
            "arrival", "deadline"
        )
    )


class TestOpening:
    def test_an_entry_typed_by_the_person_opens_one(self, sponsored, employer_user, today):
        stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 5), exit=None)
        r = ArrivalRegistration.objects.get()
        assert (r.employer, r.arrival, r.deadline, r.state) == (
            employer_user.employer,
            date(2026, 6, 5),
            date(2026, 6, 10),
            "open",
        )

    def test_the_persons_own_csv_import_opens_one(self, sponsored, today):
        result = csv_import.import_crossings(
            by=sponsored, data=b"entry,exit\n2026-05-01,2026-05-10\n2026-06-08,\n"
        )
        assert result.ok
        assert sorted(_open(sponsored)) == [
            (date(2026, 5, 1), date(2026, 5, 6)),  # 1 May and the weekend; 7 May off too
            (date(2026, 6, 8), date(2026, 6, 11)),
        ]

    def test_the_employers_csv_import_opens_one(self, sponsored, employer_user, today):
        data = f"person,entry,exit\n{sponsored.email},2026-06-09,\n".encode()
        assert csv_import.import_crossings(by=employer_user, data=data).ok
        assert _open(sponsored) == [(date(2026, 6, 9), date(2026, 6, 12))]

    def test_nobody_sponsored_nothing_opened(self, applicant, today):
        stays_services.crossing_create(person=applicant, entry=date(2026, 6, 5), exit=None)
        assert not ArrivalRegistration.objects.exists()

    def test_an_entry_covered_by_a_permit_opens_none(self, sponsored, today):
        application = ApplicationFactory(
            applicant=sponsored, status=Status.APPROVED, passport_expiry=date(2035, 1, 1)
        )
        permit_issue(application=application, on=date(2026, 5, 20))
        stays_services.crossing_create(
            person=sponsored, entry=date(2026, 5, 1), exit=date(2026, 5, 3)
        )
        stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 5), exit=None)
        assert _open(sponsored) == [(date(2026, 5, 1), date(2026, 5, 6))]

    def test_entries_whose_duty_ended_before_the_sponsorship_are_not_its(
        self, employer_user, applicant, today
    ):
        sponsor_since(employer_user.employer, applicant, date(2026, 6, 1))
        stays_services.crossing_create(
            person=applicant, entry=date(2026, 5, 20), exit=date(2026, 5, 22)
        )  # due 25 May: before the sponsorship
        stays_services.crossing_create(
            person=applicant, entry=date(2026, 5, 28), exit=date(2026, 5, 29)
        )  # due 2 June: the sponsor's duty
        assert _open(applicant) == [(date(2026, 5, 28), date(2026, 6, 2))]


class TestCorrections:
    def test_a_corrected_entry_moves_the_open_registration(self, sponsored, today):
        crossing = stays_services.crossing_create(
            person=sponsored, entry=date(2026, 6, 5), exit=None
        )
        stays_services.crossing_update(crossing=crossing, entry=date(2026, 6, 8), exit=None)
        assert _open(sponsored) == [(date(2026, 6, 8), date(2026, 6, 11))]

    def test_a_deleted_entry_takes_its_open_registration(self, sponsored, today):
        crossing = stays_services.crossing_create(
            person=sponsored, entry=date(2026, 6, 5), exit=None
        )
        stays_services.crossing_delete(crossing=crossing)
        assert not ArrivalRegistration.objects.exists()

    def test_a_recorded_registration_stays_when_its_stay_is_deleted(
        self, sponsored, employer_user, today
    ):
        crossing = stays_services.crossing_create(
            person=sponsored, entry=date(2026, 6, 5), exit=None
        )
        services.registration_record_made(
            registration=ArrivalRegistration.objects.get(),
            made_on=date(2026, 6, 8),
            reference="MS-1",
            by=employer_user,
        )
        stays_services.crossing_delete(crossing=crossing)
        r = ArrivalRegistration.objects.get()
        assert (r.state, r.crossing, r.reference) == ("made", None, "MS-1")


class TestRecording:
    @pytest.fixture
    def registration(self, sponsored, today):
        stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 5), exit=None)
        return ArrivalRegistration.objects.get()

    def test_made_records_date_reference_and_who(self, registration, employer_user):
        r = services.registration_record_made(
            registration=registration, made_on=TODAY, reference=" MS-42 ", by=employer_user
        )
        assert (r.state, r.made_on, r.reference, r.recorded_by) == (
            "made",
            TODAY,
            "MS-42",
            employer_user,
        )
        assert r.on_time() is True

    def test_made_after_the_deadline_is_late(self, sponsored, employer_user, today):
        stays_services.crossing_create(
            person=sponsored, entry=date(2026, 6, 1), exit=date(2026, 6, 2)
        )
        late = ArrivalRegistration.objects.get(arrival=date(2026, 6, 1))
        assert late.deadline == date(2026, 6, 4)
        r = services.registration_record_made(
            registration=late, made_on=date(2026, 6, 5), reference="x", by=employer_user
        )
        assert r.on_time() is False

    @pytest.mark.parametrize(
        "made_on, reference, says",
        [
            (TODAY + timedelta(days=1), "x", "cannot be in the future"),
            (date(2026, 6, 4), "x", "before the arrival"),
            (TODAY, "   ", "reference number"),
        ],
    )
    def test_bad_input_is_refused_with_a_reason(
        self, registration, employer_user, made_on, reference, says
    ):
        with pytest.raises(services.RegistrationError, match=says):
            services.registration_record_made(
                registration=registration, made_on=made_on, reference=reference, by=employer_user
            )
        registration.refresh_from_db()
        assert registration.state == "open"

    def test_not_needed_needs_a_reason_and_is_recorded_once(self, registration, employer_user):
        with pytest.raises(services.RegistrationError):
            services.registration_record_not_needed(
                registration=registration, reason=" ", by=employer_user
            )
        services.registration_record_not_needed(
            registration=registration, reason="Registered by the hotel", by=employer_user
        )
        with pytest.raises(services.RegistrationError, match="already been recorded"):
            services.registration_record_made(
                registration=registration, made_on=TODAY, reference="x", by=employer_user
            )
        registration.refresh_from_db()
        assert (registration.state, registration.reason) == (
            "not_needed",
            "Registered by the hotel",
        )


class TestSponsorshipEnds:
    def test_open_registrations_leave_the_employers_list(self, sponsored, employer_user, today):
        stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 5), exit=None)
        assert access.organisation_registrations(employer_user).count() == 1
        sponsorship_end(sponsorship=sponsored.sponsorships.get(), by=sponsored)
        assert access.organisation_registrations(employer_user).count() == 0
        # The person still sees the arrival (unregistered).
        assert access.own_registrations(sponsored).count() == 1

    def test_a_new_sponsor_gets_the_entries_still_due(
        self, sponsored, employer_user, other_employer_user, today
    ):
        stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 8), exit=None)
        sponsorship_end(sponsorship=sponsored.sponsorships.get(), by=sponsored)
        sponsor_since(other_employer_user.employer, sponsored, TODAY)
        # The next change to the record brings the new sponsor's duty in.
        stays_services.record_changed(person=sponsored)
        assert access.organisation_registrations(employer_user).count() == 0
        assert access.organisation_registrations(other_employer_user).count() == 1


class TestDashboardRead:
    """``access.organisation_open`` (a fixed statement) reads what the ORM's
    ``organisation_registrations(...).filter(state=OPEN)`` reads, in deadline order."""

    def _orm(self, user):
        return [
            (r.pk, r.arrival, r.deadline, r.person_id, r.person.full_name, r.person.email)
            for r in access.organisation_registrations(user)
            .filter(state="open")
            .select_related("person")
            .order_by("deadline", "pk")
        ]

    def _read(self, user):
        return [
            (r.pk, r.arrival, r.deadline, r.person_id, r.person.full_name, r.person.email)
            for r in access.organisation_open(user)
        ]

    def test_the_same_rows_as_the_queryset(
        self, sponsored, employer_user, other_employer_user, today
    ):
        for entry in (date(2026, 6, 8), date(2026, 5, 4), date(2026, 6, 1)):
            stays_services.crossing_create(
                person=sponsored, entry=entry, exit=entry + timedelta(days=2)
            )
        made = ArrivalRegistration.objects.get(arrival=date(2026, 6, 1))
        services.registration_record_made(
            registration=made, made_on=TODAY, reference="R-1", by=employer_user
        )
        read = self._read(employer_user)
        assert read == self._orm(employer_user)
        assert [r[1] for r in read] == [date(2026, 5, 4), date(2026, 6, 8)]  # not the one made
        assert read[0][4:] == (sponsored.full_name, sponsored.email)
        # The rows are what the template reads; nothing else of the person was loaded.
        [first, _] = access.organisation_open(employer_user)
        assert first.person.get_deferred_fields() >= {"password"}
        # Another organisation, the person and a visitor see none of them.
        assert self._read(other_employer_user) == self._orm(other_employer_user) == []
        assert access.organisation_open(sponsored) == []

    def test_an_ended_sponsorship_leaves_it(self, sponsored, employer_user, today):
        stays_services.crossing_create(person=sponsored, entry=date(2026, 6, 5), exit=None)
        assert len(self._read(employer_user)) == 1
        sponsorship_end(sponsorship=sponsored.sponsorships.get(), by=sponsored)
        assert self._read(employer_user) == self._orm(employer_user) == []


class TestCost:
    def test_the_hook_costs_the_same_for_a_long_history(self, sponsored, today):
        def queries_for_one_more(entry: date) -> int:
            with CaptureQueriesContext(connection) as ctx:
                stays_services.crossing_create(
                    person=sponsored, entry=entry, exit=entry + timedelta(days=1)
                )
            return len(ctx.captured_queries)

        first = queries_for_one_more(date(2026, 6, 1))
        # Twenty earlier stays of this sponsorship (its registrations open with the next change).
        Crossing.objects.bulk_create(
            Crossing(person=sponsored, entry=start, exit=start + timedelta(days=2))
            for start in (date(2026, 1, 5) + timedelta(days=5 * i) for i in range(20))
        )
        assert queries_for_one_more(date(2026, 6, 4)) == first
        assert ArrivalRegistration.objects.count() == 22


class TestDue:
    def test_the_calendar_is_read_only_for_a_deadline_after_today(self, sponsored, today):
        """A dashboard with nothing due after today makes no calendar query; one deadline
        later than today reads the calendar once, and the next working day follows it."""
        on = date(2026, 6, 5)  # a Friday
        with CaptureQueriesContext(connection) as queries:
            nothing = services.due([], on)
        assert (len(queries), nothing.urgent) == (0, 0)
        stays_services.crossing_create(person=sponsored, entry=on, exit=None)
        registration = ArrivalRegistration.objects.get()
        assert registration.deadline > on
        with CaptureQueriesContext(connection) as queries:
            found = services.due([registration, registration], on)
        assert len(queries) == 1
        assert found.next_working_day == date(2026, 6, 8)  # Monday
        assert found.later == [registration, registration]  # due on 10 June
        assert len(queries) == 1
