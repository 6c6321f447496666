"""The portal's one clock: today and now in Asia/Almaty (``TIME_ZONE``).

Every app and test asks this module, never ``timezone.now()``, ``timezone.localdate()``,
``date.today()`` or ``datetime.now()`` directly (``tests/test_structure.py`` holds the code to
this), so a test moves the business's time for all of them at once with ``frozen(...)`` (the
``today`` fixture of ``tests/conftest.py``).

Two kinds of time:
- ``today()`` and ``now()``: the business's time, what a rule or a person reads (deadlines,
  expiries, decisions, the day a stay is counted on). Frozen by ``frozen(...)``.
- ``real_now()``: the machine's time, for what measures elapsed seconds next to timestamps the
  database stamps itself (``auto_now_add``): login-throttle windows, the outbox's claims and
  sweeps, heartbeats, when a file or a status row was computed. Never frozen: a test that
  freezes the date must not stop the outbox or the throttle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from django.utils import timezone

_frozen: date | None = None


def today() -> date:
    """Today's date in Almaty."""
    return _frozen if _frozen is not None else timezone.localdate()


def now() -> datetime:
    """This moment (aware). When the date is frozen, noon of that day in Almaty."""
    if _frozen is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(_frozen, time(12)))


def real_now() -> datetime:
    """This moment as the machine counts it (aware, UTC); never frozen (see above)."""
    return timezone.now()


@contextmanager
def frozen(on: date) -> Iterator[date]:
    """Make ``today()`` answer ``on`` (for tests and the benchmark's fixed dates)."""
    global _frozen
    saved, _frozen = _frozen, on
    try:
        yield on
    finally:
        _frozen = saved


def day_of(moment: datetime) -> date:
    """The date in Almaty of an aware moment: a person submitting at 00:30 in Almaty does so on
    that day, not on the day before as in UTC."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def start_of(day: date) -> datetime:
    """The first moment of ``day`` in Almaty (aware), to compare stored moments with a day."""
    return timezone.make_aware(datetime.combine(day, time(0)), timezone.get_default_timezone())
