"""The permit application's states and moves, declared once: what ``workflow.transition()``
enforces, what the pages and the admin offer as buttons, and what the models store.

Declarations only (no database access), so the models can use them and the workflow can use the
models without importing each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved: permit issued")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Permit revoked")


class RefusalReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("The profession or qualification does not meet the list")
    DOCUMENTS_INVALID = "documents_invalid", _("Documents are invalid or not genuine")
    CRIMINAL_RECORD = "criminal_record", _("Criminal record")
    NO_SOLVENCY = "no_solvency", _("Solvency not proven")
    SECURITY = "security", _("Grounds of national security")
    OTHER = "other", _("Other reason")


class RevocationReason(models.TextChoices):
    FALSE_DOCUMENTS = "false_documents", _("The permit was obtained with false documents")
    CRIMINAL_OFFENCE = "criminal_offence", _("Conviction for a criminal offence")
    SECURITY = "security", _("Grounds of national security")
    LEFT_COUNTRY = "left_country", _("The holder has left Kazakhstan for good")
    OTHER = "other", _("Other reason")


class InfoRequestReason(models.TextChoices):
    MISSING_DOCUMENT = "missing_document", _("A document is missing")
    UNREADABLE_DOCUMENT = "unreadable_document", _("A document cannot be read")
    PASSPORT = "passport", _("Passport details need correcting")
    QUALIFICATION = "qualification", _("More proof of qualification is needed")
    OTHER = "other", _("Other")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.UNDER_REVIEW, Status.WITHDRAWN}),
    Status.UNDER_REVIEW: frozenset(
        {Status.INFO_REQUESTED, Status.APPROVED, Status.REFUSED, Status.SUBMITTED, Status.WITHDRAWN}
    ),
    Status.INFO_REQUESTED: frozenset({Status.RESUBMITTED, Status.WITHDRAWN}),
    Status.RESUBMITTED: frozenset({Status.UNDER_REVIEW, Status.WITHDRAWN}),
    # The permit of an approved application can be revoked later: the one move after a decision.
    Status.APPROVED: frozenset({Status.REVOKED}),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.REVOKED: frozenset(),
}

# Decided applications are closed, an approved one too (its permit's revocation is no review).
OPEN_STATUSES = frozenset(s for s, nxt in TRANSITIONS.items() if nxt) - {Status.APPROVED}
FINAL_STATUSES = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
# Statuses in which the decision clock runs.
CLOCK_RUNNING = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW, Status.RESUBMITTED})

# Who makes each move: the applicant, or a reviewer.
APPLICANT_MOVES = frozenset({Status.SUBMITTED, Status.RESUBMITTED, Status.WITHDRAWN})
REVIEWER_MOVES = frozenset(
    {Status.UNDER_REVIEW, Status.INFO_REQUESTED, Status.APPROVED, Status.REFUSED, Status.REVOKED}
)
# The permission a reviewer needs to revoke an issued permit (``portal.roles``).
REVOKE_PERMISSION = "permits.revoke_permit"


class InvalidTransition(Exception):
    """A move that is not allowed; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Move:
    to: str
    label: str | Promise  # translated when shown
    needs_message: bool = False
    reasons: type[models.TextChoices] | None = None


MOVE_LABELS: dict[str, Move] = {
    Status.SUBMITTED: Move(Status.SUBMITTED, _("Submit")),
    Status.UNDER_REVIEW: Move(Status.UNDER_REVIEW, _("Take for review")),
    Status.INFO_REQUESTED: Move(
        Status.INFO_REQUESTED, _("Request information"), True, InfoRequestReason
    ),
    Status.RESUBMITTED: Move(Status.RESUBMITTED, _("Send my answer")),
    Status.APPROVED: Move(Status.APPROVED, _("Approve and issue the permit")),
    Status.REFUSED: Move(Status.REFUSED, _("Refuse"), True, RefusalReason),
    Status.WITHDRAWN: Move(Status.WITHDRAWN, _("Withdraw")),
    Status.REVOKED: Move(Status.REVOKED, _("Revoke the permit"), True, RevocationReason),
}

# A reviewer's "Submit" of a case under review hands it back to the queue (reviewer cleared).
RETURN_TO_QUEUE = Move(Status.SUBMITTED, _("Return to the queue"))


def move_to(from_status: str, to: str) -> Move:
    """The move from ``from_status`` to ``to`` as the buttons name it: to "submitted" from
    "under review" is the reviewer returning the case to the queue, not submitting it."""
    if from_status == Status.UNDER_REVIEW and to == Status.SUBMITTED:
        return RETURN_TO_QUEUE
    return MOVE_LABELS[to]
