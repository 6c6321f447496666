"""Rules live in the services, not in ``save()``, signals or forms (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from permits.forms import EmployerForm
from permits.models import Application
from permits.services import (
    StepError,
    application_create,
    application_start,
    application_step_save,
    employer_recipients,
    permit_issue,
)
from portal.core import clock
from portal.organisations.employers import employer_users_told
from portal.organisations.models import Sponsorship
from tests.factories import EmployerFactory, EmployerUserFactory, UserFactory, sponsor
from tests.permits.factories import ApplicationFactory, ready_application
from verification.models import IssuedDocument

pytestmark = pytest.mark.django_db


def test_an_application_gets_its_number_where_it_is_made(applicant):
    application = application_start(applicant=applicant)
    year = timezone.localtime(application.created_at).year
    assert application.number == f"RP-{year}-{application.pk:06d}"
    application.refresh_from_db()
    assert application.number == f"RP-{year}-{application.pk:06d}"
    # Saving it again (every step does) keeps the number it was given.
    application.full_name = "Alice A. Applicant"
    application.save()
    application.refresh_from_db()
    assert application.number == f"RP-{year}-{application.pk:06d}"


def test_numbers_follow_the_rows(applicant, other_applicant):
    first = application_create(applicant=applicant)
    second = application_create(applicant=other_applicant)
    assert first.number != second.number
    assert [first.number[-6:], second.number[-6:]] == [f"{first.pk:06d}", f"{second.pk:06d}"]


def test_the_form_checks_only_the_shape_of_the_bin(applicant):
    """Whether an organisation may be named is the service's question, not the form's."""
    application = ApplicationFactory(applicant=applicant)
    unverified = EmployerFactory(status="pending")
    assert EmployerForm({"employer_bin": unverified.bin}, instance=application).is_valid()
    wrong_digit = unverified.bin[:11] + str((int(unverified.bin[11]) + 1) % 10)
    form = EmployerForm({"employer_bin": wrong_digit}, instance=application)
    assert not form.is_valid() and "last digit" in str(form.errors["employer_bin"])


def _save_employer_step(application: Application, bin_: str) -> Application:
    form = EmployerForm({"employer_bin": bin_}, instance=application)
    assert form.is_valid(), form.errors
    return application_step_save(application=application, step="employer", form=form)


def test_the_service_refuses_another_employer_while_one_sponsors_the_person(
    applicant, employer_user, other_employer_user
):
    sponsor(employer_user.employer, applicant)
    application = ApplicationFactory(applicant=applicant, completed_steps=[])
    with pytest.raises(StepError) as refused:
        _save_employer_step(application, other_employer_user.employer.bin)
    assert refused.value.field == "employer_bin"
    assert f"You are sponsored by {employer_user.employer.name}" in refused.value.message
    application.refresh_from_db()
    assert application.employer_bin == "" and application.completed_steps == []
    assert not Sponsorship.objects.filter(employer=other_employer_user.employer).exists()
    # The sponsoring organisation itself may be named.
    saved = _save_employer_step(application, employer_user.employer.bin)
    assert saved.employer == employer_user.employer and "employer" in saved.completed_steps


def test_the_service_refuses_an_organisation_that_is_not_verified(applicant):
    application = ApplicationFactory(applicant=applicant)
    pending = EmployerFactory(status="pending")
    with pytest.raises(StepError) as refused:
        _save_employer_step(application, pending.bin)
    assert refused.value.field == "employer_bin"
    assert "is not a verified organisation" in refused.value.message


def test_issuing_a_permit_gives_it_its_codes_at_once(applicant):
    application = ready_application(applicant=applicant)
    permit = permit_issue(application=application, on=clock.today())
    document = IssuedDocument.objects.get(permit=permit)
    assert document.kind == "permit" and document.holder_id == applicant.pk


def test_one_definition_of_the_employer_users_told_of_a_person(applicant, other_applicant):
    employer = EmployerFactory(status="verified")
    told = EmployerUserFactory(employer=employer, employer_confirmed=True)
    EmployerUserFactory(employer=employer, employer_confirmed=False)  # waits for a colleague
    EmployerUserFactory(employer=employer, employer_confirmed=True, is_active=False)
    sponsor(employer, applicant)
    ended = EmployerFactory(status="verified")
    EmployerUserFactory(employer=ended, employer_confirmed=True)
    Sponsorship.objects.create(
        employer=ended, person=other_applicant, email=other_applicant.email, status="ended"
    )
    nobody = UserFactory()

    assert employer_users_told([applicant.pk, other_applicant.pk, nobody.pk]) == {
        applicant.pk: [told]
    }
    # The permit's progress is told to the same people.
    application = ApplicationFactory(applicant=applicant)
    assert employer_recipients(application) == [told]
    assert employer_recipients(ApplicationFactory(applicant=other_applicant)) == []


def test_an_organisation_waiting_for_verification_is_told_nothing(applicant):
    waiting = EmployerFactory(status="pending")
    EmployerUserFactory(employer=waiting, employer_confirmed=True)
    sponsor(waiting, applicant)
    assert employer_users_told([applicant.pk]) == {applicant.pk: []}


def test_the_step_page_shows_the_services_refusal_on_the_bin_field(
    client, applicant, employer_user, other_employer_user
):
    sponsor(employer_user.employer, applicant)
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("permits:step", args=[application.pk, "employer"]),
        {"employer_bin": other_employer_user.employer.bin},
    )
    assert response.status_code == 200
    error = str(response.context["form"].errors["employer_bin"])
    assert f"You are sponsored by {employer_user.employer.name}" in error
    application.refresh_from_db()
    assert application.employer_bin == ""
