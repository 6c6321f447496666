"""Country names in the reader's language, and lists of them in the reader's alphabetical order.

The names come from django-countries, translated by the project's catalogue (Kazakh and Russian
from the Unicode CLDR: ``portal/core/country_names.py`` keeps them in the catalogue).

django-countries translates a name through a chain of fallbacks (about eight ``gettext`` calls)
each time it is read; lists of fifty people read it fifty times. The names are fixed for the
life of the process (the catalogues are compiled files), so each is worked out once.

django-countries sorts its choices with a key that keeps only the ASCII letters of a name (it
would use pyuca's default collation if installed), so every Cyrillic name sorted as "" and the
Kazakh and Russian lists came in English order. ``sort_key`` orders by the alphabet of the active
language; ``PortalConfig.ready`` hands it to django-countries.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

# The alphabets, in their official order. Kazakh puts its own letters after their nearest
# Russian letter (Ә after А, Ғ after Г, ...) and І after Ы; Ё is a letter of its own after Е.
ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def country_name(code: str) -> str:
    """The name of the country ``code`` in the active language ("" for no or an unknown code)."""
    return _name(get_language() or "", str(code or "").upper())


@lru_cache(maxsize=4096)
def _name(language: str, code: str) -> str:
    return str(countries.name(code)) if code else ""


def collation_key(text: str, language: str | None = None) -> tuple[tuple[int, int], ...]:
    """A sort key for ``text`` in the alphabetical order of ``language`` (default: the active one).

    Letters of the language's alphabet come in its order, Latin letters (accents ignored) after
    them, digits before all letters and spaces and punctuation first, as in a dictionary.
    """
    return _collation_key(text, ALPHABETS.get((language or get_language() or "").split("-")[0], ""))


@lru_cache(maxsize=4096)
def _collation_key(text: str, alphabet: str) -> tuple[tuple[int, int], ...]:
    # A function of its two strings alone; the texts sorted are country names, a fixed set,
    # and the queue's citizenship filter sorts a few dozen of them on each page.
    key = []
    for char in text.casefold():
        rank = alphabet.find(char)
        if rank >= 0:
            key.append((3, rank))
            continue
        base = unicodedata.normalize("NFKD", char)[:1] or char
        if base.isalpha():
            key.append((4, ord(base)))
        elif base.isdigit():
            key.append((2, ord(base)))
        elif base.isspace():
            key.append((0, 0))
        else:
            key.append((1, ord(base)))
    return tuple(key)


def sort_key(item: Any) -> tuple[tuple[int, int], ...]:
    """django-countries' sort key for a ``(code, name)`` pair, in the active language's order."""
    return collation_key(str(item[1]))


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
