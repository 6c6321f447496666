"""Public pages in a real browser: styled, accessible in three languages, usable by keyboard."""

from __future__ import annotations

import pytest

from professions.models import Profession
from tests.factories import PASSWORD, UserFactory

from .browser import check, lang, screenshot, switch_language

pytestmark = pytest.mark.e2e

_FOCUSED = "() => document.activeElement.id || document.activeElement.textContent.trim()"


def test_it_serves_the_public_pages_styled_and_accessible_in_three_languages(new_page):
    profession = Profession.objects.listed().order_by("code").first()
    page = new_page()

    page.goto("/")
    # The stylesheet is served: the navigation bar has the portal's blue, not the default.
    navbar = page.locator("nav.navbar")
    assert navbar.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 85, 140)"
    check(page, "home")

    page.goto("/professions/")
    assert page.locator("table tbody tr").count() > 0
    check(page, "professions")
    page.click(f"a[href='/professions/{profession.pk}/']")
    assert page.inner_text("h1") == profession.title
    check(page, "profession-detail")

    page.goto(f"/professions/eligibility/?q={profession.code}")
    assert page.locator("main a.btn-primary[href*='/permits/apply/']").count() == 1
    check(page, "eligibility")
    page.goto("/professions/eligibility/?q=zzzz-no-such-profession")
    check(page, "eligibility-not-found", shot=False)

    page.goto("/accounts/login/")
    check(page, "login")
    page.goto("/signup/")
    check(page, "signup")
    page.goto("/signup/professional/")
    check(page, "signup-professional")
    page.goto("/signup/employer/")
    check(page, "signup-employer")

    # Russian and Kazakh, switched with the buttons in the navigation bar.
    page.goto("/")
    switch_language(page, "ru")
    check(page, "home-ru")
    page.goto("/signup/professional/")
    assert lang(page) == "ru"
    check(page, "signup-ru")
    switch_language(page, "kk")
    check(page, "signup-kk", shot=False)
    page.goto("/professions/")
    check(page, "professions-kk")
    page.goto(f"/professions/eligibility/?q={profession.code}")
    check(page, "eligibility-kk", shot=False)
    switch_language(page, "en")


def test_it_logs_in_with_the_keyboard_alone(new_page):
    UserFactory(email="keys@example.kz", full_name="Kira Keyboard")
    page = new_page()

    # On a page without a form, the first Tab stop is the skip link, shown when focused.
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    assert page.locator(".skip-link").is_visible()

    # From the skip link, Tab reaches the e-mail field through visible stops only.
    page.goto("/accounts/login/")
    assert page.evaluate("() => document.activeElement.id") == "id_username"  # autofocus
    page.focus(".skip-link")
    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(_FOCUSED))
        assert page.evaluate("() => document.activeElement.checkVisibility()"), stops
        if stops[-1] == "id_username":
            break
    assert stops[-1] == "id_username", stops
    page.keyboard.type("keys@example.kz")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Shift+Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/dashboard/professional/"), page.url
    assert "Kira" in page.inner_text("h1")


def test_it_announces_form_errors_in_a_focusable_summary(new_page):
    page = new_page()
    page.goto("/signup/professional/")
    page.fill("#id_full_name", "Maria Rossi")
    page.fill("#id_email", "maria@example.it")
    page.fill("#id_password1", "Sunny-Astana-2026")
    page.fill("#id_password2", "Other-Astana-2026")
    page.click("main form [type=submit]")
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_attribute("tabindex") == "-1"
    # The summary takes the focus when the page opens, so it is read out first.
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    summary.focus()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    # Each error links to its field, and the field says it is invalid.
    links = summary.locator("a")
    assert links.count() >= 2
    for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        field = page.locator(href)
        assert field.count() == 1, href
        assert field.get_attribute("aria-invalid") == "true" or "is-invalid" in (
            field.get_attribute("class") or ""
        )
    assert page.input_value("#id_full_name") == "Maria Rossi"
    screenshot(page, "signup-errors")
    check(page, "signup-errors", shot=False)
