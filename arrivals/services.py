"""Arrival registrations: opened when an entry is recorded, recorded by the organisation.

``registrations_sync`` is the hook ``stays.services.record_changed`` calls after every change to
a person's crossings (typed by the person, imported from CSV by the person or the employer,
corrected or deleted), so every path opens, moves or closes registrations the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.clock import now, today
from portal.organisations.employers import sponsor_of
from portal.organisations.models import Sponsorship

from . import calendar
from .models import ArrivalRegistration

State = ArrivalRegistration.State


class RegistrationError(Exception):
    """A recording that cannot be made; the message is for the person, ``field`` the answer it
    is about (None: the recording as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def sponsorship_start(sponsorship: Sponsorship) -> date:
    """The day the sponsorship became active, in the portal's time zone."""
    started = sponsorship.accepted_at or sponsorship.created_at
    return timezone.localdate(started)


def registrations_sync(
    *,
    person: User,
    entries: Sequence[tuple[int, date]],
    covered: Callable[[date], bool],
) -> None:
    """Bring the person's open registrations in line with their recorded entries.

    ``entries`` are ``(crossing id, entry date)``; ``covered(day)`` says whether a residence
    permit covers ``day`` (the stays app decides that, from the person's permits). Under the
    person's active sponsorship, every entry not covered by a permit whose deadline had not
    passed when the sponsorship began has a registration; an open one follows its entry's
    date, and goes when its entry is deleted or becomes covered. Recorded ones are history and
    are never changed here; registrations under an ended sponsorship are left as they are (the
    organisation's lists show the active sponsorship's only).
    """
    sponsorship = sponsor_of(person)
    if sponsorship is None:
        return
    start = sponsorship_start(sponsorship)
    existing = {
        r.crossing_id: r
        for r in ArrivalRegistration.objects.filter(sponsorship=sponsorship, crossing__isnull=False)
    }
    # Older entries were due before the sponsorship began: one calendar for the rest.
    recent = [(pk, entry) for pk, entry in entries if entry >= start - calendar.SPAN]
    wanted: dict[int, tuple[date, date]] = {}
    if recent:
        days = calendar.calendar_between(
            min(e for _, e in recent), max(e for _, e in recent) + calendar.SPAN
        )
        for crossing_id, entry in recent:
            if covered(entry):
                continue
            deadline = calendar.registration_deadline(entry, days)
            if deadline >= start:
                wanted[crossing_id] = (entry, deadline)
    stale = [
        r.pk for crossing_id, r in existing.items() if r.is_open() and crossing_id not in wanted
    ]
    # An open registration whose stay was deleted lost its crossing (SET_NULL): it goes too.
    ArrivalRegistration.objects.filter(
        sponsorship=sponsorship, state=State.OPEN, crossing__isnull=True
    ).delete()
    if stale:
        ArrivalRegistration.objects.filter(pk__in=stale).delete()
    new = []
    for crossing_id, (entry, deadline) in wanted.items():
        current = existing.get(crossing_id)
        if current is None:
            new.append(
                ArrivalRegistration(
                    sponsorship=sponsorship,
                    employer_id=sponsorship.employer_id,
                    person=person,
                    crossing_id=crossing_id,
                    arrival=entry,
                    deadline=deadline,
                )
            )
        elif current.is_open() and (current.arrival, current.deadline) != (entry, deadline):
            current.arrival, current.deadline = entry, deadline
            current.save(update_fields=["arrival", "deadline", "updated_at"])
    if new:
        ArrivalRegistration.objects.bulk_create(new)


def _locked(registration: ArrivalRegistration) -> ArrivalRegistration:
    locked = ArrivalRegistration.objects.select_for_update().get(pk=registration.pk)
    if not locked.is_open():
        raise RegistrationError(_("This arrival registration has already been recorded."))
    return locked


@transaction.atomic
def registration_record_made(
    *,
    registration: ArrivalRegistration,
    made_on: date,
    reference: str,
    by: User | None,
    through: str = "",
) -> ArrivalRegistration:
    """Record that the organisation notified the migration service (on ``made_on``), by a
    person (``by``) or through a program (``through``: what names it, e.g. an API token, with
    ``by`` the person answerable for it, if any)."""
    locked = _locked(registration)
    reference = reference.strip()
    if made_on > today():
        raise RegistrationError(
            _("The date of the registration cannot be in the future."), "made_on"
        )
    if made_on < locked.arrival:
        raise RegistrationError(_("The registration cannot be made before the arrival."), "made_on")
    if not reference:
        raise RegistrationError(
            _("Enter the reference number the migration service gave."), "reference"
        )
    locked.state = State.MADE
    locked.made_on = made_on
    locked.reference = reference
    locked.recorded_by = by
    locked.recorded_through = through[:150]
    locked.recorded_at = now()
    locked.save()
    return locked


@transaction.atomic
def registration_record_not_needed(
    *, registration: ArrivalRegistration, reason: str, by: User | None, through: str = ""
) -> ArrivalRegistration:
    """Record that no registration was needed for this arrival, and why (``by`` and
    ``through`` as in ``registration_record_made``)."""
    locked = _locked(registration)
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Say why no registration was needed."), "reason")
    locked.state = State.NOT_NEEDED
    locked.reason = reason
    locked.recorded_by = by
    locked.recorded_through = through[:150]
    locked.recorded_at = now()
    locked.save()
    return locked


# --- What the employer's pages show --------------------------------------------------------------


@dataclass
class Due:
    """Open registrations of an organisation by urgency, on ``on``."""

    on: date
    overdue: list[ArrivalRegistration]
    today: list[ArrivalRegistration]
    tomorrow: list[ArrivalRegistration]
    later: list[ArrivalRegistration]
    # ``next_working_day`` once it was needed (a memo: not part of what a ``Due`` says).
    following: date | None = field(default=None, compare=False, repr=False)

    @property
    def next_working_day(self) -> date:
        """The first working day after ``on``: read from the calendar only when a deadline
        after ``on`` is sorted or the day is shown, so a dashboard with nothing due later
        makes no calendar query."""
        if self.following is None:
            self.following = calendar.next_working_day_after(self.on)
        return self.following

    @property
    def urgent(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.tomorrow)


def due(registrations: Sequence[ArrivalRegistration], on: date) -> Due:
    """Split open registrations (the organisation's, from ``access``) by their deadline."""
    result = Due(on, [], [], [], [])
    for r in registrations:
        if r.deadline < on:
            result.overdue.append(r)
        elif r.deadline == on:
            result.today.append(r)
        elif r.deadline <= result.next_working_day:
            result.tomorrow.append(r)
        else:
            result.later.append(r)
    return result
