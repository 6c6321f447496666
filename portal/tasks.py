"""Background tasks of the portal itself: heartbeat and the notification outbox."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import notifications
from .models import Heartbeat


@shared_task
def heartbeat_task(name: str = "celery") -> str:
    """Record that a worker is alive; the health check reads it."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now})
    return now.isoformat()


@shared_task(bind=True, max_retries=12, acks_late=True)
def deliver_notification_task(self, notification_id: int) -> bool:
    """Send one notification's e-mail; on failure retry with growing delays (up to ~3 h)."""
    try:
        return notifications.deliver(notification_id)
    except Exception as error:
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 3600)) from error


@shared_task
def sweep_notifications_task() -> int:
    """Queue again every e-mail still undelivered (for example after the broker was down)."""
    return notifications.sweep()
