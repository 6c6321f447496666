"""Point 2: a statement of stays as of a chosen day, computed by the stay tracker, stored as issued;
and point 3's snapshot: the check shows the figures issued, whatever the history becomes."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.core import clock
from stays import services as stays
from stays.models import CountryRule, Crossing
from stays.rules import Period
from tests.stays.factories import history
from verification import services
from verification.models import IssuedDocument

from .conftest import read_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def on():
    return clock.today() - timedelta(days=10)


@pytest.fixture
def stays_of_alice(applicant, on):
    """35 days (5 over the single-stay limit of 30), 30 days, and a stay still going on."""
    return history(
        applicant,
        [
            (on - timedelta(days=100), on - timedelta(days=66)),
            (on - timedelta(days=40), on - timedelta(days=11)),
            (on - timedelta(days=5), None),
        ],
    )


def _issue(client, day):
    return client.post(reverse("verification:statement_issue"), {"as_of": day.isoformat()})


def test_the_holder_issues_a_statement_with_the_trackers_figures(
    client, applicant, stays_of_alice, on
):
    client.force_login(applicant)
    response = _issue(client, on)
    assert response.status_code == 302
    document = IssuedDocument.objects.get(holder=applicant, kind="statement")
    data = document.data
    # The figures, worked out by hand for visa-free limits (30 / 90 in 180 days) ...
    assert data["as_of"] == on.isoformat()
    assert (data["days_used"], data["days_left"], data["in_country"]) == (71, 19, True)
    assert data["violations"] == [
        {
            "kind": "single_stay",
            "first_day": (on - timedelta(days=70)).isoformat(),
            "last_day": (on - timedelta(days=66)).isoformat(),
            "days_over": 5,
        }
    ]
    assert [s["entry"] for s in data["stays"]] == [
        (on - timedelta(days=d)).isoformat() for d in (100, 40, 5)
    ]
    # The stay still going on has no exit on that day, though today it may be longer.
    assert data["stays"][-1]["exit"] is None
    # ... and those of the stay tracker on that day.
    a = stays.person_overview(applicant, on=on).assessment
    assert (data["days_used"], data["days_left"]) == (a.days_in_window, a.days_remaining)
    assert data["must_leave_by"] == a.latest_exit_date.isoformat()


def test_the_statement_pdf_in_each_language_has_its_codes(client, applicant, stays_of_alice, on):
    client.force_login(applicant)
    _issue(client, on)
    document = IssuedDocument.objects.get(holder=applicant, kind="statement")
    for lang in ("kk", "ru", "en"):
        response = client.get(reverse("verification:statement_pdf", args=[document.pk, lang]))
        assert response.status_code == 200, lang
        pdf = read_pdf(response.content)
        text = " ".join(pdf.text.split())
        assert pdf.qr == [services.check_url(document)], lang
        assert document.short_code_display in text
        assert "Alice Applicant" in text and "71 / 90" in text
    ru = read_pdf(
        client.get(reverse("verification:statement_pdf", args=[document.pk, "ru"])).content
    ).text
    assert "Гражданство" in ru


def test_a_statement_is_a_snapshot_the_check_shows_what_was_issued(
    client, applicant, stays_of_alice, on
):
    client.force_login(applicant)
    _issue(client, on)
    document = IssuedDocument.objects.get(holder=applicant, kind="statement")
    # The history changes afterwards: the long stay is deleted, another one added.
    stays.crossing_delete(
        crossing=Crossing.objects.get(person=applicant, entry=on - timedelta(100))
    )
    stays.crossing_create(
        person=applicant, entry=on - timedelta(days=150), exit=on - timedelta(days=149)
    )
    assert stays.person_overview(applicant, on=on).assessment.days_in_window == 38
    client.logout()
    html = client.get(reverse("verification:check", args=[document.token])).content.decode()
    assert 'data-outcome="statement"' in html
    assert "71 / 90" in html and "38 / 90" not in html
    # A new statement of the same day has the new figures; the old one keeps its own.
    client.force_login(applicant)
    _issue(client, on)
    newest = IssuedDocument.objects.filter(holder=applicant, kind="statement").first()
    assert newest.pk != document.pk and newest.data["days_used"] == 38
    document.refresh_from_db()
    assert document.data["days_used"] == 71
    pdf = read_pdf(
        client.get(reverse("verification:statement_pdf", args=[document.pk, "en"])).content
    )
    assert "71 / 90" in pdf.text


def test_a_date_in_the_future_is_refused(client, applicant, stays_of_alice):
    client.force_login(applicant)
    response = _issue(client, clock.today() + timedelta(days=1))
    assert response.status_code == 200
    assert "Choose a date that is not in the future." in response.content.decode()
    assert not IssuedDocument.objects.filter(kind="statement").exists()
    with pytest.raises(services.StatementError):
        services.statement_issue(person=applicant, on=clock.today() + timedelta(days=1))


def test_today_is_allowed(client, applicant, stays_of_alice):
    client.force_login(applicant)
    assert _issue(client, clock.today()).status_code == 302


def test_without_limits_there_is_no_statement(client, applicant):
    applicant.citizenship = "CN"  # no country rule yet: not "no limits apply"
    applicant.save()
    client.force_login(applicant)
    response = _issue(client, clock.today())
    assert response.status_code == 200
    assert "has not yet set the entry rule for your citizenship" in response.content.decode()
    CountryRule.objects.create(country="CN", regime="visa_required")
    response = _issue(client, clock.today())
    assert response.status_code == 200
    assert "your citizenship needs a visa" in response.content.decode()


def test_permit_periods_that_exempt_days_are_on_the_statement(applicant, reviewer, on):
    from .conftest import issue_permit

    history(applicant, [(on - timedelta(days=20), on - timedelta(days=1))])
    permit = issue_permit(applicant, reviewer)
    permit.issue_date = on - timedelta(days=15)
    permit.save()
    document = services.statement_issue(person=applicant, on=on)
    assert document.data["exempt"] == [
        {"start": permit.issue_date.isoformat(), "end": permit.valid_until.isoformat()}
    ]
    # The 20 days abroad-or-exempt: only the 5 before the permit count.
    assert document.data["days_used"] == 5
    assert stays.permit_periods(applicant.pk) == [Period(permit.issue_date, permit.valid_until)]


def test_the_holder_revokes_a_statement_and_nobody_else_can(
    client, applicant, other_applicant, stays_of_alice, on
):
    document = services.statement_issue(person=applicant, on=on)
    url = reverse("verification:statement_revoke", args=[document.pk])
    client.force_login(other_applicant)
    assert client.post(url).status_code == 404
    document.refresh_from_db()
    assert document.revoked_at is None
    client.force_login(applicant)
    assert client.post(url).status_code == 302
    document.refresh_from_db()
    assert document.revoked_at is not None
    # Revoked: no more download; the check says so, and shows none of its figures.
    pdf_url = reverse("verification:statement_pdf", args=[document.pk, "en"])
    assert client.get(pdf_url).status_code == 404
    client.logout()
    response = client.get(reverse("verification:check", args=[document.token]))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-outcome="revoked"' in html
    assert "71 / 90" not in html and "A***e" not in html
