"""A traveller records stays in a real browser and sees the violation and the chart; the
sponsoring employer sees the same status, read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stays.models import Crossing
from tests.factories import PASSWORD, EmployerUserFactory, UserFactory, sponsor

from .browser import check, lang, log_in, screenshot, submit, switch_language

pytestmark = pytest.mark.e2e


def _record(page, entry, exit=None, note=""):
    page.fill("#id_entry", entry.isoformat())
    page.fill("#id_exit", exit.isoformat() if exit else "")
    page.fill("#id_note", note)
    submit(page, "main form[method=post] button[type=submit]:text-is('Record')")


def test_a_traveller_sees_the_violation_and_the_chart(new_page):
    from portal.core.clock import today

    on = today()
    traveller = UserFactory(email="anna@example.de", full_name="Anna Schmidt", citizenship="DE")
    employer_user = EmployerUserFactory(email="hr@astana-build.kz")
    sponsor(employer_user.employer, traveller)

    page = new_page()
    log_in(page, traveller.email, PASSWORD)
    page.click("header a[href='/stays/']")
    assert page.url.endswith("/stays/")
    check(page, "stays-empty", shot=False)

    # A wrong entry is refused with an error summary; nothing is recorded.
    _record(page, on - timedelta(days=10), on - timedelta(days=20))
    assert page.locator("#error-summary").is_visible()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    check(page, "stays-form-errors", shot=False)
    assert not Crossing.objects.filter(person=traveller).exists()

    # For a German citizen: 30 days per stay, 90 in any 180. 71 + 41 days break both rules.
    _record(page, on - timedelta(days=170), on - timedelta(days=100), "Conference and site visits")
    _record(page, on - timedelta(days=40), None, "Current trip")
    assert Crossing.objects.filter(person=traveller).count() == 2

    status = page.locator("main section[aria-labelledby=status-h]")
    assert status.locator("tr.violation[data-kind=single_stay]").count() >= 1
    assert status.locator("tr.violation[data-kind=rolling_90_180]").count() >= 1
    chart = page.locator("main .chart svg")
    assert chart.get_attribute("role") == "img"
    assert chart.locator("polyline").count() == 1 and chart.locator("rect.over").count() >= 1
    assert page.locator("main table tbody tr.table-danger").count() >= 1
    check(page, "stays-history")

    page.click("main a[href='/stays/planner/']")
    page.fill("#id_entry", (on + timedelta(days=30)).isoformat())
    submit(page, "main form button[type=submit] >> nth=0")
    assert page.locator("#longest-result").is_visible()
    check(page, "stays-planner")

    page.goto("/stays/")
    page.click("main table a[href$='/edit/'] >> nth=0")
    check(page, "stays-edit", shot=False)
    page.goto("/stays/")
    page.click("main table a[href$='/delete/'] >> nth=0")
    check(page, "stays-delete", shot=False)
    page.goto("/stays/import/")
    check(page, "stays-import")

    page.goto("/dashboard/professional/")
    assert page.locator("main section[aria-labelledby=stays-h] .text-danger").count() >= 1
    check(page, "applicant-dashboard-stays", shot=False)

    switch_language(page, "kk")
    page.goto("/stays/")
    assert lang(page) == "kk"
    check(page, "stays-history-kk")

    # The employer sees the person's status and chart, read-only.
    employer_page = new_page()
    log_in(employer_page, employer_user.email, PASSWORD)
    employer_page.click(f"main a[href='/stays/people/{traveller.pk}/']")
    assert employer_page.locator("tr.violation").count() >= 2
    assert employer_page.locator("main .chart svg").count() == 1
    assert employer_page.locator("main a[href$='/edit/']").count() == 0
    check(employer_page, "stays-person")
    screenshot(employer_page, "stays-person")
