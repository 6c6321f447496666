"""The daily scan: every person without a valid permit who has crossings, in one streaming pass.

Crossings are read once, ordered by person, through a server-side cursor, so memory holds one
batch of statuses and never the whole table. Statuses are stored with bulk upserts; the only
other writes are notifications, and only for new events:

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
from django.utils import timezone

from permits.models import Permit
from permits.validity import last_valid_day
from portal import clock
from portal.access import organisation_users
from portal.models import Notification, Sponsorship, User
from portal.notifications import notify_many

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
    people: int = 0  # people assessed (and statuses stored)
    skipped: int = 0  # people with crossings but no limits, or a valid permit today
    notifications: int = 0
    removed: int = 0  # statuses of people no longer scanned
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


def _rows(chunk_size: int) -> Iterator[tuple[int, date, date | None, str]]:
    return (
        Crossing.objects.order_by("person_id", "entry")
        .values_list("person_id", "entry", "exit", "person__citizenship")
        .iterator(chunk_size=chunk_size)
    )


def daily_scan(
    *, on: date | None = None, batch_size: int = 5000, chunk_size: int = 20000
) -> ScanResult:
    """Assess everyone concerned on ``on`` (today), store statuses, notify new events."""
    started_clock = time.perf_counter()
    on = on or clock.today()
    started = timezone.now()
    result = ScanResult(on=on)
    limits_by_country: dict[str, tuple[str, rules.Limits]] = {}
    for rule in CountryRule.objects.all():
        limits = rule.limits()
        if limits is not None:
            limits_by_country[str(rule.country)] = (rule.regime, limits)
    periods, covered = _permits(on)

    batch: list[tuple[Any, ...]] = []
    events: list[Event] = []
    assess, no_periods = services.current_assessment_of, ()
    # The scan allocates millions of short-lived objects: keep the collector from walking
    # every long-lived object of the process again and again meanwhile.
    gc.freeze()
    try:
        for person_id, group in groupby(_rows(chunk_size), key=itemgetter(0)):
            rows = list(group)
            result.stays += len(rows)
            regime_limits = limits_by_country.get(rows[0][3])
            if regime_limits is None or person_id in covered:
                result.skipped += 1
                continue
            regime, limits = regime_limits
            a = assess(
                [row[1:3] for row in rows],
                on,
                limits,
                exempt=periods.get(person_id, no_periods),
            )
            batch.append(services.status_row(person_id, regime, limits, a, started))
            if a.violations or a.latest_exit_date is not None:
                events.extend(events_for(person_id, a, limits))
            if len(batch) >= batch_size:
                _flush(batch, events, result)
                batch, events = [], []
        _flush(batch, events, result)
    finally:
        gc.unfreeze()
    result.removed, _ = StayStatus.objects.filter(updated_at__lt=started).delete()
    result.seconds = time.perf_counter() - started_clock
    log.info(
        "stay scan on %s: %d stays, %d people, %d notifications in %.1f s",
        on,
        result.stays,
        result.people,
        result.notifications,
        result.seconds,
    )
    return result


def _flush(batch: list[tuple[Any, ...]], events: list[Event], result: ScanResult) -> None:
    services.status_upsert(batch)
    result.people += len(batch)
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
    """Each person, and the users who see the employer that actively sponsors them (confirmed
    members of a verified organisation: ``portal.access.organisation_users``)."""
    people = User.objects.in_bulk(person_ids)
    sponsor_of = dict(
        Sponsorship.objects.filter(
            person_id__in=person_ids, status=Sponsorship.Status.ACTIVE
        ).values_list("person_id", "employer_id")
    )
    staff: dict[int, list[User]] = defaultdict(list)
    for user in organisation_users(set(sponsor_of.values())).order_by("pk"):
        staff[user.employer_id].append(user)
    return {pid: (person, staff.get(sponsor_of.get(pid, -1), [])) for pid, person in people.items()}
