"""The monthly report's PDF wraps its table between words: no heading word (and no date or
permit number) is cut in two without a hyphen, in any of the three languages (issue 14, point
10). Read back from the PDF's own text with pypdf."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from fpdf import FPDF
from pypdf import PdfReader

from portal.core.fonts import FONTS
from portal.workspace.reports import column_widths
from tests.portal.test_employer import _staff

pytestmark = pytest.mark.django_db

HEADINGS = {
    # The headings as the catalogue gives them (read from the page, the same msgids).
    "en": ["Citizenship", "Passport expiry", "Days used", "Must leave by", "Violations"],
    "ru": ["Гражданство", "Срок действия паспорта", "Использовано дней", "Нарушения"],
    "kk": ["Азаматтығы", "Паспорттың жарамдылық мерзімі", "Пайдаланылған күндер", "Бұзушылықтар"],
}


def _pdf_words(client) -> list[str]:
    response = client.get(reverse("portal:employer_report_pdf") + "?month=2026-11")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return text.split()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_no_heading_word_of_the_report_pdf_is_cut(client, employer_user, language):
    _staff(employer_user.employer, 3)
    employer_user.preferred_language = language
    employer_user.save(update_fields=["preferred_language"])
    client.force_login(employer_user)
    words = _pdf_words(client)
    for heading in HEADINGS[language]:
        for word in heading.split():
            assert word in words, f"{word!r} of {heading!r} is cut: {words[:80]}"
    # Nor the cells' words: dates and permit numbers stay whole.
    page = client.get(reverse("portal:employer_report") + "?month=2026-11").content.decode()
    for number in re.findall(r"KZ-RP-[0-9-]+", page):
        assert number in words
    assert any(re.fullmatch(r"\d\d\.\d\d\.\d{4}|\d{1,2} \w+ \d{4}", w) for w in words) or any(
        re.fullmatch(r"\d{4}", w) for w in words
    )


def _pdf() -> FPDF:
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    return pdf


def test_the_widths_fill_the_line_and_fit_every_word():
    pdf = _pdf()
    headings = ["Пайдаланылған күндер", "A", "Бұзушылықтар"]
    rows = [["1", "KZ-RP-2026-0000002", "0"]]
    widths, size = column_widths(pdf, headings, rows, [1, 1, 1], 8)
    assert size == 8 and sum(widths) == pytest.approx(pdf.epw)
    pdf.set_font("DejaVu", "B", size)
    assert widths[0] > pdf.get_string_width("Пайдаланылған") + 2 * pdf.c_margin
    pdf.set_font("DejaVu", "", size)
    assert widths[1] > pdf.get_string_width("KZ-RP-2026-0000002") + 2 * pdf.c_margin


def test_words_too_long_for_the_line_shrink_the_font():
    pdf = _pdf()
    headings = ["Пайдаланылған"] * 11
    widths, size = column_widths(pdf, headings, [], [1] * 11, 8)
    assert 5 < size < 8 and sum(widths) == pytest.approx(pdf.epw)
    pdf.set_font("DejaVu", "B", size)
    assert all(w >= pdf.get_string_width(headings[0]) + 2 * pdf.c_margin for w in widths)
    # Words no font size fits are cut, but the table still fills the line, no wider.
    widths, size = column_widths(pdf, [h * 3 for h in headings], [], [1] * 11, 8)
    assert size == 5 and sum(widths) == pytest.approx(pdf.epw)
