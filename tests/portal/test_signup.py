import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.organisations.models import Employer
from portal.workspace.forms import ApplicantSignupForm
from tests.factories import PASSWORD, EmployerFactory, UserFactory, valid_bin
from tests.permits.factories import PDF_BYTES, upload

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Maria Rossi",
    "email": "Maria@Example.it",
    "citizenship": "IT",
    "preferred_language": "ru",
    "password1": "Sunny-Astana-2026",
    "password2": "Sunny-Astana-2026",
}


def test_it_signs_up_a_professional_and_lands_on_their_dashboard(client):
    response = client.post(reverse("portal:signup_applicant"), GOOD, follow=True)
    user = User.objects.get(email="maria@example.it")
    assert user.kind == User.Kind.APPLICANT and user.citizenship == "IT"
    assert user.preferred_language == "ru"
    assert response.redirect_chain[-1][0] == reverse("portal:applicant_dashboard")


def test_it_refuses_a_taken_email_and_keeps_what_was_typed(client):
    UserFactory(email="maria@example.it")
    response = client.post(reverse("portal:signup_applicant"), GOOD)
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert 'value="Maria Rossi"' in response.content.decode()
    assert User.objects.filter(email__iexact="maria@example.it").count() == 1


def test_it_refuses_a_weak_password_on_its_field(client):
    data = {**GOOD, "password1": "12345678", "password2": "12345678"}
    response = client.post(reverse("portal:signup_applicant"), data)
    errors = response.context["form"].errors["password1"]
    assert any("too common" in e or "entirely numeric" in e for e in errors)
    assert 'value="Maria Rossi"' in response.content.decode()
    assert not User.objects.filter(email="maria@example.it").exists()


def test_it_refuses_mismatched_passwords(client):
    response = client.post(
        reverse("portal:signup_applicant"), {**GOOD, "password2": "other-Pass-99"}
    )
    assert "do not match" in response.context["form"].errors["password2"][0]


def _employer_data(**over):
    return {
        "full_name": "Erlan B",
        "email": "erlan@firm.kz",
        "bin": valid_bin(),
        "organisation_name": "Firm LLP",
        "address": "Almaty",
        "preferred_language": "kk",
        "password1": "Sunny-Astana-2026",
        "password2": "Sunny-Astana-2026",
        "registration_document": upload("certificate.pdf"),
        **over,
    }


def test_it_signs_up_an_employer_creating_the_organisation(client):
    data = _employer_data()
    response = client.post(reverse("portal:signup_employer"), data, follow=True)
    user = User.objects.get(email="erlan@firm.kz")
    assert user.employer.bin == data["bin"] and user.employer.name == "Firm LLP"
    assert user.employer_confirmed
    assert response.redirect_chain[-1][0] == reverse("portal:employer_dashboard")
    # The new organisation waits for the ministry, with its certificate stored.
    assert user.employer.status == "pending"
    assert user.employer.registration_document.read() == PDF_BYTES
    assert "Тексеру күтілуде" in response.content.decode()  # "Waiting for verification", in kk


def test_it_refuses_a_bin_with_a_wrong_check_digit_and_keeps_the_rest(client):
    good = valid_bin()
    bad = good[:11] + str((int(good[11]) + 1) % 10)
    response = client.post(reverse("portal:signup_employer"), _employer_data(bin=bad))
    assert "BIN" in response.context["form"].errors["bin"][0]
    html = response.content.decode()
    assert 'value="Firm LLP"' in html and 'value="erlan@firm.kz"' in html
    assert not Employer.objects.exists()


def test_it_joins_an_existing_organisation_pending_confirmation(client):
    employer = EmployerFactory()
    first = UserFactory(kind=User.Kind.EMPLOYER, employer=employer, employer_confirmed=True)
    response = client.post(
        reverse("portal:signup_employer"),
        _employer_data(bin=employer.bin, organisation_name=""),
        follow=True,
    )
    joiner = User.objects.get(email="erlan@firm.kz")
    assert joiner.employer == employer and not joiner.employer_confirmed
    assert "must confirm you" in response.content.decode()

    client.force_login(first)
    client.post(reverse("portal:member_decide", args=[joiner.pk]), {"decision": "confirm"})
    joiner.refresh_from_db()
    assert joiner.employer_confirmed


def test_it_lets_no_other_organisation_confirm_a_member(client, other_employer_user):
    employer = EmployerFactory()
    joiner = UserFactory(kind=User.Kind.EMPLOYER, employer=employer, employer_confirmed=False)
    client.force_login(other_employer_user)
    response = client.post(
        reverse("portal:member_decide", args=[joiner.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 404
    joiner.refresh_from_db()
    assert not joiner.employer_confirmed


def test_it_asks_for_a_name_when_the_bin_is_new(client):
    response = client.post(reverse("portal:signup_employer"), _employer_data(organisation_name=""))
    assert "give its name" in response.context["form"].errors["organisation_name"][0]


def test_it_logs_in_by_email_in_any_case(client):
    UserFactory(email="case@example.kz")
    response = client.post(reverse("login"), {"username": "CASE@example.kz", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")


def test_the_service_not_the_form_says_an_address_is_taken():
    """Forms check input; the account service checks state and names the field."""
    UserFactory(email="maria@example.it")
    form = ApplicantSignupForm(GOOD)
    assert form.is_valid(), form.errors  # well-formed input
    with pytest.raises(ValidationError) as raised:
        accounts.applicant_create(
            email="MARIA@example.it",
            password=GOOD["password1"],
            full_name="Maria Rossi",
            citizenship="IT",
            preferred_language="ru",
        )
    assert raised.value.message_dict["email"][0].startswith("An account with this e-mail")
    assert User.objects.count() == 1


def test_a_new_bin_without_name_and_certificate_gets_both_errors_at_once(client):
    data = _employer_data(organisation_name="")
    data.pop("registration_document", None)
    response = client.post(reverse("portal:signup_employer"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "give its name" in errors["organisation_name"][0]
    assert "certificate" in errors["registration_document"][0]
    assert not User.objects.exists() and not Employer.objects.exists()


def test_every_mistake_of_a_sign_up_is_told_in_one_round(client):
    UserFactory(email="erlan@firm.kz")
    data = _employer_data(organisation_name="")
    data.pop("registration_document")
    errors = client.post(reverse("portal:signup_employer"), data).context["form"].errors
    assert set(errors) >= {"email", "organisation_name", "registration_document"}
    UserFactory(email="maria@example.it")
    weak = {**GOOD, "password1": "12345678", "password2": "12345678"}
    errors = client.post(reverse("portal:signup_applicant"), weak).context["form"].errors
    assert set(errors) >= {"email", "password1"}
