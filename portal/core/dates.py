"""A day written in the reader's language as Django's ``date`` filter writes it, with the format
worked out once instead of once per date.

``formats.date_format(day, "SHORT_DATE_FORMAT")`` looks the format up and builds a formatter
for every date; a table of a few hundred dates pays that a few hundred times. ``day_writer``
reads the format once (for the active language) and returns a function that fills it in: the
day, month and year as numbers, the month names (read once per language from Django's own
catalogue, so "желтоқсан", "декабря", "December" are Django's words), and any other format
character through Django's own ``dateformat``. ``tests/portal/test_dates.py`` compares it with
the filter for every day of two years in each language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

from django.utils import dateformat, formats, translation

# Format characters filled from the day's numbers (as ``django.utils.dateformat`` fills them).
_NUMBERS: dict[str, Callable[[date], str]] = {
    "d": lambda day: f"{day.day:02d}",
    "j": lambda day: str(day.day),
    "m": lambda day: f"{day.month:02d}",
    "n": lambda day: str(day.month),
    "Y": lambda day: f"{day.year:04d}",
    "y": lambda day: f"{day.year % 100:02d}",
}
# Format characters that are a month's name: read once for the twelve months.
_MONTH_NAMES = "bEFMN"
# Every character Django's ``dateformat`` reads as a format (``re_formatchars``); the rest are
# written as they are.
_FORMAT_CHARS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")


def day_writer(format_name: str = "SHORT_DATE_FORMAT") -> Callable[[date | None], str]:
    """A function writing a day as ``{{ day|date:format_name }}`` does in the active language
    ("" for None, as the filter does)."""
    fmt = formats.get_format(format_name)
    text: list[str] = []  # the format for ``str.format``: the literal text and a field per value
    values: list[Callable[[date], str]] = []
    escaped = False
    for char in fmt:
        if escaped or (char not in _FORMAT_CHARS and char != "\\"):
            escaped = False
            text.append(char.replace("{", "{{").replace("}", "}}"))
        elif char == "\\":
            escaped = True
        elif char in _NUMBERS:
            text.append("{}")
            values.append(_NUMBERS[char])
        elif char in _MONTH_NAMES:
            text.append("{}")
            names = _month_names(translation.get_language(), char)
            values.append(lambda day, names=names: names[day.month - 1])  # type: ignore[misc]
        else:  # a weekday, a week number…: Django's own, date by date
            return lambda day: "" if day is None else dateformat.format(day, fmt)
    template = "".join(text)

    def write(day: date | None) -> str:
        if day is None:
            return ""
        return template.format(*[value(day) for value in values])

    return write


@lru_cache(maxsize=64)
def _month_names(language: str | None, char: str) -> tuple[str, ...]:
    """The twelve months' names for the format character ``char`` in ``language`` (the active
    one), as Django's ``dateformat`` writes them: read once per language, not per page (each
    costs a formatter and a catalogue lookup), like Django's own cache of formats."""
    return tuple(dateformat.format(date(2000, m, 1), char) for m in range(1, 13))
