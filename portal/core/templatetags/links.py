"""``{% row_url "app:name" object.pk %}``: ``{% url %}`` for the rows of a table, the address
reversed once per template render (``portal.core.links.url_pattern``) instead of once per row."""

from __future__ import annotations

from typing import Any

from django import template

from portal.core.links import url_pattern

register = template.Library()


@register.simple_tag(takes_context=True)
def row_url(context: Any, name: str, pk: int) -> str:
    patterns = context.render_context.setdefault("row_url", {})
    pattern = patterns.get(name)
    if pattern is None:
        pattern = patterns[name] = url_pattern(name)
    return pattern(pk)
