"""Reminders of arrival registrations, to the organisation's users: on the working day before
the deadline, on the deadline, and once when it has passed. Each is sent once (event keys)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse

from portal.accounts.access import organisation_users
from portal.core.clock import today
from portal.notifications.outbox import notify
from portal.organisations import webhooks
from portal.organisations.models import Sponsorship

from . import calendar
from .models import ArrivalRegistration

# An overdue registration's webhook event is announced (and, missed, announced again by a later
# run) for this long after its deadline, no longer: delivered events are removed after
# ``WEBHOOK_RETENTION_DAYS`` (45 at least), and one announced after its event was removed would
# go out a second time.
OVERDUE_ANNOUNCED_FOR = timedelta(days=30)


def stage_of(registration: ArrivalRegistration, on: date, next_working_day: date) -> str | None:
    """Which reminder an open registration calls for on ``on``: "soon" from the working day
    before its deadline, "today" on it, "overdue" after it; None before that."""
    if registration.deadline < on:
        return "overdue"
    if registration.deadline == on:
        return "today"
    if registration.deadline <= next_working_day:
        return "soon"
    return None


def due_event(registration: ArrivalRegistration, stage: str) -> webhooks.Event:
    """The webhook event of a registration falling due ("soon", "today" or "overdue")."""
    return webhooks.Event(
        registration.person_id,
        webhooks.ARRIVAL_DUE,
        f"arrival:{registration.pk}:{stage}",
        {
            "registration_id": registration.pk,
            "arrival": registration.arrival,
            "deadline": registration.deadline,
            "stage": stage,
        },
    )


def send_reminders(*, on: date | None = None) -> int:
    """Write today's reminders; return how many notifications were written."""
    on = on or today()
    following = calendar.next_working_day_after(on)
    rows = (
        ArrivalRegistration.objects.filter(
            state=ArrivalRegistration.State.OPEN,
            deadline__lte=following,
            sponsorship__status=Sponsorship.Status.ACTIVE,
        )
        .select_related("person", "employer")
        .order_by("employer_id", "deadline", "pk")
    )
    written = 0
    for registration in rows.iterator(chunk_size=500):
        stage = stage_of(registration, on, following)
        if stage is None:
            continue
        with transaction.atomic():
            if stage != "overdue" or registration.deadline >= on - OVERDUE_ANNOUNCED_FOR:
                webhooks.announce([due_event(registration, stage)])
            for user in organisation_users([registration.employer_id]):
                if notify(
                    recipient=user,
                    kind=f"arrival.{stage}",
                    template="arrival_registration_due",
                    context={"registration": registration, "stage": stage},
                    link=reverse("arrivals:registration", args=[registration.pk]),
                    event_key=f"arrival:{registration.pk}:{stage}:{user.pk}",
                ):
                    written += 1
    return written
