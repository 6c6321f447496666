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


def _check_page(page: Page, url: str, *, axe: bool) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    width = page.evaluate(_WIDTH)
    assert width <= WIDTH, f"{url} is {width} px wide on a {WIDTH} px phone"
    if "/admin/" not in url:
        _menu_is_folded(page)
    buttons = page.locator(_PRIMARY)
    for index in range(buttons.count()):
        button = buttons.nth(index)
        assert button.evaluate(_TAPPABLE), f"{url}: {button.inner_text()!r} cannot be tapped"
    if axe and "/admin/" not in url:
        assert_accessible(page, f"{url} at {WIDTH} px")


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
