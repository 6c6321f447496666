"""Background tasks of the portal itself."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task
def heartbeat_task(name: str = "celery") -> str:
    """Record that a worker is alive; the health check reads it."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now})
    return now.isoformat()
