"""Background tasks of the portal itself: heartbeat and the notification outbox."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import notifications
from .models import Heartbeat
from .notifications import deliver_notification_task  # noqa: F401  (registered here too)


@shared_task
def heartbeat_task(name: str = "celery") -> str:
    """Record that a worker is alive; the health check reads it."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now})
    return now.isoformat()


@shared_task
def sweep_notifications_task() -> int:
    """Queue again every e-mail still undelivered (for example after the broker was down)."""
    return notifications.sweep()
