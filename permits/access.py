"""Who may see and change permit applications and their documents: decided here only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Application, Document
from .states import Status


def is_reviewer(user: Any) -> bool:
    """Who reviews applications: active staff who may change them (the "Reviewers" group of
    ``portal/accounts/roles.py``, or a superuser). The one definition: the queue, the documents, the
    workflow's moves and the staff dashboard all ask here."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("permits.change_application")
    )


def applications_for_applicant(user: Any) -> QuerySet[Application]:
    """The applications a person sees as their own."""
    return Application.objects.filter(applicant_id=user.pk)


def applications_for_reviewer(user: Any) -> QuerySet[Application]:
    """What reviewers see in the admin: everything but drafts (those are still private)."""
    if not is_reviewer(user):
        return Application.objects.none()
    return Application.objects.exclude(status=Status.DRAFT)


def can_view_document(user: Any, document: Document) -> bool:
    """The applicant and reviewers see documents; employers and other applicants never do."""
    if not user.is_authenticated:
        return False
    if document.application.applicant_id == user.pk:
        return True
    return (
        is_reviewer(user)
        and user.has_perm("permits.view_document")
        and (document.application.status != Status.DRAFT)
    )


def can_view_permit_rules(user: Any) -> bool:
    """The permit rules (decision period, passport margin): seen by the staff groups that work
    with them (``portal.roles``)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("permits.view_permitrules")
    )


def can_change_permit_rules(user: Any) -> bool:
    """Changed by the staff who keep the ministry's rules ("Catalogue editors")."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("permits.change_permitrules")
    )
