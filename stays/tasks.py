"""Celery tasks of the stays app: thin, they call services."""

from __future__ import annotations

from celery import shared_task

from . import scan


@shared_task
def daily_scan_task() -> dict[str, int]:
    """Daily (beat): store everyone's stay status and notify new warnings and violations."""
    result = scan.daily_scan()
    return {
        "stays": result.stays,
        "people": result.people,
        "notifications": result.notifications,
        "removed": result.removed,
    }
