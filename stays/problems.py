"""Words for the engine's record problems (``rules.RecordProblem.code``), naming the field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from . import rules


def local_date(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def span(stay: rules.Stay, fmt: Callable[[date], str] = local_date) -> str:
    if stay.exit is None:
        return _("%(entry)s – still here") % {"entry": fmt(stay.entry)}
    return f"{fmt(stay.entry)} – {fmt(stay.exit)}"


def _bad_field(stay: rules.Stay, test: Callable[[date], bool]) -> str:
    return "entry" if test(stay.entry) else "exit"


def describe(
    problem: rules.RecordProblem,
    stays: Sequence[rules.Stay],
    *,
    subject: int,
    other_label: Callable[[int], str] | None = None,
    today: date | None = None,
    fmt: Callable[[date], str] = local_date,
) -> tuple[str | None, str]:
    """``(field or None, message)`` for ``problem`` as it concerns the stay ``stays[subject]``.

    ``other_label(i)`` names the other stay involved (its line in a file, say); by default
    it is named by its dates.
    """
    stay = stays[subject]
    code = problem.code
    if code == "exit_before_entry":
        return "exit", _("The exit date is before the entry date.")
    if code == "too_early":
        field = _bad_field(stay, lambda d: d < rules.FIRST_RECORD_DATE)
        return field, _("Enter a date on or after %(date)s.") % {
            "date": fmt(rules.FIRST_RECORD_DATE)
        }
    if code == "in_future":
        field = _bad_field(stay, lambda d: today is not None and d > today)
        if field == "exit":
            return field, _(
                "The exit date is in the future: record a crossing once it is made, and leave "
                "the exit empty while you are still in Kazakhstan."
            )
        return field, _("The entry date is in the future: record a crossing once it is made.")
    other_index = problem.other if problem.index == subject else problem.index
    if other_index is None:
        other = ""
    elif other_label is not None:
        other = other_label(other_index)
    else:
        other = _("the stay %(dates)s") % {"dates": span(stays[other_index], fmt)}
    if code == "duplicate":
        return None, _("This stay is already recorded: %(other)s.") % {"other": other}
    if code == "second_ongoing":
        return "exit", _(
            "Only one stay can be without an exit date, and %(other)s has none: record its "
            "exit first."
        ) % {"other": other}
    return None, _(
        "This stay overlaps %(other)s. Two stays may share only one day: a same-day exit and "
        "re-entry."
    ) % {"other": other}
