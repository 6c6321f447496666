"""Working days in Kazakhstan. Plain Python: no Django imports.

A day is a working day unless it is a Saturday or a Sunday or a day off; a day in ``working``
(a working Saturday, or a holiday the government moved) is a working day whatever its weekday.
The days themselves are data (``arrivals.calendar`` builds them from the ``holidays`` library and
the corrections ministry staff keep); this module only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WEEKEND = frozenset({5, 6})  # Saturday, Sunday


@dataclass(frozen=True)
class Calendar:
    days_off: frozenset[date] = frozenset()  # public holidays and moved days off
    working: frozenset[date] = frozenset()  # working weekend days; they win over ``days_off``

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        if day in self.working:
            return True
        return day not in self.days_off and day.weekday() not in WEEKEND


def next_working_day(day: date, calendar: Calendar) -> date:
    """The first working day after ``day``."""
    day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, n: int, calendar: Calendar) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself not counted); ``day`` for 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    for _ in range(n):
        day = next_working_day(day, calendar)
    return day
