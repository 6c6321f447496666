"""Kazakhstan's working-day calendar: the ``holidays`` library's public holidays, moved days off
and working weekend days, corrected by ministry staff (``WorkingDayChange``). The one home of
"the deadline of an arrival"."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from .models import WorkingDayChange
from .workdays import Calendar, add_working_days, next_working_day

COUNTRY = "KZ"
# The host must notify the migration service within 3 working days of arrival (DOMAIN.md).
REGISTRATION_WORKING_DAYS = 3
# How far past a day the calendar is built: more than enough for 3 working days after any day.
SPAN = timedelta(days=40)


@lru_cache(maxsize=64)
def _library_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The library's days off and working weekend days of one year (it does not change while
    the process runs; staff corrections are read each time)."""
    days = holidays.country_holidays(COUNTRY, years=year)
    return frozenset(days.keys()), frozenset(getattr(days, "weekend_workdays", ()))


def calendar_between(start: date, end: date) -> Calendar:
    """The calendar from ``start`` to ``end`` (one query for the staff's corrections)."""
    days_off: set[date] = set()
    working: set[date] = set()
    for year in range(start.year, end.year + 1):
        off, work = _library_days(year)
        days_off |= off
        working |= work
    for day, kind in WorkingDayChange.objects.filter(day__gte=start, day__lte=end).values_list(
        "day", "kind"
    ):
        if kind == WorkingDayChange.Kind.DAY_OFF:
            days_off.add(day)
            working.discard(day)
        else:
            working.add(day)
            days_off.discard(day)
    return Calendar(days_off=frozenset(days_off), working=frozenset(working))


def calendar_around(day: date) -> Calendar:
    """A calendar that covers the working days counted from ``day`` (and a little before)."""
    return calendar_between(day - SPAN, day + SPAN)


def registration_deadline(arrival: date, calendar: Calendar | None = None) -> date:
    """The last day to notify the migration service of an arrival on ``arrival``."""
    calendar = calendar or calendar_around(arrival)
    return add_working_days(arrival, REGISTRATION_WORKING_DAYS, calendar)


def next_working_day_after(day: date, calendar: Calendar | None = None) -> date:
    """The first working day after ``day``."""
    return next_working_day(day, calendar or calendar_around(day))
