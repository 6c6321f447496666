"""Who may download and withdraw issued documents: decided here only.

* A permit's PDF: only its holder (the applicant of the approved application), while it is not
  revoked. Reviewers revoke permits in the admin (``permits.workflow``), not here.
* Statements: only the person whose stays they are issues, downloads and revokes them.
* Checking a code (``/verify/``) is public: it shows only what ``views.check`` shows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from permits.models import Permit
from portal.accounts.access import role_of

from .models import IssuedDocument


def own_permits(user: Any) -> QuerySet[Permit]:
    """The permits the user holds, revoked ones included (listed as such)."""
    if role_of(user) != "applicant":
        return Permit.objects.none()
    return Permit.objects.filter(application__applicant_id=user.pk)


def downloadable_permits(user: Any) -> QuerySet[Permit]:
    """The permits whose PDF the user may download: their own, not revoked."""
    return own_permits(user).filter(revoked_on__isnull=True)


def own_statements(user: Any) -> QuerySet[IssuedDocument]:
    """The statements the user issued; they may download and revoke these."""
    if role_of(user) != "applicant":
        return IssuedDocument.objects.none()
    return IssuedDocument.objects.filter(holder_id=user.pk, kind=IssuedDocument.Kind.STATEMENT)


def downloadable_statements(user: Any) -> QuerySet[IssuedDocument]:
    return own_statements(user).filter(revoked_at__isnull=True)
