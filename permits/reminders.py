"""Reminders of what is about to expire. Each is sent once: its event key is remembered."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse

from portal.core.clock import today
from portal.notifications.outbox import notify

from .models import Permit, permit_rules
from .services import employer_recipients

PERMIT_EXPIRY_DAYS = (90, 30, 7)


def send_reminders(*, on: date | None) -> int:
    """Write today's reminders; return how many notifications were written."""
    on = on or today()
    written = 0
    horizon = on + timedelta(days=max(PERMIT_EXPIRY_DAYS))
    permits = Permit.objects.filter(valid_until__gte=on, revoked_on__isnull=True).select_related(
        "application__applicant", "application__employer"
    )
    for permit in permits.filter(valid_until__lte=horizon).iterator(chunk_size=500):
        days = (permit.valid_until - on).days
        # The smallest threshold not yet passed: a missed day still sends the reminder once.
        due = [d for d in PERMIT_EXPIRY_DAYS if days <= d]
        if due:
            written += _remind(
                permit, f"permit_expiry:{permit.pk}:{min(due)}", "permit_expiry", {"days": days}
            )
    margin = permit_rules().passport_margin
    passport_window = on + margin
    for permit in permits.filter(
        application__passport_expiry__lte=passport_window,
    ).iterator(chunk_size=500):
        passport = permit.application.passport_expiry
        if passport is not None and passport <= permit.valid_until + margin:
            written += _remind(
                permit,
                f"passport_expiry:{permit.pk}:{passport}",
                "passport_expiry",
                {"passport_expiry": passport},
            )
    return written


def _remind(permit: Permit, key: str, template: str, extra: dict[str, object]) -> int:
    application = permit.application
    count = 0
    with transaction.atomic():
        context = {"permit": permit, "application": application, **extra}
        recipients = [(application.applicant, False)] + [
            (u, True) for u in employer_recipients(application)
        ]
        for user, for_employer in recipients:
            link = (
                reverse("portal:employer_dashboard")
                if for_employer
                else reverse("permits:detail", args=[application.pk])
            )
            if notify(
                recipient=user,
                kind=f"permit.{template}",
                template=template,
                context={**context, "for_employer": for_employer},
                link=link,
                event_key=f"{key}:{user.pk}",
            ):
                count += 1
    return count
