"""An applicant's citizenship is any country but Kazakhstan (``countries.foreign_citizenship``),
on every form where a foreign professional gives it: sign-up, profile, the application."""

import pytest
from django.urls import reverse

from portal.accounts.models import User
from tests.permits.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Aigerim S",
    "email": "aigerim@example.kz",
    "citizenship": "KZ",
    "preferred_language": "kk",
    "password1": "Sunny-Astana-2026",
    "password2": "Sunny-Astana-2026",
}
KK_WORDS = "Қазақстан тізімде жоқ: оның азаматтарына тұруға ықтиярхат қажет емес."


def _offers(html: str, code: str) -> bool:
    return f'<option value="{code}"' in html


def test_the_signup_does_not_offer_kazakhstan_and_says_why_when_sent(client):
    page = client.get(reverse("portal:signup_applicant"), HTTP_ACCEPT_LANGUAGE="kk")
    html = page.content.decode()
    assert _offers(html, "DE") and not _offers(html, "KZ")

    response = client.post(reverse("portal:signup_applicant"), SIGNUP, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    assert KK_WORDS in " ".join(response.context["form"].errors["citizenship"])
    assert not User.objects.filter(email="aigerim@example.kz").exists()

    response = client.post(reverse("portal:signup_applicant"), {**SIGNUP, "citizenship": "UZ"})
    assert response.status_code == 302
    assert User.objects.get(email="aigerim@example.kz").citizenship == "UZ"


def test_the_profile_of_an_applicant_refuses_kazakhstan(client, applicant):
    client.force_login(applicant)
    assert not _offers(client.get(reverse("portal:profile")).content.decode(), "KZ")
    response = client.post(
        reverse("portal:profile"),
        {"full_name": "Alice A", "citizenship": "KZ", "preferred_language": "en"},
    )
    assert "its citizens need no residence permit" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.citizenship == "DE"


def test_an_employers_profile_may_be_kazakhstan(client, employer_user):
    # The rule is about foreign professionals; an employer's own staff are often citizens.
    client.force_login(employer_user)
    assert _offers(client.get(reverse("portal:profile")).content.decode(), "KZ")


def test_the_application_refuses_kazakhstan_as_citizenship(client, applicant):
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    url = reverse("permits:step", args=[application.pk, "personal"])
    assert not _offers(client.get(url).content.decode(), "KZ")
    data = {
        "full_name": "Alice Applicant",
        "date_of_birth": "1990-01-02",
        "citizenship": "KZ",
        "phone": "+49 1",
        "address_in_kazakhstan": "",
    }
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    assert "Kazakhstan is not on it" in " ".join(response.context["form"].errors["citizenship"])
    application.refresh_from_db()
    assert application.citizenship != "KZ"
