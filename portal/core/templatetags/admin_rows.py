"""``{% fast_result_list cl %}``: Django admin's ``{% result_list cl %}`` with the rows written by
``portal.core.admin_rows`` (same markup, each column worked out once per page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_hidden_fields
from django.contrib.admin.views.main import ChangeList

from portal.core import admin_rows

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def fast_result_list(cl: ChangeList) -> dict[str, Any]:
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": admin_rows.rows(cl),
    }
