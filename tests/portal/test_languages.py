import pytest
from django.urls import reverse

from portal.accounts import services as accounts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "text"), [("ru", "Войти"), ("kk", "Кіру"), ("en", "Log in")])
def test_it_serves_the_home_page_in_each_language(client, lang, text):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert text in html


def test_it_remembers_a_signed_in_persons_choice(client, applicant):
    client.force_login(applicant)
    client.post(reverse("portal:set_language"), {"language": "kk", "next": "/"})
    applicant.refresh_from_db()
    assert applicant.preferred_language == "kk"
    # A new session, browser asking for English: the preference still wins.
    client.logout()
    client.cookies.clear()
    client.force_login(applicant)
    response = client.get(reverse("portal:applicant_dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="kk">' in response.content.decode()


def test_it_switches_language_for_visitors_with_a_cookie(client):
    response = client.post(reverse("portal:set_language"), {"language": "ru", "next": "/"})
    assert response.cookies["django_language"].value == "ru"
    assert '<html lang="ru">' in client.get("/").content.decode()


def test_it_refuses_to_redirect_to_another_site(client):
    response = client.post(
        reverse("portal:set_language"), {"language": "ru", "next": "https://evil.example/"}
    )
    assert response.url == reverse("portal:home")


def test_a_language_chosen_before_login_becomes_the_preference(client, applicant):
    from tests.factories import PASSWORD

    assert applicant.preferred_language == "en"
    client.post(reverse("portal:set_language"), {"language": "kk", "next": "/"})
    response = client.post(
        reverse("login"), {"username": applicant.email, "password": PASSWORD}, follow=True
    )
    assert '<html lang="kk">' in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.preferred_language == "kk"


def test_the_sign_up_form_offers_the_current_language(client):
    response = client.get(reverse("portal:signup_applicant"), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.context["form"]["preferred_language"].value() == "ru"


def test_the_preference_is_kept_by_one_service(applicant):
    accounts.language_set(user=applicant, language="kk")
    applicant.refresh_from_db()
    assert applicant.preferred_language == "kk"
    with pytest.raises(ValueError):
        accounts.language_set(user=applicant, language="xx")
    applicant.refresh_from_db()
    assert applicant.preferred_language == "kk"
