"""The employer's monthly compliance report, as data, as a printable page and as a PDF."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF

from arrivals.reports import MonthCounts, month_counts
from permits.models import StatusChange
from permits.states import Status
from portal.core.fonts import FONTS
from portal.organisations.models import Employer, Sponsorship
from portal.workspace import staff


@dataclass
class MonthlyReport:
    employer: Employer
    month: date
    month_end: date
    generated_on: date
    rows: list[staff.StaffRow] = field(default_factory=list)  # the one projection of the staff
    submitted: int = 0
    approved: int = 0
    refused: int = 0
    permits_expiring: int = 0
    with_violations: int = 0
    arrivals: MonthCounts | None = None


def parse_month(value: str, today: date) -> date:
    """'2026-11' -> date(2026, 11, 1); anything else -> this month."""
    try:
        year, month = (int(part) for part in value.split("-"))
        if 1991 <= year <= today.year + 1 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def monthly_report(employer: Employer, month_param: str, today: date) -> MonthlyReport:
    """Decisions of the month for the sponsored staff, and each person's status today."""

    month = parse_month(month_param, today)
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    report = MonthlyReport(employer=employer, month=month, month_end=month_end, generated_on=today)
    report.rows = staff.staff_rows(employer, today, shown=True)
    people = Sponsorship.objects.filter(employer=employer, status=Sponsorship.Status.ACTIVE).values(
        "person_id"
    )
    changes = StatusChange.objects.filter(
        application__applicant_id__in=people, at__date__gte=month, at__date__lte=month_end
    )
    counts = {
        row["to_status"]: row["n"]
        for row in changes.values("to_status").order_by().annotate(n=Count("pk"))
    }
    report.submitted = counts.get(Status.SUBMITTED, 0)
    report.approved = counts.get(Status.APPROVED, 0)
    report.refused = counts.get(Status.REFUSED, 0)
    report.permits_expiring = sum("permit_expiring" in row.attention for row in report.rows)
    report.with_violations = sum(row.violations > 0 for row in report.rows)
    report.arrivals = month_counts(employer, month, month_end)
    return report


def arrivals_line(counts: MonthCounts) -> str:
    return _(
        "Arrival registrations due this month: made on time %(on_time)d, late %(late)d, "
        "outstanding %(outstanding)d, not needed %(not_needed)d."
    ) % {
        "on_time": counts.on_time,
        "late": counts.late,
        "outstanding": counts.outstanding,
        "not_needed": counts.not_needed,
    }


def _d(value: date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def column_widths(
    pdf: FPDF, headings: list[str], rows: list[list[str]], shares: list[float], size: float
) -> tuple[list[float], float]:
    """Column widths (mm) that fill the line and give each column room for its longest word,
    the headings' in bold and the cells', and the font size to set: a heading or a cell wraps
    between its words, never inside one (fpdf2 cuts a word that does not fit, without a
    hyphen). The room left over is shared out as ``shares`` says. Where the words alone
    overflow the line, the font shrinks until they fit (down to 5 pt)."""

    def longest(texts: list[str], style: str) -> float:
        pdf.set_font("DejaVu", style, size)
        return max(
            (pdf.get_string_width(word) for text in texts for word in text.split()), default=0
        )

    available = pdf.epw
    while True:
        padding = 2 * pdf.c_margin + 0.5
        least = [
            max(longest([heading], "B"), longest([row[i] for row in rows], "")) + padding
            for i, heading in enumerate(headings)
        ]
        if sum(least) <= available or size <= 5:
            break
        size -= 0.5
    if sum(least) > available:  # even at 5 pt: scaled to the line, the longest words cut
        return [width * available / sum(least) for width in least], size
    widths = [0.0] * len(headings)
    free = list(range(len(headings)))
    # Columns whose share is less than their longest word take that word's width; the others
    # share the rest, until every column has at least its word.
    while free:
        room = available - sum(widths[i] for i in range(len(headings)) if i not in free)
        total = sum(shares[i] for i in free)
        short = [i for i in free if room * shares[i] / total < least[i]]
        if not short:
            for i in free:
                widths[i] = room * shares[i] / total
            break
        for i in short:
            widths[i] = least[i]
            free.remove(i)
    return widths, size


def render_pdf(report: MonthlyReport) -> bytes:
    """The report as a PDF (A4 landscape), in the reader's language."""

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_title(_("Monthly compliance report"))
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 9, _("Monthly compliance report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    month_label = formats.date_format(report.month, "YEAR_MONTH_FORMAT")
    lines = [
        f"{report.employer.name} · {_('BIN')} {report.employer.bin}",
        _("Month: %(month)s. Status on %(date)s.")
        % {"month": month_label, "date": formats.date_format(report.generated_on, "DATE_FORMAT")},
        _("Sponsored staff: %(n)d. Submitted this month: %(s)d. Approved: %(a)d. Refused: %(r)d.")
        % {"n": len(report.rows), "s": report.submitted, "a": report.approved, "r": report.refused},
        _("Permits expiring within 90 days: %(p)d. People with stay violations: %(v)d.")
        % {"p": report.permits_expiring, "v": report.with_violations},
    ]
    if report.arrivals is not None:
        lines.append(arrivals_line(report.arrivals))
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    headings = [
        _("Name"),
        _("Citizenship"),
        _("Profession"),
        _("Application"),
        _("Permit"),
        _("Valid until"),
        _("Passport expiry"),
        _("Days used"),
        _("Days left"),
        _("Must leave by"),
        _("Violations"),
    ]
    rows = [
        [
            r.name,
            r.citizenship_name,
            r.profession or "—",
            r.status_label,
            r.permit_number or "—",
            _d(r.permit_until),
            _d(r.passport_expiry),
            "—" if r.days_used is None else str(r.days_used),
            "—" if r.days_left is None else str(r.days_left),
            _d(r.must_leave_by),
            str(r.violations),
        ]
        for r in report.rows
    ]
    shares = [40, 18, 42, 34, 30, 22, 22, 16, 16, 22, 18]
    widths, size = column_widths(pdf, headings, rows, shares, 8)
    pdf.set_font("DejaVu", "B", size)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
        header = table.row()
        for heading in headings:
            header.cell(heading)
        pdf.set_font("DejaVu", "", size)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    return bytes(pdf.output())
