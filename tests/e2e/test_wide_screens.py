"""The pages staff and employers read on a 1,280 px laptop (issue 14, points 9 and 10): the
reviewer's queue and case keep the status and the days left in sight, the monthly report fits
(at 375 px too), and a keyboard user sees where the focus is in the blue navigation bar.

The people and their data come from the demo loader, in each of the three languages."""

from __future__ import annotations

import pytest

from permits.models import Application
from portal.accounts.models import User
from portal.workspace import demo

from .browser import log_in, screenshot

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 800}
LANGUAGES = ["kk", "ru", "en"]

# In sight: inside the window, and not covered or clipped where it starts and where it ends
# (a cell pushed out of the changelist's own scrolling box fails here).
_IN_SIGHT = """(el) => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return "empty";
  const at = [r.left, r.right, r.top, r.bottom].map(Math.round).join(", ");
  if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight)
    return `outside the window at ${at}`;
  for (const x of [r.left + 2, r.right - 2]) {
    const hit = document.elementFromPoint(x, r.top + r.height / 2);
    if (!(hit === el || el.contains(hit)))
      return `hidden at x=${Math.round(x)} by ${hit && hit.outerHTML.slice(0, 80)}`;
  }
  return "";
}"""


def _assert_in_sight(page, selector: str, where: str) -> None:
    cells = page.locator(selector)
    assert cells.count() > 0, f"{where}: no {selector}"
    for index in range(cells.count()):
        problem = cells.nth(index).evaluate(_IN_SIGHT)
        assert not problem, f"{where}: {selector} #{index} is not in sight ({problem})"


def _speak(email: str, language: str) -> None:
    User.objects.filter(email=email).update(preferred_language=language)


def test_the_reviewer_sees_status_and_days_left_at_1280_px(new_page):
    demo.load()
    reviewer = next(a for a in demo.ACCOUNTS if a.role == "reviewer")
    case = Application.objects.get(applicant__email=demo.ACCOUNTS[0].email)
    page = new_page(viewport=LAPTOP)
    log_in(page, reviewer.email, demo.DEMO_PASSWORD, admin=True)
    for language in LANGUAGES:
        _speak(reviewer.email, language)
        page.goto("/admin/permits/application/")
        where = f"the queue in {language}"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= LAPTOP["width"], where
        for column in ("status_label", "days_left"):
            _assert_in_sight(page, f"#result_list th.column-{column}", where)
            _assert_in_sight(page, f"#result_list td.field-{column}", where)
        if language == "kk":
            screenshot(page, "laptop-review-queue-kk")
        page.goto(f"/admin/permits/application/{case.pk}/change/")
        where = f"the case in {language}"
        for part in (".case-status", ".case-days-left"):
            _assert_in_sight(page, part, where)
        # Read down to the history: the summary stays at the top of the window.
        page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
        assert page.evaluate("window.scrollY") > 0, where
        for part in (".case-status", ".case-days-left"):
            _assert_in_sight(page, part, f"{where}, scrolled to its end")


def test_the_monthly_report_fits_a_laptop_and_a_phone(new_page):
    demo.load()
    employer = next(a for a in demo.ACCOUNTS if a.role == "employer")
    page = new_page(viewport=LAPTOP)
    log_in(page, employer.email, demo.DEMO_PASSWORD)
    for language in LANGUAGES:
        _speak(employer.email, language)
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto("/employer/report/")
            where = f"the report in {language} at {width} px"
            assert page.evaluate("document.scrollingElement.scrollWidth") <= width, where
            if width == 1280:  # all eleven columns in sight, nothing to scroll in the table's box
                box = page.locator(".table-scroll")
                assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), where
                if language == "kk":
                    screenshot(page, "laptop-report-kk")


# WCAG 2.4.7 and 1.4.11: the focused link has a solid ring at least 2 px wide whose colour
# stands out 3:1 against the bar behind it.
_RING = """(el) => {
  const s = getComputedStyle(el);
  const bar = getComputedStyle(el.closest("nav")).backgroundColor;
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(s.outlineColor), lum(bar)].sort((x, y) => y - x);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          contrast: (a + 0.05) / (b + 0.05), focused: el.matches(":focus-visible")};
}"""


def test_the_navigation_shows_a_clear_focus_ring(new_page):
    demo.load()
    applicant = demo.ACCOUNTS[0]
    page = new_page(viewport=LAPTOP)
    log_in(page, applicant.email, demo.DEMO_PASSWORD)
    page.goto("/dashboard/professional/")
    page.locator("body").press("Tab")  # the skip link
    links = page.locator("header .navbar a, header .navbar button:visible")
    seen = 0
    for _ in range(links.count() + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if not focused.evaluate("el => !!el.closest('header')"):
            break
        ring = focused.evaluate(_RING)
        label = focused.evaluate("el => el.textContent.trim()")
        assert ring["focused"] and ring["style"] == "solid" and ring["width"] >= 2, (label, ring)
        assert ring["contrast"] >= 3, (label, ring)
        seen += 1
    assert seen >= links.count() - 1  # every link and button of the bar was reached
    page.goto("/dashboard/professional/")
    page.locator("body").press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    screenshot(page, "laptop-focus-ring")


# The widest word of each heading of the page's tables, against the room the heading has: a
# heading narrower than one of its words would break that word (one letter a line, at worst).
_WORDS_CUT = """() => {
  const cut = [];
  for (const th of document.querySelectorAll("main table thead th")) {
    const shown = th.cloneNode(true);  // what is seen: not the screen readers' own words
    shown.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
    const text = shown.textContent.trim();
    if (!text) continue;
    const style = getComputedStyle(th);
    const room = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const word of text.split(/\\s+/)) {
      const probe = document.createElement("span");
      probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
      probe.style.font = getComputedStyle(th.querySelector("a") || th).font;
      probe.textContent = word;
      document.body.appendChild(probe);
      const width = probe.getBoundingClientRect().width;
      probe.remove();
      if (width > room + 1) cut.push(`${word} (${Math.round(width)} px in ${Math.round(room)})`);
    }
  }
  return cut;
}"""


@pytest.mark.parametrize("viewport", [LAPTOP, {"width": 375, "height": 812}], ids=["1280", "375"])
def test_the_staff_tables_break_headings_between_words_only(new_page, viewport):
    demo.load()
    employer = next(a for a in demo.ACCOUNTS if a.role == "employer")
    page = new_page(viewport=viewport)
    log_in(page, employer.email, demo.DEMO_PASSWORD)
    for language in LANGUAGES:
        _speak(employer.email, language)
        for path in ("/dashboard/employer/", "/arrivals/"):
            page.goto(path)
            cut = page.evaluate(_WORDS_CUT)
            assert not cut, f"{path} in {language} at {viewport['width']} px: {cut}"
