"""Addresses in templates without reversing the same one again and again:

- ``{% row_url "app:name" object.pk %}``: ``{% url %}`` for the rows of a table, the address
  reversed once per template render (``portal.core.links.url_pattern``) instead of once per row;
- ``{% fixed_url "app:name" %}``: ``{% url %}`` for an address without arguments (the
  navigation on every page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from portal.core.links import url_pattern

register = template.Library()


@register.simple_tag(takes_context=True)
def row_url(context: Any, name: str, pk: int) -> str:
    patterns = context.render_context.setdefault("row_url", {})
    pattern = patterns.get(name)
    if pattern is None:
        pattern = patterns[name] = url_pattern(name)
    return pattern(pk)


_FIXED: dict[tuple[str, str | None, str, object], str] = {}


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` for an address without arguments (the navigation's): reversed once per
    name, language, script prefix and URL configuration, the four things it depends on, instead
    of on every page."""
    key = (name, get_language(), get_script_prefix(), get_urlconf())
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = reverse(name)
    return url
