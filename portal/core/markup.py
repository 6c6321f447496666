"""Pieces of markup for the template tags that write HTML in Python (the staff table, the page
header): what the template engine would write, without its per-value machinery."""

from __future__ import annotations

import html
from typing import Any


def escape(value: Any) -> str:
    """What Django's ``escape`` writes, without its lazy-text wrapper: every value is escaped,
    whatever it is."""
    return html.escape(str(value))


def csrf_input(context: Any) -> str:
    """What ``{% csrf_token %}`` writes for ``context``, worked out once for a list of forms."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
