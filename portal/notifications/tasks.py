"""The outbox's background work: the sweeper and the removal of old webhook events (the delivery
task lives beside the outbox)."""

from __future__ import annotations

from celery import shared_task

from portal.notifications import outbox
from portal.notifications.outbox import deliver_notification_task  # noqa: F401  (registered here too)


# Named as it was scheduled before the apps were split: beat's schedule carries the name.
@shared_task(name="portal.tasks.sweep_notifications_task")
def sweep_notifications_task() -> int:
    """Queue again every e-mail still undelivered (for example after the broker was down)."""
    return outbox.sweep()


@shared_task(name="portal.notifications.tasks.purge_webhook_events_task")
def purge_webhook_events_task() -> int:
    """Daily: remove the webhook events past ``WEBHOOK_RETENTION_DAYS``."""
    return outbox.purge_webhook_events()
