"""Arrival registrations in a real browser, the employer on a 375 px wide phone: the overdue
arrival leads the dashboard, is recorded as made, and the professional sees it registered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from arrivals.models import ArrivalRegistration
from portal.core.clock import today
from stays.services import crossing_create
from tests.arrivals.conftest import sponsor_since
from tests.factories import PASSWORD, EmployerUserFactory, UserFactory

from .browser import check, log_in, submit

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def test_an_overdue_arrival_is_recorded_on_a_phone(new_page):
    hr = EmployerUserFactory(email="hr@aral.kz", full_name="Dana HR")
    person = UserFactory(email="lena@example.de", full_name="Lena Richter", citizenship="DE")
    sponsor_since(hr.employer, person, today() - timedelta(days=60))
    crossing_create(person=person, entry=today() - timedelta(days=10), exit=None)
    registration = ArrivalRegistration.objects.get()
    assert registration.deadline < today()

    phone = new_page()
    phone.set_viewport_size(PHONE)
    log_in(phone, hr.email, PASSWORD)
    phone.goto("/dashboard/employer/")
    section = phone.inner_text("#arrivals-h")
    assert "1" in section
    assert "Lena Richter" in phone.inner_text("main")
    _fits(phone)
    check(phone, "arrivals-dashboard-phone")
    phone.click(f"a[href='/arrivals/{registration.pk}/']")
    _fits(phone)
    check(phone, "arrivals-record-phone")
    phone.fill("#id_reference", "MS-2026-0042")
    submit(phone, "form:has(input[value=made]) button")
    assert phone.url.endswith("/arrivals/"), phone.url
    assert "MS-2026-0042" in phone.inner_text("main")
    _fits(phone)
    check(phone, "arrivals-list-phone")
    registration.refresh_from_db()
    assert (registration.state, registration.reference, registration.recorded_by) == (
        "made",
        "MS-2026-0042",
        hr,
    )

    professional = new_page()
    professional.set_viewport_size(PHONE)
    log_in(professional, person.email, PASSWORD)
    professional.goto("/dashboard/professional/")
    assert "was registered with the migration service" in professional.inner_text("main")
    _fits(professional)
