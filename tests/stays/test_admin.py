"""Stays in the admin: catalogue editors change the country rules, reviewers only read them; a
superuser's deletion of crossings renews the stored status at once."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.core import clock
from stays import services
from stays.models import CountryRule, Crossing, StayStatus
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:stays_countryrule_changelist")


def test_a_catalogue_editor_changes_a_regime_and_its_limits(client, catalogue_editor, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = False  # two-factor login is tested with the admin site
    rule = CountryRule.objects.get(country="DE")
    assert catalogue_editor.has_perm("stays.change_countryrule")
    assert catalogue_editor.has_perm("stays.add_countryrule")
    assert not catalogue_editor.has_perm("stays.delete_countryrule")
    client.force_login(catalogue_editor)
    url = reverse("admin:stays_countryrule_change", args=[rule.pk])
    response = client.post(
        url,
        {
            "country": "DE",
            "regime": "visa_free",
            "note": "Decree 2026",
            "single_stay_days": "45",
            "window_days": "180",
            "max_days": "90",
            "rolling_from": "2023-02-06",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    rule.refresh_from_db()
    assert rule.single_stay_days == 45 and rule.note == "Decree 2026"
    assert rule.rolling_from.isoformat() == "2023-02-06"
    assert client.get(LIST + "?regime=eaeu").status_code == 200


def test_it_refuses_more_days_than_the_period():
    rule = CountryRule(country="CN", regime="visa_free", window_days=60, max_days=90)
    with pytest.raises(Exception, match="cannot exceed"):
        rule.full_clean()


def test_reviewers_only_read_and_travellers_see_nothing(client, reviewer, applicant, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = False
    assert reviewer.has_perm("stays.view_countryrule")
    assert not reviewer.has_perm("stays.change_countryrule")
    client.force_login(reviewer)
    rule = CountryRule.objects.get(country="DE")
    url = reverse("admin:stays_countryrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "country": "DE",
            "regime": "eaeu",
            "single_stay_days": "90",
            "window_days": "180",
            "max_days": "90",
        },
    )
    rule.refresh_from_db()
    assert rule.regime == "visa_free"
    client.force_login(applicant)
    assert client.get(LIST).status_code == 302  # to the admin login


# --- Crossings: a superuser's deletions renew the stored status at once ----------------------


@pytest.fixture
def superuser(db):
    return StaffFactory(email="root@gov.kz", is_superuser=True)


def _traveller_with_a_violation(email):
    """A visa-free traveller (30-day single stays) whose stored status shows one violation."""
    on = clock.today()
    person = UserFactory(email=email, citizenship="DE")
    short = Crossing.objects.create(
        person=person, entry=on - timedelta(days=100), exit=on - timedelta(days=95)
    )
    long = Crossing.objects.create(
        person=person, entry=on - timedelta(days=60), exit=on - timedelta(days=20)
    )
    services.status_refresh(person=person)
    assert person.stay_status.violation_count == 1
    return person, short, long


def _status(person):
    return StayStatus.objects.filter(person=person).first()


def test_deleting_a_crossing_in_the_admin_renews_the_status(client, superuser):
    person, short, long = _traveller_with_a_violation("t1@example.kz")
    client.force_login(superuser)

    response = client.post(reverse("admin:stays_crossing_delete", args=[long.pk]), {"post": "yes"})

    assert response.status_code == 302
    status = _status(person)
    assert status.violation_count == 0 and status.first_violation_date is None
    assert status.days_in_window == 6  # the short stay only


def test_deleting_selected_crossings_in_the_admin_renews_each_status(client, superuser):
    first, first_short, first_long = _traveller_with_a_violation("t1@example.kz")
    second, second_short, second_long = _traveller_with_a_violation("t2@example.kz")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:stays_crossing_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [first_long.pk, second_short.pk, second_long.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert _status(first).violation_count == 0 and _status(first).days_in_window == 6
    assert _status(second) is None  # no crossings left: no status, as the scan would leave


def test_crossings_cannot_be_changed_in_the_admin(client, superuser):
    person, short, long = _traveller_with_a_violation("t1@example.kz")
    client.force_login(superuser)
    url = reverse("admin:stays_crossing_change", args=[long.pk])
    form = {"person": person.pk, "entry": str(long.entry), "exit": str(long.entry), "note": ""}
    assert client.post(url, form).status_code == 403
    long.refresh_from_db()
    assert long.exit != long.entry or long.exit is None
    assert _status(person).violation_count == 1
