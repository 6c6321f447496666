"""The whole path in a real browser: a professional signs up in Russian and applies with uploads,
a reviewer asks for information in the admin, the professional answers, the reviewer approves;
the professional sees the permit and the notification, the sponsoring employer sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from permits.admin import default_message
from permits.models import Application, DocumentType
from permits.states import Status
from portal.accounts.models import User
from portal.core import clock
from portal.notifications.models import Notification
from professions.models import Profession
from tests.factories import PASSWORD, EmployerUserFactory, StaffFactory

from .browser import check, lang, log_in, screenshot, submit, switch_language

pytestmark = pytest.mark.e2e

APPLICANT_EMAIL = "ivan.petrov@example.ru"
APPLICANT_PASSWORD = "Steppe-Falcon-2026"
SAVE_AND_CONTINUE = "main form button[type=submit]:not([name]):not([form])"


def _sign_up_in_russian(page):
    page.goto("/")
    switch_language(page, "ru")
    page.click("header a[href='/signup/']")
    check(page, "signup-choice-ru", shot=False)
    page.click("main a[href='/signup/professional/']")
    assert lang(page) == "ru"
    page.fill("#id_full_name", "Иван Петров")
    page.fill("#id_email", APPLICANT_EMAIL)
    page.select_option("#id_citizenship", "IN")
    page.select_option("#id_preferred_language", "ru")
    page.fill("#id_password1", APPLICANT_PASSWORD)
    page.fill("#id_password2", APPLICANT_PASSWORD)
    screenshot(page, "signup-ru-filled")
    submit(page)
    assert page.url.endswith("/dashboard/professional/"), page.url
    assert lang(page) == "ru"
    check(page, "applicant-dashboard")


def _apply(page, profession, employer_bin, files):
    page.click("main form[action='/permits/apply/'] button")
    assert "/step/personal/" in page.url
    check(page, "application-personal")
    page.fill("#id_full_name", "Иван Петров")
    page.fill("#id_date_of_birth", "1985-06-01")
    page.select_option("#id_citizenship", "IN")
    page.fill("#id_phone", "+91 22 1234 5678")
    submit(page, SAVE_AND_CONTINUE)

    assert "/step/passport/" in page.url
    check(page, "application-passport")
    page.fill("#id_passport_number", "Z1234567")
    page.fill("#id_passport_expiry", (clock.today() + timedelta(days=3650)).isoformat())
    submit(page, SAVE_AND_CONTINUE)

    assert "/step/profession/" in page.url
    check(page, "application-profession")
    page.select_option("#id_profession", str(profession.pk))
    submit(page, SAVE_AND_CONTINUE)

    assert "/step/employer/" in page.url
    check(page, "application-employer")
    page.fill("#id_employer_bin", employer_bin)
    submit(page, SAVE_AND_CONTINUE)

    assert page.url.endswith("/documents/"), page.url
    check(page, "application-documents")
    required = list(DocumentType.objects.for_route("facilitated"))
    for index, doc_type in enumerate(required):
        page.select_option("#id_doc_type", str(doc_type.pk))
        page.set_input_files("#id_file", str(files["png" if index % 2 else "pdf"]))
        submit(page)
        assert page.locator("main table tbody tr").count() == index + 1
    check(page, "application-documents-uploaded", shot=False)

    page.click("main a[href$='/review/']:not(.nav-link)")
    assert page.url.endswith("/review/")
    assert page.locator("main .alert-danger").count() == 0  # nothing missing
    check(page, "application-review")
    submit(page, "main form button[type=submit]")
    assert "/review/" not in page.url
    check(page, "application-detail")


def _reviewer_requests_information(page, application):
    page.goto("/admin/permits/application/")
    screenshot(page, "admin-queue")
    page.check(f"input[name=_selected_action][value='{application.pk}']")
    page.select_option("select[name=action]", "take_for_review")
    submit(page, "button[name=index]")
    assert "taken for review" in page.inner_text(".messagelist")

    page.goto(f"/admin/permits/application/{application.pk}/change/")
    page.click("a[href$='/move/info_requested/']")
    page.select_option("#id_reason", "missing_document")
    submit(page, "input[type=submit].default")
    # The first submit shows the standard text, in the applicant's language, to read or edit.
    standard = default_message(application, Status.INFO_REQUESTED, "missing_document")
    assert standard and page.input_value("#id_message").strip() == standard
    screenshot(page, "admin-move")
    submit(page, "input[type=submit].default")
    assert page.url.endswith(f"/{application.pk}/change/"), page.url
    screenshot(page, "admin-change")


def _move(page, application, to):
    page.goto(f"/admin/permits/application/{application.pk}/change/")
    page.click(f"a[href$='/move/{to}/']")
    submit(page, "input[type=submit].default")
    assert page.url.endswith(f"/{application.pk}/change/"), page.url


def test_a_professional_applies_and_gets_a_permit_through_the_admin(new_page, upload_files):
    profession = Profession.objects.listed().order_by("code").first()
    employer_user = EmployerUserFactory(email="hr@steppe-energy.kz", full_name="Aigerim HR")
    reviewer = StaffFactory(email="rita@gov.kz", full_name="Rita Reviewer", groups=["Reviewers"])

    applicant_page = new_page()
    _sign_up_in_russian(applicant_page)
    applicant = User.objects.get(email=APPLICANT_EMAIL)
    assert applicant.preferred_language == "ru"
    _apply(applicant_page, profession, employer_user.employer.bin, upload_files)
    application = Application.objects.get(applicant=applicant)
    assert application.status == Status.SUBMITTED
    assert application.employer == employer_user.employer

    reviewer_page = new_page()
    log_in(reviewer_page, reviewer.email, PASSWORD, admin=True)
    _reviewer_requests_information(reviewer_page, application)
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    request = application.changes.get(to_status=Status.INFO_REQUESTED)
    assert request.reason == "missing_document" and request.message

    # The professional answers: one more document, then "Send my answer".
    applicant_page.goto(f"/permits/{application.pk}/")
    assert applicant_page.locator("main .alert-warning").count() == 1
    check(applicant_page, "application-info-requested")
    applicant_page.click(f"main a[href='/permits/{application.pk}/documents/']")
    qualification = DocumentType.objects.get(code="qualification")
    applicant_page.select_option("#id_doc_type", str(qualification.pk))
    applicant_page.set_input_files("#id_file", str(upload_files["pdf"]))
    submit(applicant_page)
    applicant_page.click("main a.btn-success[href$='/review/']")
    applicant_page.fill("#id_note", "Прикладываю копию диплома.")
    check(applicant_page, "application-answer")
    submit(applicant_page, "main form button[type=submit]")
    application.refresh_from_db()
    assert application.status == Status.RESUBMITTED

    _move(reviewer_page, application, "under_review")
    _move(reviewer_page, application, "approved")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    permit = application.permit
    reviewer_page.goto("/dashboard/staff/")
    check(reviewer_page, "staff-dashboard")

    # The professional sees the permit and the notification.
    applicant_page.goto("/dashboard/professional/")
    assert permit.number in applicant_page.inner_text("main")
    applicant_page.click(f"main a[href='/permits/{application.pk}/']")
    assert permit.number in applicant_page.inner_text("main .card")
    check(applicant_page, "permit-detail")
    applicant_page.click("header a[href='/inbox/']")
    assert Notification.objects.filter(recipient=applicant).count() >= 4
    inbox = applicant_page.inner_text("main")
    assert application.number in inbox and permit.number in inbox
    check(applicant_page, "inbox")
    assert lang(applicant_page) == "ru"

    # The sponsoring employer (named by its BIN in the application) sees the person once it
    # accepts.
    employer_page = new_page()
    log_in(employer_page, employer_user.email, PASSWORD)
    assert employer_page.url.endswith("/dashboard/employer/"), employer_page.url
    # Naming the BIN asked the organisation to sponsor him: it accepts, then sees him.
    assert "Иван Петров" in employer_page.inner_text("main section[aria-labelledby=requests-h]")
    check(employer_page, "employer-request")
    submit(employer_page, "main button[name=answer][value=accept]")
    staff_table = employer_page.inner_text("main table")
    assert "Иван Петров" in staff_table and permit.number in staff_table
    check(employer_page, "employer-dashboard")
    employer_page.click("main a[href='/employer/report/']")
    assert "Иван Петров" in employer_page.inner_text("main table")
    check(employer_page, "employer-report")
