"""``{% unread_count as n %}``: the signed-in person's unread notifications, for the navigation."""

from __future__ import annotations

from typing import Any

from django import template

from portal.notifications.outbox import unread_count as _unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context: dict[str, Any]) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return _unread_count(user)
