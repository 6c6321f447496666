"""The permits part of the applicant's dashboard."""

from __future__ import annotations

from typing import Any

from portal.core.clock import today

from .access import applications_for_applicant
from .states import OPEN_STATUSES


def applicant_summary(user: Any) -> dict[str, Any]:
    """The person's applications with their expected decision dates: a fixed number of queries."""
    on = today()
    applications = list(applications_for_applicant(user).select_related("profession", "permit"))
    for application in applications:
        application.expected = application.decision_due(on)
    return {
        "applications": applications,
        "has_open_application": any(a.status in OPEN_STATUSES for a in applications),
    }
