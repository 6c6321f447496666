"""``{% fast_result_list cl %}``: Django admin's ``{% result_list cl %}`` with the rows written by
``portal.core.admin_rows`` (same markup, each column worked out once per page), and
``{% fast_list_filter cl spec %}``: its ``{% admin_list_filter cl spec %}`` with Django's
``admin/filter.html`` written here (the same markup: the template's loop over the queue's
hundred filter links cost more than the links)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from django import template
from django.contrib import admin as admin_app
from django.contrib.admin.templatetags.admin_list import (
    admin_list_filter,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.views.main import ChangeList
from django.template.loader import get_template
from django.utils import formats, timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

from portal.core import admin_rows

register = template.Library()

DJANGOS_FILTER = Path(admin_app.__file__).parent / "templates" / "admin" / "filter.html"


@register.inclusion_tag("admin/fast_change_list_results.html")
def fast_result_list(cl: ChangeList) -> dict[str, Any]:
    headers = list(result_headers(cl))
    rows = admin_rows.rows(cl)
    markup = None
    if not any(row.form for row in rows):
        # What the template's loop writes for rows without forms, each row one item.
        markup = mark_safe(  # noqa: S308 (the cells are escaped by admin_rows)
            "".join(f"\n\n<tr>{''.join(row)}</tr>\n" for row in rows)
        )
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
        "rows_markup": markup,
    }


def _shown(value: Any) -> str:
    """``{{ value }}`` as a template writes it (``render_value_in_context``)."""
    if type(value) is str:
        return html.escape(value)
    value = formats.localize(timezone.template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return str(conditional_escape(value))


def _href(query_string: Any) -> str:
    """``{{ query_string|iriencode }}``."""
    encoded = iri_to_uri(str(query_string))
    return encoded if isinstance(query_string, SafeData) else html.escape(encoded)


@register.simple_tag
def fast_list_filter(cl: ChangeList, spec: Any) -> str:
    if spec.template != "admin/filter.html":  # a filter with a template of its own
        return admin_list_filter(cl, spec)
    origin = getattr(get_template(spec.template), "origin", None)
    if origin is None or Path(origin.name) != DJANGOS_FILTER:  # the project overrides it
        return admin_list_filter(cl, spec)
    title = _shown(spec.title)
    try:
        by = gettext(" By %(filter_title)s ") % {"filter_title": title}
    except (KeyError, ValueError):  # a translation that would not fit: the template's way
        return admin_list_filter(cl, spec)
    out = [
        f'\n<details data-filter-title="{title}" open>\n'
        f"  <summary>\n    {by}\n  </summary>\n  <ul>\n  "
    ]
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice.get("selected") else ""
        out.append(
            f"\n    <li{selected}>\n"
            f'    <a href="{_href(choice.get("query_string", ""))}">'
            f"{_shown(choice.get('display', ''))}</a></li>\n  "
        )
    out.append("\n  </ul>\n</details>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)
