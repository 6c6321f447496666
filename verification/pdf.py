"""The permit and the stay statement as PDFs, in the reader's language (DejaVu: Kazakh and
Russian letters), each with its QR code (the check address with the token) and short code."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

import segno
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_countries import countries
from fpdf import FPDF

from portal.core import clock
from portal.core.fonts import FONTS

from . import codes
from .services import check_url, statement_view

if TYPE_CHECKING:
    from permits.models import Permit

    from .models import IssuedDocument

QR_SIZE = 42  # mm: scans from a phone at arm's length


def _d(value: date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a PNG (error correction M, the standard quiet zone)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def _new_pdf(title: str) -> FPDF:
    pdf = FPDF(orientation="P", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator(_("Foreign specialist portal"))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 6, _("Republic of Kazakhstan"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    return pdf


def _rows(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        pdf.set_font("DejaVu", "", 10)
        y = pdf.get_y()
        pdf.multi_cell(62, 7, label, new_x="RIGHT", new_y="TOP")
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + 7))


def _codes_block(pdf: FPDF, document: IssuedDocument) -> None:
    """The QR code, and beside it the short code and where to type it."""
    pdf.ln(6)
    if pdf.get_y() + QR_SIZE > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(check_url(document))), x=pdf.l_margin, y=top, w=QR_SIZE)
    left = pdf.l_margin + QR_SIZE + 6
    pdf.set_xy(left, top + 2)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, _("Check this document: scan the QR code, or type this code at"))
    pdf.set_x(left)
    pdf.set_font("DejaVu", "B", 10)
    verify = check_url(document).rsplit("/", 2)[0] + "/"
    pdf.multi_cell(0, 6, verify)
    pdf.set_x(left)
    pdf.set_font("DejaVu", "B", 20)
    pdf.cell(0, 12, codes.display(document.short_code), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(left)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        _("The check shows what this document says and whether it is still valid."),
    )
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE + 2))


def _footer(pdf: FPDF) -> None:
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(
        0,
        4,
        _("Made on %(date)s by the foreign specialist portal. Times are Almaty time (UTC+5).")
        % {"date": _d(clock.today())},
    )


def permit_pdf(permit: Permit, document: IssuedDocument) -> bytes:
    """The residence permit, in the active language."""
    application = permit.application
    pdf = _new_pdf(_("Residence permit"))
    if application.profession is not None and not application.profession_not_listed:
        profession = f"{application.profession.code} {application.profession.title}"
    else:
        profession = application.profession_other or "—"
    _rows(
        pdf,
        [
            (_("Permit number"), permit.number),
            (_("Full name"), application.full_name),
            (_("Citizenship"), str(countries.name(application.citizenship.code) or "—")),
            (_("Profession"), profession),
            (_("Route"), application.get_route_display() or "—"),
            (_("Issue date"), _d(permit.issue_date)),
            (_("Valid until"), _d(permit.valid_until)),
            (
                _("Issued by"),
                _(
                    "Migration Service of the Ministry of Internal Affairs of the Republic of "
                    "Kazakhstan"
                ),
            ),
        ],
    )
    _codes_block(pdf, document)
    _footer(pdf)
    return bytes(pdf.output())


def violation_label(kind: str) -> str:
    if kind == "single_stay":
        return _("Single stay too long")
    return _("More than the days allowed in the rolling period")


def statement_pdf(document: IssuedDocument) -> bytes:
    """A statement of stays from its stored figures, in the active language."""
    s = statement_view(document)
    pdf = _new_pdf(_("Statement of stays"))
    _rows(
        pdf,
        [
            (_("Full name"), s.full_name),
            (_("Citizenship"), str(countries.name(s.citizenship) or "—")),
            (_("Statement as of"), _d(s.as_of)),
            (_("Issued on"), _d(timezone.localdate(document.issued_at))),
            (
                _("Limits"),
                _("%(single)d days in one stay; %(max)d days in any %(window)d days")
                % {"single": s.single_stay, "max": s.max_days, "window": s.window},
            ),
            (
                _("Days used in the last %(window)d days") % {"window": s.window},
                f"{s.days_used} / {s.max_days}",
            ),
            (_("Days left in this period"), str(s.days_left)),
            (
                _("Must leave by"),
                _d(s.must_leave_by) if s.must_leave_by else _("Not in Kazakhstan"),
            ),
        ],
    )
    _table(
        pdf,
        _("Stays in the last %(window)d days") % {"window": s.window},
        [_("Entry"), _("Exit"), _("Days")],
        [
            [
                _d(r["entry"]),
                _d(r["exit"]) if r["exit"] else _("still in Kazakhstan"),
                str(r["days"]),
            ]
            for r in s.stays
        ],
        _("No stay in this period."),
    )
    _table(
        pdf,
        _("Violations of the stay limits"),
        [_("Rule broken"), _("First day"), _("Last day"), _("Days over")],
        [
            [violation_label(v["kind"]), _d(v["first_day"]), _d(v["last_day"]), str(v["days_over"])]
            for v in s.violations
        ],
        _("None."),
    )
    _table(
        pdf,
        _("Residence permits: days that do not count"),
        [_("From"), _("To")],
        [[_d(p["start"]), _d(p["end"])] for p in s.exempt],
        _("None."),
    )
    _codes_block(pdf, document)
    _footer(pdf)
    return bytes(pdf.output())


def _table(pdf: FPDF, heading: str, columns: list[str], rows: list[list[str]], empty: str) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    if not rows:
        pdf.multi_cell(0, 6, empty, new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(text_align="LEFT", line_height=6) as table:
        header = table.row()
        for column in columns:
            header.cell(column)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
