"""The arrivals part of the employer's and the professional's dashboards."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.core.clock import today

from . import access, services


def employer_summary(user: Any, on: date) -> dict[str, Any]:
    """Open registrations by urgency for ``templates/arrivals/_dashboard_employer.html``."""
    return {"arrivals_due": services.due(access.organisation_open(user), on)}


def applicant_summary(user: Any) -> dict[str, Any]:
    """The professional's latest registrations: whether each arrival was registered."""
    rows = access.own_registrations(user).select_related("employer").order_by("-arrival", "-pk")
    return {"arrival_registrations": list(rows[:5]), "arrivals_on": today()}
