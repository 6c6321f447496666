"""Point 3 and 5: the public check by QR link and by short code, what it shows and hides, its
headers, the rate limit on typed codes, and bad input (tampered, truncated, foreign)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.core import clock
from verification import codes, services
from verification.models import FailedCheck, IssuedDocument

pytestmark = pytest.mark.django_db

VERIFY = reverse("verification:verify")


def _check(client, token, **headers):
    return client.get(reverse("verification:check", args=[token]), **headers)


def _type(client, code, ip="203.0.113.7", **headers):
    return client.post(VERIFY, {"code": code}, REMOTE_ADDR=ip, **headers)


def _private(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"  # no Referer (with the token) elsewhere
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    return html


def test_the_qr_link_shows_a_valid_permit_and_only_what_it_may(client, permit):
    response = _check(client, permit.verification.token)
    assert response.status_code == 200
    html = _private(response)
    assert 'data-outcome="permit"' in html and 'data-state="valid"' in html
    assert permit.number in html
    assert "A***e A*******t" in html
    # Nothing else: not the name, the passport, the birth date, the profession, the e-mail.
    application = permit.application
    for secret in [
        "Alice Applicant",
        "Applicant",
        application.passport_number,
        application.applicant.email,
        application.profession.title,
        "1988",
    ]:
        assert secret not in html, secret


def test_a_typed_short_code_shows_the_same(client, permit):
    code = permit.verification.short_code_display.lower().replace("-", " ")
    response = _type(client, code)
    assert response.status_code == 200
    html = _private(response)
    assert 'data-state="valid"' in html and permit.number in html
    assert not FailedCheck.objects.exists()  # a code that leads to a document is not counted


def test_an_expired_permit_says_expired(client, permit):
    permit.valid_until = clock.today() - timedelta(days=1)
    permit.save()
    html = _check(client, permit.verification.token).content.decode()
    assert 'data-state="expired"' in html


def test_the_statement_check_shows_its_figures_and_date(client, applicant):
    from tests.stays.factories import history

    on = clock.today() - timedelta(days=3)
    history(applicant, [(on - timedelta(days=9), on - timedelta(days=5))])
    document = services.statement_issue(person=applicant, on=on)
    html = _private(_check(client, document.token))
    assert 'data-outcome="statement"' in html
    assert '<dd class="col-sm-7" id="days-used">5 / 90</dd>' in html
    assert '<dd class="col-sm-7" id="days-left">85</dd>' in html
    assert "Alice Applicant" not in html and "A***e A*******t" in html


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type the code printed beside the QR code."),
        ("7KQM-4TXE-92H", "A code has 12 characters"),  # truncated
        ("7KQM-4TXE-92HB-7KQM", "A code has 12 characters"),
        ("ЖKQM-4TXE-92HB", "characters that codes never use"),  # foreign
        ("<script>alert(1)</script>", "A code has 12 characters"),
        ("x" * 5000, "A code has 12 characters"),
    ],
)
def test_malformed_codes_are_refused_with_a_message(client, typed, says):
    response = _type(client, typed)
    assert response.status_code == 400
    html = _private(response)
    assert says in html
    assert "<script>alert(1)</script>" not in html


def test_a_tampered_code_is_told_apart_from_an_unknown_one(client, permit):
    code = permit.verification.short_code
    i = 3
    other = next(c for c in codes.ALPHABET if c != code[i])
    tampered = code[:i] + other + code[i + 1 :]
    response = _type(client, tampered)
    assert response.status_code == 400
    assert "one of its characters is wrong" in _private(response)
    # A well-formed code (its check character right) that no document has: "not genuine".
    while True:
        unknown = codes.new_short_code()
        if not IssuedDocument.objects.filter(short_code=unknown).exists():
            break
    response = _type(client, codes.display(unknown))
    assert response.status_code == 404
    html = _private(response)
    assert 'data-outcome="unknown"' in html and "No document of this portal has this code" in html


@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,  # well-formed, unknown
        "tampered",
        "x" * 500,
        "%00",
        "абв",
        "..%2F..%2Fetc",
    ],
)
def test_bad_links_are_refused_never_an_error(client, permit, token):
    response = _check(client, token)
    assert response.status_code in (400, 404)
    html = _private(response)
    assert 'data-outcome="unknown"' in html or 'data-outcome="malformed"' in html
    assert permit.number not in html


def test_a_truncated_or_tampered_token_from_a_real_one_finds_nothing(client, permit):
    token = permit.verification.token
    truncated = _check(client, token[:-1])
    assert truncated.status_code == 400
    assert "part of it is missing" in truncated.content.decode()
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = _check(client, flipped)
    assert response.status_code == 404
    assert permit.number not in response.content.decode()


def test_the_answer_is_in_the_readers_language(client, permit, applicant):
    response = _check(client, "A" * 43, HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ru">' in response.content.decode()
    response = _type(client, "", HTTP_ACCEPT_LANGUAGE="kk")
    assert '<html lang="kk">' in response.content.decode()


def test_typed_codes_are_rate_limited_per_address_in_the_database(client, permit, settings):
    settings.VERIFY_FAILURE_LIMIT = 3
    good = permit.verification.short_code_display
    for _ in range(3):
        assert _type(client, codes.display(codes.new_short_code())).status_code == 404
    assert FailedCheck.objects.filter(ip="203.0.113.7").count() == 3
    locked = _type(client, good)
    assert locked.status_code == 429
    html = _private(locked)
    assert "Too many codes from your address" in html and permit.number not in html
    # Another address is not affected; nor is the QR link, which is not counted at all.
    assert _type(client, good, ip="198.51.100.9").status_code == 200
    assert _check(client, permit.verification.token).status_code == 200
    assert FailedCheck.objects.count() == 3
    # Once the failures age out of the window, the address may try again.
    FailedCheck.objects.update(at=FailedCheck.objects.first().at - timedelta(minutes=16))
    assert _type(client, good).status_code == 200


def test_the_check_by_link_writes_nothing(client, permit):
    from tests import tables

    before = tables.snapshot()
    _check(client, permit.verification.token)
    _check(client, "A" * 43)
    client.get(VERIFY)
    assert tables.changed_tables(before, tables.snapshot()) == []


def test_the_typed_code_form_carries_its_csrf_token_and_a_forged_post_is_refused(permit):
    """The check page's own form works under the CSRF check; a POST from another site does not
    (it would spend the visitor's address's allowance of misses)."""
    import re

    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(VERIFY, secure=True).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        VERIFY,
        {"code": permit.verification.short_code, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://testserver",
        secure=True,
    )
    assert response.status_code == 200 and permit.number in response.content.decode()
    forged = Client(enforce_csrf_checks=True).post(
        VERIFY, {"code": permit.verification.short_code}, HTTP_ORIGIN="https://evil.example"
    )
    assert forged.status_code == 403
