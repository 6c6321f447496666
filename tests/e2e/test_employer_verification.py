"""An organisation's verification in a real browser, the employer on a 375 px wide phone: sign-up
with the registration certificate, the waiting page, a reviewer's refusal with a reason, a
corrected certificate, verification, and the professional's request accepted on the dashboard."""

from __future__ import annotations

import pytest

from portal.accounts.models import User
from portal.organisations.models import Employer, Sponsorship
from tests.factories import PASSWORD, StaffFactory, UserFactory, sponsor, valid_bin

from .browser import check, log_in, submit

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}
EMPLOYER_EMAIL = "hr@altyn-mining.kz"
EMPLOYER_PASSWORD = "Golden-Eagle-2026"


def _fits(page) -> None:
    """Nothing wider than the phone's screen: no sideways scrolling."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def _decide(page, employer: Employer, decision: str, reason: str = "") -> None:
    page.goto(f"/admin/portal/employer/{employer.pk}/change/")
    page.click(f"a[href$='/decide/{decision}/']")
    if reason:
        page.fill("#id_reason", reason)
    submit(page, "input[type=submit].default")
    assert page.url.endswith(f"/{employer.pk}/change/"), page.url


def test_an_organisation_is_verified_before_it_sees_anyone(new_page, upload_files):
    reviewer = StaffFactory(email="rita@gov.kz", full_name="Rita Reviewer", groups=["Reviewers"])
    phone = new_page()
    phone.set_viewport_size(PHONE)
    phone.goto("/signup/employer/")
    phone.fill("#id_full_name", "Dana Altynbekova")
    phone.fill("#id_email", EMPLOYER_EMAIL)
    phone.fill("#id_bin", valid_bin())
    phone.fill("#id_organisation_name", "Altyn Mining LLP")
    phone.set_input_files("#id_registration_document", str(upload_files["pdf"]))
    phone.fill("#id_password1", EMPLOYER_PASSWORD)
    phone.fill("#id_password2", EMPLOYER_PASSWORD)
    _fits(phone)
    submit(phone)
    assert phone.url.endswith("/dashboard/employer/"), phone.url
    assert "Altyn Mining LLP" in phone.inner_text("main")
    check(phone, "employer-waiting-phone")
    _fits(phone)
    employer = User.objects.get(email=EMPLOYER_EMAIL).employer
    assert employer.status == "pending"
    # Someone the organisation sponsored before (a link made before verification existed).
    sponsor(employer, UserFactory(full_name="Kairat Sponsored"))
    assert "Kairat Sponsored" not in phone.inner_text("body")

    admin = new_page()
    log_in(admin, reviewer.email, PASSWORD, admin=True)
    _decide(admin, employer, "refuse", "The certificate is unreadable: upload a sharper scan.")

    phone.reload()
    assert "upload a sharper scan" in phone.inner_text("main")
    check(phone, "employer-refused-phone")
    _fits(phone)
    phone.set_input_files("#id_registration_document", str(upload_files["png"]))
    submit(phone)
    assert "Waiting for verification" in phone.inner_text("main")
    employer.refresh_from_db()
    assert employer.status == "pending" and employer.document_content_type == "image/png"

    _decide(admin, employer, "verify")
    employer.refresh_from_db()
    assert employer.status == "verified"

    # A professional names the organisation in an application: it accepts on the phone.
    person = UserFactory(full_name="Nurlan Requester")
    request = Sponsorship.objects.create(
        employer=employer, person=person, email=person.email, status="requested"
    )
    phone.goto("/dashboard/employer/")
    main = phone.inner_text("main")
    assert "Kairat Sponsored" in main and "Nurlan Requester" in main
    _fits(phone)
    check(phone, "employer-dashboard-phone")
    submit(phone, "main button[name=answer][value=accept]")
    request.refresh_from_db()
    assert request.status == "active"
    assert "Nurlan Requester" in phone.inner_text("main table")
