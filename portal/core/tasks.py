"""The heartbeat: a worker proves it is alive (read by ``portal.health``)."""

from __future__ import annotations

from celery import shared_task

from portal.core import clock
from portal.core.models import Heartbeat


# Named as it was queued and scheduled before the apps were split: beat's schedule and queued
# messages carry the name.
@shared_task(name="portal.tasks.heartbeat_task")
def heartbeat_task(name: str = "celery") -> str:
    """Record that a worker is alive; the health check reads it."""
    now = clock.real_now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now})
    return now.isoformat()
