"""The stays part of the applicant's dashboard."""

from __future__ import annotations

from typing import Any

from . import services


def applicant_summary(user: Any) -> dict[str, Any]:
    """Status today for ``templates/stays/_dashboard_applicant.html``: three queries."""
    overview = services.person_overview(user)
    return {"stays_overview": overview, "stays_assessment": overview.assessment}
