"""Announcing a sponsored person's news to their organisation's webhook.

The features (permits, stays, arrivals) call ``announce`` with what happened, inside the
transaction that made it happen; the organisations that actively sponsor those people, are
verified and have set a webhook address get one outbox row each (channel "webhook"), delivered
after the commit by the notification outbox (``portal.notifications.outbox``), retried and swept
like e-mails. An event's ``key`` is unique: announced twice, it is stored (and sent) once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from portal.core import clock
from portal.notifications.models import Notification
from portal.notifications.outbox import enqueue
from portal.organisations.models import Employer, Sponsorship

# The kinds of events (the ``type`` of each POST).
APPLICATION_STATE = "application.state_changed"
PERMIT_ISSUED = "permit.issued"
PERMIT_REVOKED = "permit.revoked"
STAY_STATUS = "stay.status_changed"
ARRIVAL_DUE = "arrival_registration.due"
EVENT_TYPES = (APPLICATION_STATE, PERMIT_ISSUED, PERMIT_REVOKED, STAY_STATUS, ARRIVAL_DUE)


@dataclass(frozen=True)
class Event:
    person_id: int
    type: str
    key: str  # unique per event (the organisation is added to it)
    data: dict[str, Any] = field(default_factory=dict)


def listeners(person_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Person id -> the id of the organisation that actively sponsors them, is verified and has
    a webhook address; for every such person when ``person_ids`` is None (the daily scan asks
    once, not once per batch). One query."""
    sponsorships = Sponsorship.objects.filter(
        status=Sponsorship.Status.ACTIVE, employer__status=Employer.Status.VERIFIED
    ).exclude(employer__webhook_url="")
    if person_ids is not None:
        sponsorships = sponsorships.filter(person_id__in=list(person_ids))
    return dict(sponsorships.values_list("person_id", "employer_id"))


def body_of(event: Event) -> str:
    """The JSON POSTed for ``event``: the same text on every attempt."""
    return json.dumps(
        {
            "id": uuid.uuid4().hex,
            "type": event.type,
            "created_at": clock.real_now().isoformat(),
            "data": {"person_id": event.person_id, **event.data},
        },
        cls=DjangoJSONEncoder,
        sort_keys=True,
    )


def announce(events: Sequence[Event]) -> int:
    """Store the webhook events of ``events`` for the organisations listening; return how many
    were stored (events told before are skipped). One query when nobody listens."""
    if not events:
        return 0
    employer_of = listeners(sorted({e.person_id for e in events}))
    if not employer_of:
        return 0
    keyed = {}
    for event in events:
        employer_id = employer_of.get(event.person_id)
        if employer_id is not None:
            keyed.setdefault(f"webhook:{event.key}:{employer_id}"[:200], (event, employer_id))
    told = set(
        Notification.objects.filter(event_key__in=list(keyed)).values_list("event_key", flat=True)
    )
    now = clock.real_now()
    rows = [
        Notification(
            channel=Notification.Channel.WEBHOOK,
            employer_id=employer_id,
            kind=event.type,
            event_key=key,
            subject=event.type,
            body=body_of(event),
            read_at=now,  # nobody's inbox
        )
        for key, (event, employer_id) in keyed.items()
        if key not in told
    ]
    if not rows:
        return 0
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:  # a concurrent writer stored some of these first: one by one
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            created.append(row)
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: [enqueue(pk) for pk in ids])
    return len(ids)
