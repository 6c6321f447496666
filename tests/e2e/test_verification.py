"""Documents anyone can check, in a real browser on a 375 px phone: the holder downloads the permit
and a statement in each language; a stranger, without an account, opens the QR code's link read
back from the PDF and types the short code; the holder revokes the statement."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from permits.models import Route
from permits.services import permit_issue
from permits.states import Status
from portal.core.clock import today
from stays.models import Crossing
from tests.factories import PASSWORD, UserFactory
from tests.permits.factories import ApplicationFactory
from tests.verification.conftest import read_pdf

from .browser import check, lang, log_in, submit, switch_language

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def _download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_a_holder_downloads_and_a_stranger_checks(new_page, settings, live_server):
    settings.SITE_URL = live_server.url  # the QR codes lead to this test's server
    on = today()
    holder = UserFactory(email="aigerim@example.de", full_name="Aigerim Weber", citizenship="DE")
    application = ApplicationFactory(
        applicant=holder, full_name="Aigerim Weber", status=Status.APPROVED, route=Route.FACILITATED
    )
    permit = permit_issue(application=application, on=on - timedelta(days=400))
    permit.valid_until = on - timedelta(days=30)  # expired: her stays count again
    permit.save()
    Crossing.objects.create(
        person=holder, entry=on - timedelta(days=20), exit=on - timedelta(days=6)
    )

    page = new_page()
    page.set_viewport_size(PHONE)
    log_in(page, holder.email, PASSWORD)
    page.goto("/documents/")
    _fits(page)
    check(page, "documents-phone")

    # The permit, in each language: its QR code read back from the PDF is the check link.
    links = {}
    for code in ("kk", "ru", "en"):
        pdf = read_pdf(_download(page, f"a[href='/documents/permits/{permit.pk}/{code}.pdf']"))
        assert permit.number in pdf.text and "Aigerim Weber" in pdf.text
        assert len(pdf.qr) == 1 and pdf.qr[0].startswith(live_server.url + "/verify/")
        links[code] = pdf.qr[0]
    assert len(set(links.values())) == 1

    # A statement as of today: 15 days used.
    page.fill("#id_as_of", on.isoformat())
    submit(page, "main form[action='/documents/statements/'] button[type=submit]")
    assert page.locator(".alert-success").is_visible()
    statement = page.locator("li.statement").first
    short_code = statement.locator("code").inner_text()
    texts = {}
    for code in ("kk", "ru", "en"):
        href = statement.locator(f"a[lang={code}]").get_attribute("href")
        pdf = read_pdf(_download(page, f"a[href='{href}']"))
        assert short_code in pdf.text and "15 / 90" in pdf.text
        texts[code] = pdf
    assert "Гражданство" in texts["ru"].text
    _fits(page)

    # A stranger (no account), on a phone, in Russian: the QR link of the permit ...
    stranger = new_page(locale="ru-RU")
    stranger.set_viewport_size(PHONE)
    stranger.goto(links["en"])
    assert lang(stranger) == "ru"
    result = stranger.locator("#check-result")
    assert result.get_attribute("data-outcome") == "permit"
    assert result.get_attribute("data-state") == "expired"
    assert "A*****m W***r" in result.inner_text() and "Aigerim" not in stranger.content()
    assert stranger.locator("meta[name=robots]").get_attribute("content") == "noindex, nofollow"
    _fits(stranger)
    check(stranger, "verify-permit-phone")

    # ... and the statement's short code typed in, in lower case without dashes.
    switch_language(stranger, "en")
    stranger.fill("#id_code", short_code.replace("-", "").lower())
    submit(stranger, "main form[action='/verify/'] button[type=submit]")
    result = stranger.locator("#check-result")
    assert result.get_attribute("data-outcome") == "statement"
    assert stranger.locator("#days-used").inner_text() == "15 / 90"
    check(stranger, "verify-statement-phone")
    statement_link = texts["kk"].qr[0]

    # A mistyped code is told as such.
    stranger.fill("#id_code", short_code[:-1])
    submit(stranger, "main form[action='/verify/'] button[type=submit]")
    assert stranger.locator("#error-summary").is_visible()
    assert "12 characters" in stranger.locator("#error-summary").inner_text()

    # The holder revokes the statement: its link now says so.
    page.locator("li.statement").first.locator("button:text-is('Revoke')").click()
    page.wait_for_load_state()
    assert page.locator("li.statement .text-danger").is_visible()
    stranger.goto(statement_link)
    assert stranger.locator("#check-result").get_attribute("data-outcome") == "revoked"
    assert "15 / 90" not in stranger.content()
