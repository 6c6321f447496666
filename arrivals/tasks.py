"""Celery tasks of the arrivals app: thin, they call services."""

from __future__ import annotations

from celery import shared_task

from . import reminders


@shared_task
def send_arrival_reminders_task() -> int:
    """Daily: registrations due on the next working day, due today, or overdue (once each)."""
    return reminders.send_reminders(on=None)
