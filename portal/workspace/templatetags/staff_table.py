"""The employer's staff table and needs-attention lists, written row by row in Python.

Through the template engine each of the table's ten cells cost a variable lookup, a filter or
an ``if`` per row, about 160 µs a row (a third of the dashboard's CPU time); here a row is a few
string joins, with the words and the date format worked out once per page. The markup is the
one the template wrote: ``tests/portal/test_staff_table.py`` renders rows both ways in kk, ru
and en and compares them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from portal.core.dates import day_writer
from portal.core.links import url_pattern
from portal.core.markup import csrf_input, escape

register = template.Library()


DASH = "—"


@register.simple_tag(takes_context=True)
def staff_table_rows(context: Any, rows: Iterable[Any]) -> SafeString:
    """The ``<tr>`` of each ``staff.StaffRow`` (with ``person_url`` and ``end_url`` set)."""
    short = day_writer("SHORT_DATE_FORMAT")
    submitted_word = escape(gettext("submitted"))
    decided_word = escape(gettext("decided"))
    valid_until_word = escape(gettext("valid until"))
    end_label = escape(gettext("End sponsorship"))
    csrf = csrf_input(context)
    out = []
    for r in rows:
        if r.app_status:
            dates = ""
            if r.submitted_on:
                dates = f"{submitted_word} {short(r.submitted_on)}"
            if r.decided_on:
                dates += f", {decided_word} {short(r.decided_on)}"
            application = (
                f"{escape(r.app_number)}<br>{escape(r.status_label)}<br><small>{dates}</small>"
            )
        else:
            application = DASH
        if r.permit_number:
            permit = (
                f"{escape(r.permit_number)}<br><small>{valid_until_word} "
                f"{short(r.permit_until)}</small>"
            )
        else:
            permit = DASH
        violations = (
            f'<span class="badge bg-danger">{localize(r.violations)}</span>'
            if r.violations
            else "0"
        )
        out.append(
            "<tr>"
            f'<td><a href="{escape(r.person_url)}">{escape(r.name)}</a><br>'
            f'<small class="text-body-secondary">{escape(r.email)}</small></td>'
            f"<td>{escape(r.citizenship_name)}</td>"
            f"<td>{escape(r.profession) if r.profession else DASH}</td>"
            f"<td>{application}</td>"
            f"<td>{permit}</td>"
            f"<td>{short(r.passport_expiry) or DASH}</td>"
            f"<td>{localize(r.days_left) if r.has_status else DASH}</td>"
            f"<td>{short(r.must_leave_by) or DASH}</td>"
            f"<td>{violations}</td>"
            f'<td><form method="post" action="{escape(r.end_url)}">{csrf}'
            f'<button class="btn btn-sm btn-outline-danger">{end_label}</button></form></td>'
            "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


# kind -> what the list shows after the name
_SHOWN = {
    "permit_expiring": lambda r, long: long(r.permit_until),
    "passport_before_permit": lambda r, long: long(r.passport_expiry),
    "must_leave": lambda r, long: long(r.latest_exit_date),
    "violations": lambda r, long: localize(r.violations),
}


def _attention_items(kind: str, rows: Iterable[Any], long: Any) -> str:
    """The ``<li>`` of a needs-attention list: the name, and the date or count that matters."""
    shown = _SHOWN.get(kind)
    return "".join(
        f"<li>{escape(r.name)}{': ' + escape(shown(r, long)) if shown else ''}</li>" for r in rows
    )


@register.simple_tag
def attention_cards(blocks: Iterable[dict[str, Any]]) -> SafeString:
    """A card per kind of attention (``kind``, ``label``, ``rows`` shown, ``count``, ``more``):
    its count, the first people and their date or count, and a link to all of them."""
    long = day_writer("DATE_FORMAT")
    none = escape(gettext("None."))
    see_all = escape(gettext("See all"))
    cards = []
    for block in blocks:
        rows = block["rows"]
        kind = escape(block["kind"])
        items = _attention_items(block["kind"], rows, long) if rows else f"<li>{none}</li>"
        more = f'<a href="?attention={kind}">{see_all}</a>' if block["more"] else ""
        cards.append(
            f'<div class="col-md-6 col-xl-3"><div class="card h-100'
            f'{" border-warning" if rows else ""}"><div class="card-body">'
            f'<h3 class="h6">{escape(block["label"])} <span class="badge '
            f'{"bg-warning text-dark" if rows else "bg-secondary"}">'
            f"{escape(localize(block['count']))}</span></h3>"
            f'<ul class="list-unstyled small mb-0">{items}</ul>{more}</div></div></div>'
        )
    return mark_safe("".join(cards))  # noqa: S308 (every value escaped above)


@register.simple_tag
def state_counts(counts: Iterable[tuple[str | None, str, int]]) -> SafeString:
    """A link per application state (None: no application) with how many people are in it."""
    items = [
        f'<li class="list-inline-item"><a class="btn btn-outline-primary btn-sm" '
        f'href="?status={escape(status or "none")}">{escape(label)} '
        f"(<strong>{escape(localize(n))}</strong>)</a></li>"
        for status, label, n in counts
    ]
    if not items:
        items.append(
            f'<li class="list-inline-item">{escape(gettext("You sponsor no one yet."))}</li>'
        )
    # Inline items: the white space between them is part of the gap the reader sees.
    return mark_safe("\n".join(items))  # noqa: S308 (every value escaped above)


@register.simple_tag(takes_context=True)
def invitation_items(context: Any, invitations: Iterable[Any]) -> SafeString:
    """The ``<li>`` of each invitation sent (a ``Sponsorship`` with its ``email`` and
    ``created_at``): the address, the day it was sent in Almaty, and the form that withdraws it.
    In the template each cost a lookup, a translation, a URL and a date filter, about a twentieth
    of the dashboard for a dozen invitations."""
    short = day_writer("SHORT_DATE_FORMAT")
    invited = escape(gettext("invited"))
    withdraw = escape(gettext("Withdraw"))
    end_url = url_pattern("portal:sponsorship_end")
    csrf = csrf_input(context)
    items = [
        f"<li>{escape(inv.email)} · {invited} {short(localtime(inv.created_at).date())} "
        f'<form class="d-inline" method="post" action="{escape(end_url(inv.pk))}">{csrf}'
        f'<button class="btn btn-link btn-sm p-0">{withdraw}</button></form></li>'
        for inv in invitations
    ]
    return mark_safe("".join(items))  # noqa: S308 (every value escaped above)


@register.simple_tag
def staff_table_head(table: Any, columns: Iterable[tuple[str, str]]) -> SafeString:
    """The ``<th>`` of the table's columns (``(sort key or "", label)``): a column that sorts
    links to the same filters sorted by it (the other way round if it is the current order), and
    the current one says its direction (``aria-sort``) and shows an arrow."""
    filters = "".join(
        f"{escape(key)}={escape(quote(str(value), safe='/'))}&amp;"
        for key, value in table.filters.items()
    )
    cells = []
    for key, label in columns:
        current = key and table.sort == key
        aria = ""
        if current:
            aria = f' aria-sort="{"descending" if table.descending else "ascending"}"'
        if key:
            order = "-" if current and not table.descending else ""
            arrow = (" ▼" if table.descending else " ▲") if current else ""
            cells.append(
                f'<th scope="col"{aria}><a href="?{filters}sort={order}{escape(key)}">'
                f"{escape(label)}{arrow}</a></th>"
            )
        else:
            cells.append(f'<th scope="col"{aria}>{escape(label)}</th>')
    return mark_safe("".join(cells))  # noqa: S308 (every value escaped above)


@register.simple_tag
def choice_options(choices: Iterable[tuple[str, str]], selected: str | None) -> SafeString:
    """The ``<option>`` of each ``(value, label)``, the one equal to ``selected`` selected."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )
