"""The daily scan: every person without a valid permit who has crossings, in one streaming pass.

Crossings are read once, ordered by person, through a server-side cursor, so memory holds one
batch of statuses and never the whole table. The stored statuses are read beside them in the
same order (a merge of two ordered streams), and a status is written (bulk upsert) only when it
changed: on a day when nothing happened to most people, the scan writes almost nothing. The
statuses of people no longer assessed are removed. Most people are assessed without the rules
engine (``services.current_assessment_of``: nothing current can be found). The only other
writes are notifications, and only for new events:

* the must-leave-by date of someone in the country is 14, then 7 days away (the smallest
  threshold reached: a missed day still warns once);
* a violation appears (one still inside the current rolling period: the status is that of
  today, see ``services.current_assessment``; older ones are history shown on the person's
  page, not news).

Each event is told once to the person and to the confirmed users of their actively
sponsoring employer: its ``event_key`` is remembered by the notification outbox.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db import transaction
from django.urls import reverse

from permits.models import Permit
from permits.validity import last_valid_day
from portal.accounts.models import User
from portal.core import clock
from portal.notifications.models import Notification
from portal.notifications.outbox import notify_many
from portal.organisations import webhooks
from portal.organisations.employers import employer_users_told

from . import rules, services
from .models import CountryRule, Crossing, StayStatus

log = logging.getLogger(__name__)

WARNING_DAYS = (14, 7)


@dataclass(frozen=True)
class Event:
    """Something to tell a person (and their employer) once."""

    person_id: int
    key: str  # unique per event; each recipient's key adds ":<user id>"
    kind: str  # "warning" or "violation"
    context: dict[str, Any]


@dataclass
class ScanResult:
    on: date
    stays: int = 0  # crossings read
    people: int = 0  # people assessed (each has a status, written only when it changed)
    skipped: int = 0  # people with crossings but no limits, or a valid permit today
    notifications: int = 0
    removed: int = 0  # statuses of people no longer scanned
    written: int = 0  # statuses inserted or updated (unchanged ones are not written)
    seconds: float = 0.0
    events: int = 0  # warnings and recent violations found (told or told before)


def events_for(person_id: int, a: rules.Assessment, limits: rules.Limits) -> list[Event]:
    """The events an assessment holds today (whether or not they were told before)."""
    events: list[Event] = []
    on = a.on
    if a.in_country and a.latest_exit_date is not None:
        days = (a.latest_exit_date - on).days
        reached = [t for t in WARNING_DAYS if 0 <= days <= t]
        if reached:
            threshold = min(reached)
            events.append(
                Event(
                    person_id,
                    f"stays:warning:{person_id}:{a.latest_exit_date.isoformat()}:{threshold}",
                    "warning",
                    {"latest_exit_date": a.latest_exit_date, "days": days},
                )
            )
    recent = on - timedelta(days=limits.window - 1)
    for v in a.violations:
        if v.last_day >= recent:
            events.append(
                Event(
                    person_id,
                    f"stays:violation:{person_id}:{v.kind}:{v.first_day.isoformat()}",
                    "violation",
                    {"violation": v, "limits": limits},
                )
            )
    return events


def _permits(on: date) -> tuple[dict[int, list[rules.Period]], set[int]]:
    """Permit periods by person, and the people a permit covers on ``on``."""
    periods: dict[int, list[rules.Period]] = defaultdict(list)
    covered: set[int] = set()
    for person_id, start, until, revoked_on in Permit.objects.values_list(
        "application__applicant_id", "issue_date", "valid_until", "revoked_on"
    ).iterator(chunk_size=5000):
        end = last_valid_day(until, revoked_on)
        periods[person_id].append(rules.Period(start, end))
        if start <= on <= end:
            covered.add(person_id)
    return periods, covered


def _rows(chunk_size: int) -> Iterator[tuple[int, date, date | None]]:
    return (
        Crossing.objects.order_by("person_id", "entry")
        .values_list("person_id", "entry", "exit")
        .iterator(chunk_size=chunk_size)
    )


def read_floor(*, chunk_size: int = 20000) -> tuple[int, int, float]:
    """The least a scan must do: stream the crossings ordered by person through a server-side
    cursor and group them by person, nothing else. (stays, people, seconds)."""
    started = time.perf_counter()
    stays = people = 0
    rows = (
        Crossing.objects.order_by("person_id", "entry")
        .values_list("person_id", "entry", "exit")
        .iterator(chunk_size=chunk_size)
    )
    for _person_id, group in groupby(rows, key=itemgetter(0)):
        stays += len(list(group))
        people += 1
    return stays, people, time.perf_counter() - started


def daily_scan(
    *, on: date | None = None, batch_size: int = 5000, chunk_size: int = 20000
) -> ScanResult:
    """Assess everyone concerned on ``on`` (today), store statuses, notify new events."""
    started_clock = time.perf_counter()
    on = on or clock.today()
    started = clock.real_now()
    result = ScanResult(on=on)
    limits_by_country: dict[str, tuple[str, rules.Limits]] = {}
    shared: dict[rules.Limits, rules.Limits] = {}  # one object for equal limits
    for rule in CountryRule.objects.all():
        limits = rule.limits()
        if limits is not None:
            limits_by_country[str(rule.country)] = (rule.regime, shared.setdefault(limits, limits))
    periods, covered = _permits(on)
    # Read once: who is announced a changed status (rechecked by ``announce`` when one is).
    listening = webhooks.listeners()

    batch: list[tuple[Any, ...]] = []
    events: list[Event] = []
    stored = _People(chunk_size)
    assess, no_periods = services.current_assessment_of, ()
    unchanged = services.status_unchanged
    # The scan allocates millions of short-lived objects: keep the collector from walking
    # every long-lived object of the process again and again meanwhile.
    gc.freeze()
    try:
        for person_id, group in groupby(_rows(chunk_size), key=itemgetter(0)):
            pairs = [(entry, exit) for _, entry, exit in group]
            result.stays += len(pairs)
            citizenship, before = stored.take(person_id)
            regime_limits = limits_by_country.get(citizenship)
            if regime_limits is None or person_id in covered:
                result.skipped += 1
                if before is not None:
                    stored.gone.append(person_id)
                continue
            regime, limits = regime_limits
            a = assess(
                pairs,
                on,
                limits,
                exempt=periods.get(person_id, no_periods),
            )
            result.people += 1
            row = services.status_row(person_id, regime, limits, a, started)
            if before is None or not unchanged(row, before):
                batch.append(row)
            if a.violations or a.latest_exit_date is not None:
                events.extend(events_for(person_id, a, limits))
            if len(batch) >= batch_size or len(events) >= batch_size:
                _flush(batch, events, stored, result, listening)
                batch, events = [], []
        stored.finish()
        _flush(batch, events, stored, result, listening)
    finally:
        gc.unfreeze()
        stored.close()
    result.seconds = time.perf_counter() - started_clock
    log.info(
        "stay scan on %s: %d stays, %d people, %d statuses written, %d removed, "
        "%d notifications in %.1f s",
        on,
        result.stays,
        result.people,
        result.written,
        result.removed,
        result.notifications,
        result.seconds,
    )
    return result


class _People:
    """Each person's citizenship and stored status, read in person order beside the crossings
    (one stream: the users joined to their statuses): a merge of two ordered streams, so each
    person's row is at hand without a query, once per person rather than once per crossing as a
    join with the crossings would send it, and the statuses of people the scan no longer
    assesses (no crossings, no limits, a permit) are found."""

    def __init__(self, chunk_size: int) -> None:
        stored = [f"stay_status__{name}" for name in ("person_id", *services.STATUS_COMPARED, "on")]
        self._rows = (
            User.objects.order_by("pk")
            .values_list("pk", "citizenship", *stored)
            .iterator(chunk_size=chunk_size)
        )
        self._next = next(self._rows, None)
        self.gone: list[int] = []  # people whose status is to be removed

    def take(self, person_id: int) -> tuple[str, tuple[Any, ...] | None]:
        """The citizenship ("" if unknown) and the stored status (the person id, the
        ``STATUS_COMPARED`` values and ``on``; None when there is none) of ``person_id``;
        the statuses of people before it are gone."""
        row = self._next
        while row is not None and row[0] < person_id:
            if row[2] is not None:
                self.gone.append(row[0])
            row = next(self._rows, None)
        if row is not None and row[0] == person_id:
            self._next = next(self._rows, None)
            return row[1], (row[2:] if row[2] is not None else None)
        self._next = row
        return "", None

    def finish(self) -> None:
        """Every status after the last person with crossings is gone."""
        row = self._next
        while row is not None:
            if row[2] is not None:
                self.gone.append(row[0])
            row = next(self._rows, None)
        self._next = None

    def close(self) -> None:
        self._rows.close()  # the cursor, when the scan ends before the last person


def _flush(
    batch: list[tuple[Any, ...]],
    events: list[Event],
    stored: _People,
    result: ScanResult,
    listening: dict[int, int],
) -> None:
    """Write the statuses that changed, remove the gone ones, tell the new events (and the
    changed statuses of people whose organisation listens to its webhook: no query when none
    of them is)."""
    announced = [row for row in batch if row[0] in listening] if listening else []
    if announced:
        with transaction.atomic():
            webhooks.announce(services.status_events(announced))
    services.status_upsert(batch, copy=True)
    result.written += len(batch)
    if stored.gone:
        result.removed += StayStatus.objects.filter(person_id__in=stored.gone).delete()[0]
        stored.gone = []
    result.events += len(events)
    result.notifications += notify_events(events)


def notify_events(events: list[Event]) -> int:
    """Tell each event not told before; return how many notifications were written."""
    if not events:
        return 0
    told = set(
        Notification.objects.filter(
            event_key__in=[f"{e.key}:{e.person_id}" for e in events]
        ).values_list("event_key", flat=True)
    )
    new = [e for e in events if f"{e.key}:{e.person_id}" not in told]
    if not new:
        return 0
    recipients = _recipients({e.person_id for e in new})
    history = reverse("stays:history")
    items = []
    for event in new:
        person, employer_users = recipients.get(event.person_id, (None, []))
        if person is None:
            continue
        for user, for_employer in [(person, False), *((u, True) for u in employer_users)]:
            items.append(
                {
                    "recipient": user,
                    "kind": f"stays.{event.kind}",
                    "template": f"stay_{event.kind}",
                    "context": {**event.context, "person": person, "for_employer": for_employer},
                    "link": reverse("stays:person", args=[person.pk]) if for_employer else history,
                    "event_key": f"{event.key}:{user.pk}",
                }
            )
    # One transaction and one INSERT for the batch; e-mails are queued once it is committed.
    with transaction.atomic():
        return notify_many(items)


def _recipients(person_ids: set[int]) -> dict[int, tuple[User, list[User]]]:
    """Each person, and the employer's users told of their news
    (``portal.organisations.employers.employer_users_told``)."""
    people = User.objects.in_bulk(person_ids)
    told = employer_users_told(person_ids)
    return {pid: (person, told.get(pid, [])) for pid, person in people.items()}
