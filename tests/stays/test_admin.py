"""Country rules in the admin: catalogue editors change them, reviewers only read them."""

import pytest
from django.urls import reverse

from stays.models import CountryRule

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
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    rule.refresh_from_db()
    assert rule.single_stay_days == 45 and rule.note == "Decree 2026"
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
