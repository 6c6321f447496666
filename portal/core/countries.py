"""Country names in the reader's language, worked out once per language and country.

django-countries translates a name through a chain of fallbacks (about eight ``gettext`` calls)
each time it is read; lists of fifty people read it fifty times. The names are fixed for the
life of the process (the catalogues are compiled files), so each is worked out once.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language
from django_countries import countries


def country_name(code: str) -> str:
    """The name of the country ``code`` in the active language ("" for no or an unknown code)."""
    return _name(get_language() or "", str(code or "").upper())


@lru_cache(maxsize=4096)
def _name(language: str, code: str) -> str:

    return str(countries.name(code)) if code else ""
