"""Errors are said once: in the summary at the top of the form (not again in an alert of the
form itself), one message per mistake in a field, "Error:" first in the page title, and the
same status (200) for a form shown again with its errors on every page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from permits.models import Application
from permits.states import Status
from permits.workflow import transition
from stays.models import Crossing
from tests.factories import PASSWORD
from tests.permits.factories import ApplicationFactory, ready_application

from .test_signup import _employer_data

pytestmark = pytest.mark.django_db


def _title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match
    return " ".join(match.group(1).split())


def test_a_failed_login_says_so_once_and_in_the_title(client, applicant):
    response = client.post(
        reverse("login"), {"username": applicant.email, "password": PASSWORD + "x"}
    )
    assert response.status_code == 200
    [message] = response.context["form"].non_field_errors()
    assert response.content.decode().count(str(message)) == 1
    assert _title(response).startswith("Error: ")
    assert not _title(client.get(reverse("login"))).startswith("Error")


def test_a_stay_that_breaks_the_record_is_said_once_with_status_200(client, applicant):
    Crossing.objects.create(person=applicant, entry=date(2025, 1, 1), exit=date(2025, 1, 10))
    client.force_login(applicant)
    response = client.post(
        reverse("stays:history"), {"entry": "2025-01-01", "exit": "2025-01-10"}
    )  # the same stay again: an error about the whole record, not one field
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors
    html = response.content.decode()
    assert all(html.count(str(e)) == 1 for e in errors)
    assert _title(response).startswith("Error: ")
    assert Crossing.objects.filter(person=applicant).count() == 1


@pytest.mark.parametrize("typed", ["12345", "1234567890123", "12345678901a"])
def test_a_bin_of_the_wrong_length_gets_one_error_that_says_so(client, typed):
    response = client.post(reverse("portal:signup_employer"), _employer_data(bin=typed))
    assert response.status_code == 200
    [error] = response.context["form"].errors["bin"]
    assert "12 digits" in error and "last digit" not in error


def test_a_short_sponsor_bin_in_the_application_gets_one_error_that_says_so(client, applicant):
    application = ApplicationFactory(applicant=applicant, status="draft")
    client.force_login(applicant)
    response = client.post(
        reverse("permits:step", args=[application.pk, Application.Step.EMPLOYER]),
        {"employer_bin": "12345"},
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["employer_bin"]
    assert "12 digits" in error and "5 characters" in error


def test_the_eligibility_check_without_a_profession_says_so_once(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("professions:eligibility"), {"q": "", "profession": ""})
    errors = response.context["form"].non_field_errors()
    assert errors
    html = response.content.decode()
    assert all(html.count(str(e)) == 1 for e in errors)


def test_an_empty_answer_to_an_information_request_is_asked_for_on_its_field(
    client, applicant, reviewer
):
    application = ready_application(applicant=applicant)
    transition(application, Status.SUBMITTED, by=applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    transition(application, Status.INFO_REQUESTED, by=reviewer, reason="other", message="?")
    client.force_login(applicant)
    url = reverse("permits:review", args=[application.pk])
    response = client.post(url, {"expected_status": "info_requested", "note": "  "})
    assert response.status_code == 200
    [error] = response.context["form"].errors["note"]
    assert error.startswith("Write your answer")
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
