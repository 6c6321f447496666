"""Addresses in templates without reversing the same one again and again:

- ``{% row_url "app:name" object.pk %}``: ``{% url %}`` for the rows of a table, the address
  reversed once per template render (``portal.core.links.url_pattern``) instead of once per row;
- ``{% fixed_url "app:name" %}``: ``{% url %}`` for an address without arguments (the
  navigation on every page)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
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


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` for an address without arguments (the navigation's): reversed once per
    name, language, script prefix and URL configuration, the four things it depends on, instead
    of on every page."""
    return _reversed(name, get_language(), get_script_prefix(), get_urlconf())


@lru_cache(maxsize=512)  # bounded: the script prefix comes from the server's environment
def _reversed(name: str, language: str | None, prefix: str, urlconf: object) -> str:
    return reverse(name)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    """A changed URL configuration (tests' ``override_settings``) reverses again."""
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
