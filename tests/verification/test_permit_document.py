"""Point 1: the holder downloads the permit as a PDF in kk, ru and en, with its QR code (decoded
back from the PDF's image to the check address) and its short code."""

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django_countries import countries

from permits.models import Permit
from tests.factories import UserFactory
from verification import codes
from verification.models import IssuedDocument
from verification.services import check_url

from .conftest import read_pdf

pytestmark = pytest.mark.django_db


def _download(client, permit, lang):
    return client.get(reverse("verification:permit_pdf", args=[permit.pk, lang]))


def test_an_issued_permit_has_its_codes(permit):
    document = IssuedDocument.objects.get(permit=permit)
    assert document.kind == "permit" and document.holder_id == permit.application.applicant_id
    assert codes.is_token(document.token) and len(document.token) == 43  # 256 bits
    assert codes.parse(document.short_code) == (document.short_code, None)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_holder_downloads_the_permit_in_each_language(client, applicant, permit, lang):
    client.force_login(applicant)
    response = _download(client, permit, lang)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="permit-{permit.number}-{lang}.pdf"' in response["Content-Disposition"]
    pdf = read_pdf(response.content)
    document = permit.verification
    application = permit.application
    with translation.override(lang):
        issued = formats.date_format(permit.issue_date, "DATE_FORMAT")
        until = formats.date_format(permit.valid_until, "DATE_FORMAT")
        route = str(application.get_route_display())
        profession = str(application.profession.title)
        country = str(countries.name("DE"))
        labels = [str(_("Permit number")), str(_("Issued by"))]
        body = str(
            _("Migration Service of the Ministry of Internal Affairs of the Republic of Kazakhstan")
        )
    text = " ".join(pdf.text.split())  # lines wrap where the page ends
    for expected in [
        permit.number,
        "Alice Applicant",
        country,
        application.profession.code,
        profession,
        issued,
        until,
        body,  # the issuing body, in the reader's language
        document.short_code_display,
        *labels,
    ]:
        assert expected in text, (expected, text)
    assert route.split()[0] in text
    if lang == "ru":  # Russian letters survive (DejaVu): the country's name and the labels
        assert "Германия" in text and "Гражданство" in text
    if lang == "kk":  # Kazakh letters survive too (the labels already translated)
        assert set("әғқңөұүһі") & set(text), text
    # The QR code, read back from the image in the PDF, is the check address with the token.
    assert pdf.qr == [check_url(document)]
    assert document.token in pdf.qr[0]


def test_dates_are_in_the_readers_language(client, applicant, permit):
    client.force_login(applicant)
    ru = read_pdf(_download(client, permit, "ru").content).text
    en = read_pdf(_download(client, permit, "en").content).text
    month = permit.valid_until.month
    ru_months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                 "сентября", "октября", "ноября", "декабря"]  # fmt: skip
    assert ru_months[month - 1] in ru and ru_months[month - 1] not in en
    with translation.override("en"):
        assert formats.date_format(permit.valid_until, "DATE_FORMAT") in en


def test_an_unknown_language_is_not_found(client, applicant, permit):
    client.force_login(applicant)
    assert _download(client, permit, "de").status_code == 404


def test_nobody_else_downloads_the_permit(client, permit, other_applicant, employer_user, reviewer):
    for user, status in [(other_applicant, 404), (employer_user, 403), (reviewer, 403)]:
        client.force_login(user)
        assert _download(client, permit, "en").status_code == status, user
    client.logout()
    assert _download(client, permit, "en").status_code == 302  # to the login page


def test_the_documents_page_lists_the_permit_with_its_links(client, applicant, permit):
    client.force_login(applicant)
    html = client.get(reverse("verification:documents")).content.decode()
    assert permit.number in html and permit.verification.short_code_display in html
    for lang in ("kk", "ru", "en"):
        assert reverse("verification:permit_pdf", args=[permit.pk, lang]) in html


def test_the_download_writes_nothing(client, applicant, permit):
    client.force_login(applicant)
    before = list(IssuedDocument.objects.values_list("pk", "token", "short_code"))
    _download(client, permit, "kk")
    assert list(IssuedDocument.objects.values_list("pk", "token", "short_code")) == before


def test_permits_issued_before_the_app_get_codes_from_the_migration(permit):
    from importlib import import_module

    from django.apps import apps

    IssuedDocument.objects.filter(permit=permit).delete()
    assert not IssuedDocument.objects.filter(permit=permit).exists()
    import_module("verification.migrations.0002_codes_for_issued_permits").codes_for_permits(
        apps, None
    )
    document = IssuedDocument.objects.get(permit=Permit.objects.get(pk=permit.pk))
    assert codes.parse(document.short_code)[1] is None
    assert document.holder_id == permit.application.applicant_id


def test_an_employee_without_a_permit_sees_none(client):
    person = UserFactory()
    client.force_login(person)
    html = client.get(reverse("verification:documents")).content.decode()
    assert "You hold no residence permit yet." in html
