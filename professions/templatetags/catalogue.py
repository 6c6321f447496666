"""The catalogue's route badge: one tag instead of an included template per row (an include
costs the engine a new context and template lookup each time; the catalogue shows 30 rows)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def route_badge(profession: object) -> SafeString:
    """Whether ``profession`` is on the list (facilitated route), withdrawn from it, or not on it
    (standard route)."""
    if getattr(profession, "is_listed", False):
        return format_html(
            '<span class="badge text-bg-success status-badge">{}</span>',
            gettext("On the list: facilitated route"),
        )
    if getattr(profession, "withdrawn_order_number", ""):
        label = gettext("Withdrawn: standard route")
    else:
        label = gettext("Not on the list: standard route")
    return format_html('<span class="badge text-bg-secondary status-badge">{}</span>', label)
