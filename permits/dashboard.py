"""The permits part of the applicant's dashboard."""

from __future__ import annotations

from typing import Any

from portal.core.clock import today
from professions.models import unshown

from .access import applications_for_applicant
from .models import StatusChange
from .states import OPEN_STATUSES, Status


def applicant_summary(user: Any) -> dict[str, Any]:
    """The person's applications with their expected decision dates: a fixed number of queries."""
    on = today()
    applications = list(
        applications_for_applicant(user)
        .select_related("profession", "permit")
        .defer(*unshown("profession__"))
    )
    for application in applications:
        application.expected = application.decision_due(on)
    return {
        "applications": applications,
        "information_requests": information_requests(applications),
        "has_open_application": any(a.status in OPEN_STATUSES for a in applications),
    }


def information_requests(applications: list[Any]) -> list[dict[str, Any]]:
    """What the ministry asks of each application waiting for the applicant's answer: the
    latest request (reason, message, day), read in one query for all of them."""
    waiting = [a for a in applications if a.status == Status.INFO_REQUESTED]
    if not waiting:
        return []
    latest: dict[int, StatusChange] = {}
    for change in StatusChange.objects.filter(
        application__in=waiting, to_status=Status.INFO_REQUESTED
    ).order_by("at", "pk"):
        latest[change.application_id] = change
    return [{"application": a, "request": latest.get(a.pk)} for a in waiting]
