"""Who reaches what through the API app: the one place this app decides access.

A token reads its own organisation's staff only, and only while it is not revoked and the
organisation is verified (an unverified or refused organisation's tokens stop working). The
settings page (tokens, webhook) is for the confirmed users of a verified organisation
(``role_of`` "employer"), and shows their organisation's tokens only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from arrivals.access import employer_registrations
from arrivals.models import ArrivalRegistration
from portal.accounts.access import organisation_users, role_of
from portal.accounts.models import User
from portal.organisations.models import Employer, EmployerStatusChange

from .models import ApiToken
from .services import digest


def token_for(raw: str) -> ApiToken | None:
    """The active token ``raw`` stands for, of a verified organisation; None for any other
    (unknown, revoked, its organisation not verified, or made before the organisation was
    verified again after a refusal): the caller cannot tell which."""
    if not raw or len(raw) > 200:
        return None
    # A token made before the organisation's latest verification belongs to a time before a
    # refusal: an organisation refused and verified again starts with new tokens.
    verified_since = EmployerStatusChange.objects.filter(
        employer=OuterRef("employer"),
        to_status=Employer.Status.VERIFIED,
        at__gt=OuterRef("created_at"),
    )
    return (
        ApiToken.objects.select_related("employer", "created_by")
        .filter(
            digest=digest(raw),
            revoked_at__isnull=True,
            employer__status=Employer.Status.VERIFIED,
        )
        .exclude(Exists(verified_since))
        .first()
    )


def can_manage(user: Any) -> bool:
    """Whether ``user`` may make and revoke tokens and set the webhook of their organisation."""
    return role_of(user) == "employer"


def organisation_tokens(user: Any) -> QuerySet[ApiToken]:
    if not can_manage(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(employer_id=user.employer_id)


def token_registrations(token: ApiToken) -> QuerySet[ArrivalRegistration]:
    """The arrival registrations a token sees: those of its organisation's active sponsorships
    (as the organisation's pages see them, ``arrivals.access``)."""
    return employer_registrations(token.employer_id)


def answerable(token: ApiToken) -> User | None:
    """The person a token's writes are recorded in the name of: its maker, while they are still
    a confirmed, active member of the token's organisation; None once they left (the token
    keeps working for the organisation, but no longer in their name)."""
    if token.created_by_id is None:
        return None
    return organisation_users([token.employer_id]).filter(pk=token.created_by_id).first()


def token_label(token: ApiToken) -> str:
    """How a record names the token it came through: its name and first characters."""
    return f"{token.name} ({token.prefix}…)"
