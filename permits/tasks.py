"""Celery tasks of the permits app: thin, they call services."""

from __future__ import annotations

from celery import shared_task

from . import reminders


@shared_task
def send_reminders_task() -> int:
    """Daily: permit expiry at 90, 30 and 7 days; passports that run out near the permit's end."""
    return reminders.send_reminders(on=None)
