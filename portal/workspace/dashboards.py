"""What each role's dashboard shows. Each app adds its part through a small summary function."""

from __future__ import annotations

from typing import Any

from arrivals import dashboard as arrivals_dashboard
from permits import dashboard as permits_dashboard
from permits.access import is_reviewer
from portal.accounts.models import User
from portal.organisations.employers import sponsorship_and_request
from stays import dashboard as stays_dashboard


def applicant_context(user: User) -> dict[str, Any]:
    sponsorship, request = sponsorship_and_request(user)
    context: dict[str, Any] = {
        "sections": [
            "permits/_dashboard_applicant.html",
            "stays/_dashboard_applicant.html",
            "arrivals/_dashboard_applicant.html",
            "portal/_sponsor.html",
        ],
        "sponsorship": sponsorship,
        "sponsorship_request": request,
    }
    context.update(permits_dashboard.applicant_summary(user))
    context.update(stays_dashboard.applicant_summary(user))
    context.update(arrivals_dashboard.applicant_summary(user))
    return context


def staff_context(user: User) -> dict[str, Any]:
    return {
        "is_reviewer": is_reviewer(user),
        "is_catalogue_editor": user.is_superuser
        or user.groups.filter(name="Catalogue editors").exists(),
    }
