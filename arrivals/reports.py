"""Arrival registrations in the employer's monthly report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q

from portal.organisations.models import Employer, Sponsorship

from .models import ArrivalRegistration

State = ArrivalRegistration.State


@dataclass(frozen=True)
class MonthCounts:
    """Registrations whose deadline fell in the month: made by the deadline, made after it,
    still to be made (of people still sponsored), and recorded as not needed."""

    on_time: int
    late: int
    outstanding: int
    not_needed: int


def month_counts(employer: Employer, month: date, month_end: date) -> MonthCounts:
    """One query."""
    counts = ArrivalRegistration.objects.filter(
        employer=employer, deadline__gte=month, deadline__lte=month_end
    ).aggregate(
        on_time=Count("pk", filter=Q(state=State.MADE, made_on__lte=F("deadline"))),
        late=Count("pk", filter=Q(state=State.MADE, made_on__gt=F("deadline"))),
        outstanding=Count(
            "pk",
            filter=Q(state=State.OPEN, sponsorship__status=Sponsorship.Status.ACTIVE),
        ),
        not_needed=Count("pk", filter=Q(state=State.NOT_NEEDED)),
    )
    return MonthCounts(**counts)
