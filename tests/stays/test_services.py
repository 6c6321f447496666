"""Services: regimes from the country rules, permits exempt, checked writes, stored statuses."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.models import Permit
from stays import rules, services
from stays.models import CountryRule, Crossing, Regime, StayStatus
from tests.factories import UserFactory
from tests.permits.factories import ApplicationFactory

from .factories import history

pytestmark = pytest.mark.django_db


def d(iso):
    return date.fromisoformat(iso)


def permit_for(person, start, end):
    application = ApplicationFactory(applicant=person, status="approved")
    return Permit.objects.create(
        application=application, number=f"KZ-{person.pk}", issue_date=d(start), valid_until=d(end)
    )


class TestRegime:
    @pytest.mark.parametrize(
        "country, regime, single",
        [("DE", Regime.VISA_FREE, 30), ("US", Regime.VISA_FREE, 30), ("RU", Regime.EAEU, 90)],
    )
    def test_it_follows_the_citizenship(self, country, regime, single):
        found = services.person_regime(UserFactory(citizenship=country))
        assert found.regime == regime
        assert found.limits == rules.Limits(
            single_stay=single, window=180, max_days=90, rolling_from=date(2023, 1, 27)
        )

    def test_it_says_when_a_country_has_no_rule_yet(self):
        found = services.person_regime(UserFactory(citizenship="CN"))
        assert found == services.PersonRegime(services.NO_RULE, None)

    def test_it_follows_a_visa_required_rule_that_staff_set(self):
        CountryRule.objects.create(country="CN", regime=Regime.VISA_REQUIRED)
        found = services.person_regime(UserFactory(citizenship="CN"))
        assert found == services.PersonRegime(Regime.VISA_REQUIRED, None)

    def test_it_reads_the_start_of_the_period_limit_from_the_rule(self):
        CountryRule.objects.filter(country="DE").update(rolling_from=date(2024, 1, 1))
        limits = services.person_regime(UserFactory(citizenship="DE")).limits
        assert limits is not None and limits.rolling_from == date(2024, 1, 1)

    def test_it_knows_nothing_without_a_citizenship(self):
        assert services.person_regime(UserFactory(citizenship="")).limits is None

    def test_it_reads_limits_that_staff_changed(self):
        CountryRule.objects.filter(country="DE").update(single_stay_days=45, max_days=100)
        limits = services.person_regime(UserFactory(citizenship="DE")).limits
        assert limits == rules.Limits(
            single_stay=45, window=180, max_days=100, rolling_from=date(2023, 1, 27)
        )

    def test_it_gives_a_regimes_limits_as_most_rules_have_them(self):
        start = date(2023, 1, 27)
        assert services.regime_limits("visa_free") == replace(rules.VISA_FREE, rolling_from=start)
        assert services.regime_limits("eaeu") == replace(rules.EAEU, rolling_from=start)
        CountryRule.objects.filter(regime="eaeu").update(max_days=80)
        assert services.regime_limits("eaeu").max_days == 80

    def test_the_seed_has_the_eaeu_and_the_visa_free_countries(self):
        eaeu = set(CountryRule.objects.filter(regime="eaeu").values_list("country", flat=True))
        assert eaeu == {"AM", "BY", "KG", "RU"}
        visa_free = CountryRule.objects.filter(regime="visa_free")
        # The 54 of the unilateral list, and nine under CIS and bilateral agreements that had
        # no rule at first (read as "visa required").
        assert visa_free.count() == 54 + 9
        assert {"US", "JP", "MX", "AU", "NZ", "DE", "FR"} <= set(
            visa_free.values_list("country", flat=True)
        )
        agreements = {
            str(r.country): r.single_stay_days
            for r in visa_free.filter(
                country__in=["UZ", "TJ", "AZ", "GE", "UA", "MD", "MN", "BR", "AR"]
            )
        }
        assert agreements == {
            "AZ": 90,
            "GE": 90,
            "MD": 90,
            "UA": 90,
            "UZ": 30,
            "TJ": 90,  # corrected in 0005 against public sources
            "MN": 90,
            "BR": 30,
            "AR": 30,
        }
        nine = visa_free.filter(country__in=list(agreements))
        assert not nine.filter(note__icontains="check").exists()  # each checked, with its source
        assert not nine.filter(note__icontains="until confirmed").exists()
        assert set(CountryRule.objects.values_list("rolling_from", flat=True)) == {
            date(2023, 1, 27)
        }
        assert not CountryRule.objects.filter(country__in=["KZ", "CN"]).exists()


class TestOverview:
    def test_it_assesses_the_history_on_the_day(self, today):
        person = UserFactory(citizenship="DE")
        history(person, [("2025-03-01", "2025-04-10"), ("2025-06-01", None)])
        overview = services.person_overview(person)
        a = overview.assessment
        assert overview.on == today
        assert a.days_in_window == 41 + 15 and a.in_country
        assert [v.kind for v in a.violations] == ["single_stay"]
        assert a.violations[0].first_day == d("2025-03-31")
        assert a.latest_exit_date == d("2025-06-30")
        assert overview.days_to_leave() == 15

    def test_it_leaves_permit_days_out(self, today):
        person = UserFactory(citizenship="DE")
        history(person, [("2025-01-01", "2025-05-31")])
        permit_for(person, "2024-12-01", "2025-05-20")
        overview = services.person_overview(person)
        assert overview.exempt == [rules.Period(d("2024-12-01"), d("2025-05-20"))]
        assert overview.assessment.days_in_window == 11  # 21 to 31 May
        assert overview.assessment.violations == ()
        assert overview.permit_now is None

    def test_it_knows_a_permit_covers_today(self, today):
        person = UserFactory(citizenship="DE")
        permit_for(person, "2025-01-01", "2030-01-01")
        assert services.person_overview(person).permit_now.end == d("2030-01-01")

    def test_it_does_not_assess_visa_required_people(self, today):
        person = UserFactory(citizenship="CN")
        history(person, [("2025-01-01", "2025-05-31")])
        assert services.person_overview(person).assessment is None

    def test_it_costs_the_same_queries_for_any_history(self, today):
        person = UserFactory(citizenship="DE")

        def count():
            with CaptureQueriesContext(connection) as ctx:
                services.person_overview(person)
            return len(ctx.captured_queries)

        small = count()
        day = d("2000-01-01")
        history(
            person,
            [(day + timedelta(days=20 * k), day + timedelta(days=20 * k + 3)) for k in range(300)],
        )
        assert count() == small == 3


class TestWrites:
    def test_it_records_a_stay_and_stores_the_status(self, today):
        person = UserFactory(citizenship="DE")
        crossing = services.crossing_create(
            person=person, entry=d("2025-06-01"), exit=None, note="work"
        )
        assert crossing.pk and crossing.note == "work"
        status = StayStatus.objects.get(person=person)
        assert status.on == today and status.days_in_window == 15 and status.in_country
        assert status.latest_exit_date == d("2025-06-30")

    @pytest.mark.parametrize(
        "entry, exit, field, words",
        [
            ("2025-05-10", "2025-05-01", "exit", "before the entry"),
            ("1991-12-01", "1991-12-20", "entry", "on or after"),
            ("2025-06-10", "2025-06-20", "exit", "in the future"),
            ("2025-06-16", None, "entry", "in the future"),
            ("2025-01-05", "2025-01-12", None, "overlaps"),
            ("2025-01-10", "2025-01-20", None, "already recorded"),
            ("2025-03-01", None, "exit", "Only one stay"),
        ],
    )
    def test_it_refuses_a_wrong_stay_and_saves_nothing(self, today, entry, exit, field, words):
        person = UserFactory(citizenship="DE")
        history(person, [("2025-01-10", "2025-01-20"), ("2025-05-01", None)])
        with pytest.raises(services.HistoryError) as caught:
            services.crossing_create(person=person, entry=d(entry), exit=d(exit) if exit else None)
        fields = [f for f, _ in caught.value.errors]
        assert field in fields
        assert any(words in message for _, message in caught.value.errors)
        assert Crossing.objects.filter(person=person).count() == 2

    def test_it_allows_a_same_day_exit_and_reentry(self, today):
        person = UserFactory(citizenship="DE")
        history(person, [("2025-01-10", "2025-01-20")])
        services.crossing_create(person=person, entry=d("2025-01-20"), exit=d("2025-01-25"))
        assert Crossing.objects.filter(person=person).count() == 2

    def test_it_checks_a_changed_stay_against_the_others_only(self, today):
        person = UserFactory(citizenship="DE")
        first, second = history(
            person, [("2025-01-10", "2025-01-20"), ("2025-02-01", "2025-02-05")]
        )
        # Moving a stay over itself is fine; over another is not.
        services.crossing_update(crossing=first, entry=d("2025-01-12"), exit=d("2025-01-22"))
        with pytest.raises(services.HistoryError):
            services.crossing_update(crossing=first, entry=d("2025-01-12"), exit=d("2025-02-02"))
        first.refresh_from_db()
        assert (first.entry, first.exit) == (d("2025-01-12"), d("2025-01-22"))

    def test_it_does_not_blame_a_new_stay_for_old_mistakes(self, today):
        person = UserFactory(citizenship="DE")
        # Two old records overlap (entered before checks existed); an unrelated stay is fine.
        history(person, [("2024-01-10", "2024-01-20"), ("2024-01-15", "2024-01-25")])
        services.crossing_create(person=person, entry=d("2025-02-01"), exit=d("2025-02-03"))

    def test_deleting_the_last_stay_removes_the_status(self, today):
        person = UserFactory(citizenship="DE")
        crossing = services.crossing_create(person=person, entry=d("2025-06-01"), exit=None)
        services.crossing_delete(crossing=crossing)
        assert not StayStatus.objects.filter(person=person).exists()


class TestStatuses:
    def test_it_gives_statuses_by_person_in_one_query(self, today, django_assert_num_queries):
        people = [UserFactory(citizenship="DE") for _ in range(3)]
        for person in people[:2]:
            services.crossing_create(person=person, entry=d("2025-06-01"), exit=None)
        with django_assert_num_queries(1):
            statuses = services.statuses_for([p.pk for p in people])
        assert set(statuses) == {people[0].pk, people[1].pk}
        assert statuses[people[0].pk].days_remaining == 75

    def test_it_stores_no_status_for_a_permit_holder(self, today):
        person = UserFactory(citizenship="DE")
        permit_for(person, "2025-01-01", "2030-01-01")
        services.crossing_create(person=person, entry=d("2025-06-01"), exit=None)
        assert not StayStatus.objects.filter(person=person).exists()


class TestPlanner:
    def test_it_finds_the_longest_stay_and_the_earliest_entry(self, today):
        person = UserFactory(citizenship="DE")
        history(person, [("2025-03-01", "2025-03-30"), ("2025-04-10", "2025-05-09")])
        overview = services.person_overview(person)
        # 60 days used; entering on 20 June the single-stay limit (30) comes first.
        longest = services.plan_longest_stay(overview, d("2025-06-20"))
        assert longest.days == 30 and longest.last_day == d("2025-07-19")
        assert services.plan_earliest_entry(overview, 30) == today
        assert services.plan_earliest_entry(overview, 31) is None
