"""The traveller's pages and the employer's view of a sponsored person, with their access rules."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from stays.models import CalendarFeed, CountryRule, Crossing
from tests.factories import EmployerUserFactory, UserFactory, sponsor

from .factories import CrossingFactory, history

pytestmark = pytest.mark.django_db

HISTORY = reverse("stays:history")
PLANNER = reverse("stays:planner")


def d(iso):
    return date.fromisoformat(iso)


def page(response):
    return response.content.decode()


class TestHistory:
    def test_it_records_a_history_and_flags_its_violation(self, client, applicant, today):
        client.force_login(applicant)
        for entry, exit in [("2025-03-01", "2025-04-10"), ("2025-06-01", "")]:
            response = client.post(HISTORY, {"entry": entry, "exit": exit, "note": ""})
            assert response.status_code == 302
        html = page(client.get(HISTORY))
        assert "Single stay too long" in html and 'data-kind="single_stay"' in html
        assert "Must leave by" in html and "June 30, 2025" in html
        assert '<svg role="img"' in html and "<title" in html and "The chart as a table" in html
        assert Crossing.objects.filter(person=applicant).count() == 2

    def test_it_keeps_what_was_typed_and_names_the_field(self, client, applicant, today):
        history(applicant, [("2025-01-10", "2025-01-20")])
        client.force_login(applicant)
        response = client.post(
            HISTORY, {"entry": "2025-01-15", "exit": "2025-01-25", "note": "typed note"}
        )
        assert response.status_code == 200
        html = page(response)
        assert "overlaps the stay" in html and 'value="typed note"' in html
        assert 'value="2025-01-15"' in html and 'value="2025-01-25"' in html
        assert Crossing.objects.filter(person=applicant).count() == 1

    @pytest.mark.parametrize(
        "data, field",
        [
            ({"entry": "2025-05-10", "exit": "2025-05-01"}, "exit"),
            ({"entry": "1990-05-10", "exit": "1990-05-11"}, "entry"),
            ({"entry": "2025-06-20", "exit": ""}, "entry"),
            ({"entry": "not a date", "exit": ""}, "entry"),
            ({"entry": "", "exit": ""}, "entry"),
        ],
    )
    def test_it_refuses_bad_input(self, client, applicant, today, data, field):
        client.force_login(applicant)
        response = client.post(HISTORY, {**data, "note": ""})
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert not Crossing.objects.filter(person=applicant).exists()

    def test_it_shows_dates_as_the_language_expects(self, client, applicant, today):
        history(applicant, [("2025-03-01", "2025-03-05")])
        applicant.preferred_language = "ru"
        applicant.save()
        client.force_login(applicant)
        with translation.override("ru"):
            html = page(client.get(HISTORY, HTTP_ACCEPT_LANGUAGE="ru"))
        assert "1 марта 2025" in html
        # Numbers inside the chart stay machine-readable in every language.
        points = re.search(r'<polyline points="([^"]+)"', html).group(1).split()
        assert 2 <= len(points) < 365  # the days where the line turns
        assert all(re.fullmatch(r"\d+(\.\d+)?,\d+(\.\d+)?", p) for p in points)

    def test_it_costs_the_same_queries_at_10_and_500_crossings(
        self, client, applicant, today, settings
    ):
        client.force_login(applicant)
        CalendarFeed.objects.create(person=applicant)

        def queries():
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(HISTORY)
            assert response.status_code == 200
            return len(ctx.captured_queries)

        day = d("1995-01-01")
        spans = [
            (day + timedelta(days=20 * k), day + timedelta(days=20 * k + 5)) for k in range(500)
        ]
        history(applicant, spans[:10])
        small = queries()
        history(applicant, spans[10:])
        assert queries() == small

    def test_it_refuses_outsiders(self, client, employer_user, reviewer):
        assert client.get(HISTORY).url.startswith(reverse("login"))
        for user in (employer_user, reviewer):
            client.force_login(user)
            assert client.get(HISTORY).status_code == 403


class TestEditDelete:
    def test_it_changes_a_stay(self, client, applicant, today):
        crossing = CrossingFactory(person=applicant)
        client.force_login(applicant)
        url = reverse("stays:edit", args=[crossing.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"entry": "2025-01-11", "exit": "2025-01-12", "note": "x"})
        assert response.status_code == 302
        crossing.refresh_from_db()
        assert (crossing.entry, crossing.exit, crossing.note) == (
            d("2025-01-11"),
            d("2025-01-12"),
            "x",
        )

    def test_it_refuses_a_change_that_breaks_the_record(self, client, applicant, today):
        first, _ = history(applicant, [("2025-01-10", "2025-01-20"), ("2025-02-01", None)])
        client.force_login(applicant)
        response = client.post(
            reverse("stays:edit", args=[first.pk]), {"entry": "2025-01-10", "exit": ""}
        )
        assert response.status_code == 200 and "Only one stay" in page(response)
        first.refresh_from_db()
        assert first.exit == d("2025-01-20")

    def test_it_deletes_after_confirmation(self, client, applicant, today):
        crossing = CrossingFactory(person=applicant)
        client.force_login(applicant)
        url = reverse("stays:delete", args=[crossing.pk])
        assert "Delete the stay" in page(client.get(url))
        assert client.post(url).status_code == 302
        assert not Crossing.objects.filter(pk=crossing.pk).exists()

    @pytest.mark.parametrize("name", ["stays:edit", "stays:delete"])
    def test_it_hides_other_peoples_stays(self, client, applicant, other_applicant, name):
        crossing = CrossingFactory(person=applicant)
        url = reverse(name, args=[crossing.pk])
        assert client.get(url).url.startswith(reverse("login"))
        client.force_login(other_applicant)
        assert client.get(url).status_code == 404
        assert client.post(url, {"entry": "2025-01-01", "exit": ""}).status_code == 404
        employer = EmployerUserFactory()
        sponsor(employer.employer, applicant)
        client.force_login(employer)  # even the sponsor edits nothing
        assert client.post(url).status_code == 403
        assert Crossing.objects.filter(pk=crossing.pk, entry=d("2025-01-10")).exists()


class TestPlanner:
    def test_it_answers_both_questions(self, client, applicant, today):
        history(applicant, [("2025-03-01", "2025-03-30"), ("2025-04-10", "2025-05-09")])
        client.force_login(applicant)
        html = page(client.get(PLANNER, {"entry": "2025-06-20"}))
        assert "you may stay 30 days: leave by July 19, 2025" in html
        html = page(client.get(PLANNER, {"length": "30"}))
        assert "The earliest you can come for 30 days is June 15, 2025" in html
        html = page(client.get(PLANNER, {"length": "31"}))
        assert "A stay of 31 days is never allowed" in html

    def test_it_refuses_a_past_entry_date(self, client, applicant, today):
        client.force_login(applicant)
        response = client.get(PLANNER, {"entry": "2025-06-01"})
        assert response.context["longest_form"].errors["entry"]

    def test_it_refuses_outsiders(self, client, employer_user):
        assert client.get(PLANNER).url.startswith(reverse("login"))
        client.force_login(employer_user)
        assert client.get(PLANNER).status_code == 403


class TestCalendar:
    def test_it_serves_the_must_leave_by_date_at_a_private_address(self, client, applicant, today):
        history(applicant, [("2025-06-01", None)])
        client.force_login(applicant)
        client.post(reverse("stays:calendar_regenerate"))
        token = CalendarFeed.objects.get(person=applicant).token
        client.logout()
        response = client.get(reverse("stays:calendar", args=[token]))
        assert response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert "DTSTART;VALUE=DATE:20250630" in body and "TRIGGER;RELATED=START:-P14D" in body

    def test_a_new_address_retires_the_old_one(self, client, applicant):
        client.force_login(applicant)
        client.post(reverse("stays:calendar_regenerate"))
        old = CalendarFeed.objects.get(person=applicant).token
        client.post(reverse("stays:calendar_regenerate"))
        new = CalendarFeed.objects.get(person=applicant).token
        assert old != new
        assert client.get(reverse("stays:calendar", args=[old])).status_code == 404
        assert client.get(reverse("stays:calendar", args=[new])).status_code == 200
        assert new in page(client.get(HISTORY))

    def test_it_refuses_a_wrong_token_and_outsiders(self, client, employer_user):
        assert client.get(reverse("stays:calendar", args=["guess"])).status_code == 404
        url = reverse("stays:calendar_regenerate")
        assert client.post(url).url.startswith(reverse("login"))
        client.force_login(employer_user)
        assert client.post(url).status_code == 403
        assert client.get(url).status_code in (403, 405)


class TestEmployerView:
    def test_the_sponsor_sees_the_status_read_only(self, client, applicant, employer_user, today):
        history(applicant, [("2025-03-01", "2025-04-10")])
        sponsor(employer_user.employer, applicant)
        client.force_login(employer_user)
        html = page(client.get(reverse("stays:person", args=[applicant.pk])))
        assert applicant.full_name in html and "Single stay too long" in html
        assert reverse("stays:edit", args=[applicant.crossings.get().pk]) not in html

    def test_others_see_nothing(
        self, client, applicant, other_applicant, employer_user, other_employer_user
    ):
        sponsor(employer_user.employer, applicant)
        url = reverse("stays:person", args=[applicant.pk])
        assert client.get(url).url.startswith(reverse("login"))
        client.force_login(other_employer_user)
        assert client.get(url).status_code == 404
        client.force_login(other_applicant)
        assert client.get(url).status_code == 403
        # An ended sponsorship ends the view.
        applicant.sponsorships.update(status="ended")
        client.force_login(employer_user)
        assert client.get(url).status_code == 404


class TestWhichRule:
    """The page says the rule the ministry has set for the citizenship, or that none is set:
    never "no limits apply" for a country without a rule (issue 14, point 15)."""

    @pytest.mark.parametrize(
        "country, says",
        [
            ("UZ", "(visa-free entry) you may stay up to 30 days at a time"),
            ("UA", "(visa-free entry) you may stay up to 90 days at a time"),
            ("RU", "(Eurasian Economic Union) you may stay up to 90 days at a time"),
            ("CN", "The ministry has not yet set the entry rule for citizens of China"),
        ],
    )
    def test_it_says_the_rule_for_the_citizenship(self, client, country, says, today):
        person = UserFactory(citizenship=country)
        client.force_login(person)
        for url in (HISTORY, PLANNER):
            html = " ".join(page(client.get(url)).split())
            assert says in html
            assert "do not apply" not in html

    def test_it_says_a_visa_is_needed_where_the_ministry_says_so(self, client, today):
        CountryRule.objects.create(country="CN", regime="visa_required")
        client.force_login(UserFactory(citizenship="CN"))
        html = " ".join(page(client.get(HISTORY)).split())
        assert "Under the ministry's rules, citizens of China need a visa" in html
        dashboard = " ".join(page(client.get(reverse("portal:dashboard"), follow=True)).split())
        assert "Under the ministry's rules your citizenship needs a visa" in dashboard

    def test_the_dashboard_says_when_no_rule_is_set(self, client, today):
        client.force_login(UserFactory(citizenship="CN"))
        dashboard = " ".join(page(client.get(reverse("portal:dashboard"), follow=True)).split())
        assert "has not yet set the entry rule for your citizenship" in dashboard
