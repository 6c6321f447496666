"""The repeated parts of the stays page, written in Python: the chart's ticks and shaded days,
the chart's table by month, and the rows of the record of stays.

Through the template engine each cell cost a variable lookup, a filter or an ``if`` per row,
and each date a ``date`` filter (which looks the format up and builds a formatter for every
date): about half of the page's template time. Here a row is a few string joins, with the words
and the date formats worked out once per page, and text escaped by the standard library's
``html.escape`` (what Django's ``escape`` calls, without its check for lazy text). The markup
is the one the templates wrote: ``tests/stays/test_page_markup.py`` renders it both ways in kk,
ru and en and compares them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape  # as Django's escape does (quotes too), without its lazy-text check
from typing import Any

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portal.core.dates import day_writer

from ..chart import Chart

register = template.Library()

DANGER = ' class="table-danger"'


def _count_writer() -> Callable[[int], str]:
    """A function writing a whole number as ``{{ n }}`` does: Django's ``localize`` only groups
    the digits when ``USE_THOUSAND_SEPARATOR`` is on; otherwise the number as it is."""
    return localize if settings.USE_THOUSAND_SEPARATOR else str


@register.simple_tag
def chart_marks(chart: Chart) -> SafeString:
    """The SVG of the shaded runs of days over the limit, the y-axis lines and labels, and the
    month lines and labels (numbers as written with localization off, as SVG needs)."""
    month = day_writer("M")
    top, left, right, bottom = chart.plot_top, chart.plot_left, chart.plot_right, chart.plot_bottom
    # From the top of the plot down to the limit line: the band the count is in when over it.
    height = round(chart.limit_y - top, 1)
    out = [
        f'<rect x="{x}" y="{top}" width="{w}" height="{height}" fill="#f8d7da" class="over"/>'
        for x, w in chart.over
    ]
    label_x = left - 6
    for t in chart.y_ticks:
        out.append(
            f'\n<line x1="{left}" x2="{right}" y1="{t.pos}" y2="{t.pos}" stroke="#dee2e6"/>'
            f'\n<text x="{label_x}" y="{t.pos}" text-anchor="end" dominant-baseline="middle"'
            f' fill="#495057">{t.label}</text>'
        )
    label_y = bottom + 16
    for t in chart.x_ticks:
        out.append(
            f'\n<line x1="{t.pos}" x2="{t.pos}" y1="{top}" y2="{bottom}" stroke="#f1f3f5"/>'
            f'\n<text x="{t.pos}" y="{label_y}" text-anchor="middle" fill="#495057">'
            f"{escape(month(t.label))}</text>"
        )
    return mark_safe("".join(out))  # noqa: S308 (numbers, and the month names escaped)


@register.simple_tag
def chart_month_rows(chart: Chart) -> SafeString:
    """The ``<tr>`` of each month of the chart's table: its highest count and the day of it."""
    month = day_writer("YEAR_MONTH_FORMAT")
    day = day_writer("DATE_FORMAT")
    count = _count_writer()
    over_word = f' <span class="visually-hidden">{escape(gettext("(over the limit)"))}</span>'
    out = [
        f"<tr{DANGER if m.over else ''}><td>{escape(month(m.month))}</td>"
        f"<td>{count(m.highest)}{over_word if m.over else ''}</td>"
        f"<td>{escape(day(m.on))}</td></tr>\n"
        for m in chart.months
    ]
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


@register.simple_tag
def stay_rows(rows: Iterable[dict[str, Any]], own: bool) -> SafeString:
    """The ``<tr>`` of each row of the record of stays (see ``views._status_context``), with the
    edit and delete buttons when the page is the person's own; a line saying there is none
    when there are no rows."""
    entry_label = escape(gettext("Entry"))
    exit_label = escape(gettext("Exit"))
    days_label = escape(gettext("Days"))
    note_attr = f' data-label="{escape(gettext("Note"))}"'
    still_here = f"<em>{escape(gettext('still here'))}</em>"
    violation = f' <span class="badge text-bg-danger">{escape(gettext("violation"))}</span>'
    edit_label = escape(gettext("Edit"))
    delete_label = escape(gettext("Delete"))
    count = _count_writer()
    out = []
    for row in rows:
        c = row["crossing"]
        entry = escape(row["entry"])
        actions = ""
        if own:
            actions = (
                '<td class="text-end text-nowrap">'
                f'<a class="btn btn-sm btn-outline-secondary" href="{escape(row["edit_url"])}">'
                f'{edit_label}<span class="visually-hidden"> {entry}</span></a>\n'
                f'<a class="btn btn-sm btn-outline-danger" href="{escape(row["delete_url"])}">'
                f'{delete_label}<span class="visually-hidden"> {entry}</span></a>'
                "</td>"
            )
        marked = row["marked"]
        note = c.note
        out.append(
            f"<tr{DANGER if marked else ''}>"
            f'<td data-label="{entry_label}">{entry}</td>'
            f'<td data-label="{exit_label}">{escape(row["exit"]) if c.exit else still_here}</td>'
            f'<td data-label="{days_label}">{count(row["days"])}{violation if marked else ""}</td>'
            f"<td{note_attr if note else ''}>{escape(note)}</td>"
            f"{actions}</tr>\n"
        )
    if not out:
        empty = escape(gettext("No stays recorded yet."))
        out.append(f'<tr><td colspan="{5 if own else 4}">{empty}</td></tr>\n')
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)
