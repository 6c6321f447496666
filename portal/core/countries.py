"""Country names in the reader's language, worked out once per language and country.

django-countries translates a name through a chain of fallbacks (about eight ``gettext`` calls)
each time it is read; lists of fifty people read it fifty times. The names are fixed for the
life of the process (the catalogues are compiled files), so each is worked out once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries


def country_name(code: str) -> str:
    """The name of the country ``code`` in the active language ("" for no or an unknown code)."""
    return _name(get_language() or "", str(code or "").upper())


@lru_cache(maxsize=4096)
def _name(language: str, code: str) -> str:

    return str(countries.name(code)) if code else ""


# Citizens of Kazakhstan need no residence permit, and the stay limits are not theirs.
HOME_COUNTRY = "KZ"


def foreign_citizenship(field: Any) -> None:
    """Make ``field`` (a citizenship choice) a foreign professional's: every country but
    Kazakhstan, and, if Kazakhstan is sent anyway, a message that says why it is not taken."""
    field.choices = [(code, name) for code, name in field.choices if code != HOME_COUNTRY]
    field.error_messages["invalid_choice"] = _(
        "Choose your citizenship from the list. Kazakhstan is not on it: its citizens need no "
        "residence permit."
    )
