"""Every main page on a 375 × 812 phone, for each role: nothing scrolls sideways, the navigation
is folded behind "Menu" (and opens without JavaScript), the primary buttons can be tapped, and
axe-core finds no WCAG 2.1 AA violation on the portal's own pages.

The people and their data come from the demo loader (an applicant whose case awaits her answer,
with stays and notifications; an employer with sponsored staff and a request; a reviewer; a
catalogue editor), so the pages are as full as a newcomer sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from permits.models import Application
from permits.states import Status
from portal.accounts.models import User
from portal.core import clock
from portal.notifications.models import Notification
from portal.workspace import demo
from professions.models import Profession
from stays.models import Crossing

from .browser import assert_accessible, log_in, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 375, 812

_WIDTH = "() => document.scrollingElement.scrollWidth"
# A primary button can be tapped when the element at its centre (once scrolled into view) is
# the button itself or something inside it, not a neighbour laid over it.
_TAPPABLE = """(el) => {
  el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return r.width > 0 && r.height > 0 && (hit === el || el.contains(hit));
}"""
_PRIMARY = (
    "main .btn-primary:visible, main button[type=submit]:visible, "
    "#content input[type=submit]:visible, #content .submit-row a:visible"
)


def _pages(role: str) -> list[str]:
    """The main pages each role reaches from its dashboard and the navigation."""
    anna = User.objects.get(email=demo.ACCOUNTS[0].email)
    application = Application.objects.get(applicant=anna)
    crossing = Crossing.objects.filter(person=anna).order_by("pk").first()
    profession = Profession.objects.listed().order_by("code").first()
    submitted = Application.objects.filter(status=Status.SUBMITTED).first()
    assert crossing and profession and submitted
    public = [
        "/",
        "/professions/",
        f"/professions/{profession.pk}/",
        f"/professions/eligibility/?q={profession.code}",
        "/verify/",
        "/api/v1/docs/",
    ]
    own = ["/inbox/", "/profile/", "/accounts/password_change/"]
    return {
        "visitor": public
        + [
            "/accounts/login/",
            "/accounts/password_reset/",
            "/signup/",
            "/signup/professional/",
            "/signup/employer/",
        ],
        "applicant": [
            "/dashboard/professional/",
            f"/permits/{application.pk}/",
            f"/permits/{application.pk}/step/personal/",
            f"/permits/{application.pk}/step/profession/",
            f"/permits/{application.pk}/documents/",
            f"/permits/{application.pk}/review/",
            "/stays/",
            f"/stays/{crossing.pk}/edit/",
            f"/stays/{crossing.pk}/delete/",
            "/stays/planner/",
            "/stays/import/",
            "/documents/",
            *own,
            *public,
        ],
        "employer": [
            "/dashboard/employer/",
            "/employer/report/",
            f"/stays/people/{anna.pk}/",
            "/stays/import/",
            "/api/settings/",
            "/api/v1/docs/",
            *own,
        ],
        "reviewer": [
            "/dashboard/staff/",
            "/admin/",
            "/admin/permits/application/",
            f"/admin/permits/application/{submitted.pk}/change/",
            f"/admin/permits/application/{application.pk}/change/",
            "/admin/portal/employer/",
            *own,
        ],
        "catalogue editor": [
            "/dashboard/staff/",
            "/admin/",
            "/admin/professions/profession/",
            f"/admin/professions/profession/{profession.pk}/change/",
            "/admin/stays/countryrule/",
            *own,
        ],
    }[role]


def _menu_is_folded(page: Page) -> None:
    """The links sit behind the "Menu" summary, which opens them (no script involved)."""
    header = page.locator("header")
    height = header.bounding_box()["height"]
    assert height <= 0.15 * HEIGHT, f"{page.url}: the header takes {height:.0f} px"
    links = page.locator("header .nav-menu-body a")
    assert links.count() > 0 and not links.first.is_visible(), page.url
    page.click("header summary")
    assert links.first.is_visible(), page.url
    page.click("header summary")
    assert not links.first.is_visible(), page.url


# Every table wider than the page's content scrolls inside a box of its own (overflow-x auto or
# scroll) that fits the screen; the list of those that do not.
_TABLES_OUT_OF_BOX = """() => [...document.querySelectorAll("main table")].filter((table) => {
  let box = table.parentElement;
  while (box && box !== document.body) {
    const overflow = getComputedStyle(box).overflowX;
    if (overflow === "auto" || overflow === "scroll") {
      return box.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
    }
    box = box.parentElement;
  }
  return table.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
}).map((table) => table.outerHTML.slice(0, 80))"""


def _check_page(page: Page, url: str, *, axe: bool) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    if url.startswith("/api/v1/docs/"):
        # Swagger UI draws the documentation once it has read the schema.
        page.wait_for_selector("#swagger-ui .opblock", timeout=15_000)
    _fits(page, url, axe=axe)


def _fits(page: Page, url: str, *, axe: bool) -> None:
    """The page as it is now fits the phone: no sideways scroll, tables in their own boxes, the
    menu folded, the primary buttons tappable, and (``axe``) no WCAG violation."""
    assert page.evaluate(_TABLES_OUT_OF_BOX) == [], url
    width = page.evaluate(_WIDTH)
    assert width <= WIDTH, f"{url} is {width} px wide on a {WIDTH} px phone"
    if "/admin/" not in url:
        _menu_is_folded(page)
    buttons = page.locator(_PRIMARY)
    for index in range(buttons.count()):
        button = buttons.nth(index)
        assert button.evaluate(_TAPPABLE), f"{url}: {button.inner_text()!r} cannot be tapped"
    if axe and "/admin/" not in url:
        # Swagger UI's drawing of the schema is the package's, not the portal's (its summary rows
        # nest buttons): axe reads the portal's page around it.
        assert_accessible(page, f"{url} at {WIDTH} px", exclude=("#swagger-ui",))


def _phone(new_page, *, javascript: bool = True) -> Page:
    return new_page(viewport={"width": WIDTH, "height": HEIGHT}, javascript=javascript)


@pytest.mark.parametrize(
    "role", ["visitor", "applicant", "employer", "reviewer", "catalogue editor"]
)
def test_every_main_page_fits_a_phone(new_page, role):
    demo.load()
    page = _phone(new_page)
    if role != "visitor":
        account = next(a for a in demo.ACCOUNTS if a.role == role)
        staff = role in ("reviewer", "catalogue editor")
        page.set_viewport_size({"width": 1280, "height": 900})  # the admin login's own layout
        log_in(page, account.email, demo.DEMO_PASSWORD, admin=staff)
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    for url in _pages(role):
        _check_page(page, url, axe=True)
    if role in ("applicant", "employer"):
        for name, url in {
            "applicant": [("dashboard", "/dashboard/professional/"), ("stays", "/stays/")],
            "employer": [("employer-dashboard", "/dashboard/employer/")],
        }[role]:
            page.goto(url)
            screenshot(page, f"phone-{name}")


def test_the_menu_opens_without_javascript(new_page):
    demo.load()
    page = _phone(new_page, javascript=False)
    page.goto("/")
    _menu_is_folded(page)
    page.click("header summary")
    page.click("header .nav-menu-body a[href='/accounts/login/']")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/login/")
    page.fill("#id_username", demo.ACCOUNTS[0].email)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    _menu_is_folded(page)
    page.click("header summary")
    inbox = page.locator("header .nav-menu-body a[href='/inbox/']")
    assert inbox.locator(".badge").is_visible()  # the unread count, beside the link


def test_the_links_show_without_a_menu_on_a_wide_screen(new_page):
    page = new_page()
    page.goto("/")
    assert not page.locator("header summary").is_visible()
    assert page.locator("header .nav-menu-body a[href='/professions/']").is_visible()
    assert page.evaluate(_WIDTH) <= 1280


def _submit(page: Page, action: str) -> None:
    page.click(f"main form:has(input[name=action][value={action}]) button")
    page.wait_for_load_state()


def test_the_api_settings_page_fits_a_phone_in_each_state(new_page, settings):
    """The employer's API page with no token, with a token just made (shown once), with tokens
    listed (one revoked), with a webhook set (its secret shown once), with deliveries in every
    state, and with its forms shown again with errors."""
    demo.load()
    account = next(a for a in demo.ACCOUNTS if a.role == "employer")
    user = User.objects.get(email=account.email)
    page = _phone(new_page)
    log_in(page, account.email, demo.DEMO_PASSWORD)
    url = "/api/settings/"
    _check_page(page, url, axe=True)
    assert page.locator("#tokens-h ~ p").first.is_visible()  # "No token yet."
    # Errors: a token without a name, an address that is not one.
    _submit(page, "create")
    assert page.locator("#id_name.is-invalid").count() == 1
    _fits(page, f"{url} (token form with errors)", axe=True)
    page.fill("#id_url", "https://10.0.0.1/" + "hook-" * 30)
    _submit(page, "webhook")
    assert page.locator("#id_url.is-invalid").count() == 1
    _fits(page, f"{url} (webhook form with errors)", axe=True)
    # A token made: shown once.
    page.fill("#id_name", "Кадр жүйесі, жұмыс нұсқасы (" + "өте-ұзақ-атау-" * 6 + ")")
    _submit(page, "create")
    assert page.locator("#new-token-value").is_visible()
    _fits(page, f"{url} (a token just made)", axe=True)
    page.fill("#id_name", "Сынақ жүйесі")
    _submit(page, "create")
    page.click("main details:has(input[name=action][value=revoke]) summary >> nth=0")
    page.click("main form:has(input[name=action][value=revoke]) button >> nth=0")
    page.wait_for_load_state()
    # The webhook set (its secret shown once), on the local test server's address.
    settings.WEBHOOK_ALLOW_LOCAL = True
    page.fill("#id_url", "http://127.0.0.1:9/" + "hr-system/portal-events/" * 4)
    _submit(page, "webhook")
    assert page.locator("#new-secret-value").is_visible()
    _fits(page, f"{url} (webhook set, its secret shown once)", axe=True)
    # Deliveries in every state, tokens listed.
    now = clock.real_now()
    sent = {"email_sent_at": now, "email_attempts": 1, "response_status": 200}
    for kind, fields in [
        ("stay.status_changed", sent),
        ("application.state_changed", {"email_attempts": 2, "response_status": 503}),
        ("arrival_registration.due", {}),
        ("permit.issued", {"email_attempts": settings.WEBHOOK_MAX_ATTEMPTS}),
        ("permit.revoked", {"email_sent_at": now, "email_error": "not sent"}),
    ]:
        Notification.objects.create(
            channel=Notification.Channel.WEBHOOK,
            employer_id=user.employer_id,
            kind=kind,
            subject=kind,
            body="{}",
            read_at=now,
            **fields,
        )
    _check_page(page, url, axe=True)
    assert page.locator("section:has(#tokens-h) tbody tr").count() == 2
    assert page.locator("section:has(#webhook-h) tbody tr").count() == 5
    screenshot(page, "phone-api-settings")
