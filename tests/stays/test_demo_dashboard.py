"""Demo data (idempotent, with a violation) and the applicant's dashboard panel."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from stays import dashboard, demo, services
from stays.models import CountryRule, Crossing
from tests.factories import UserFactory

from .factories import history

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_violation_and_loads_once(applicant):
    other = UserFactory(email=demo.OTHER_EMAIL, citizenship="US")
    demo.load({"applicant": applicant})
    demo.load({"applicant": applicant})
    assert Crossing.objects.filter(person=applicant).count() == 4
    assert Crossing.objects.filter(person=other).count() == 2
    a = services.person_overview(applicant).assessment
    assert [v.kind for v in a.violations] == ["single_stay"]
    assert a.in_country and a.latest_exit_date is not None
    assert services.statuses_for([applicant.pk, other.pk]).keys() == {applicant.pk, other.pk}


def test_the_dashboard_panel_shows_the_status_in_constant_queries(applicant, today):
    history(applicant, [("2025-03-01", "2025-04-10"), ("2025-06-01", None)])
    with CaptureQueriesContext(connection) as ctx:
        context = dashboard.applicant_summary(applicant)
    assert len(ctx.captured_queries) == 3
    html = render_to_string("stays/_dashboard_applicant.html", context)
    assert "Days used: 56 of 90 in the last 180 days (34 left)." in html
    assert "Must leave by: June 30, 2025" in html and "1 violation" in html
    assert 'href="/stays/"' in html


def test_the_dashboard_panel_explains_when_no_limit_applies(today):
    CountryRule.objects.create(country="CN", regime="visa_required")
    person = UserFactory(citizenship="CN")
    html = render_to_string("stays/_dashboard_applicant.html", dashboard.applicant_summary(person))
    assert "your citizenship needs a visa" in html


def test_the_dashboard_panel_says_when_no_rule_is_set(today):
    person = UserFactory(citizenship="CN")  # no country rule for China
    html = render_to_string("stays/_dashboard_applicant.html", dashboard.applicant_summary(person))
    assert "has not yet set the entry rule for your citizenship" in html
    assert "visa" not in html
