"""The permit application state machine: the only code that changes an application's status.

``TRANSITIONS`` is the one list of allowed moves; ``allowed_next()`` feeds both ``transition()``
and the buttons in the pages and the admin. ``transition()`` locks the row, checks the move and
its preconditions, saves, records a ``StatusChange`` and writes the notifications, all in one
database transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portal.models import User

    from .models import Application, StatusChange


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

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Move:
    to: str
    label: str
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


def _is_reviewer(user: User) -> bool:
    return bool(user.is_staff and user.has_perm("permits.change_application"))


def allowed_next(application: Application, user: User) -> list[str]:
    """The statuses ``user`` may move ``application`` to now, in TRANSITIONS order."""
    result = []
    for to in TRANSITIONS[application.status]:
        try:
            _check_actor(application, to, user)
        except InvalidTransition:
            continue
        result.append(to)
    order = list(Status.values)
    return sorted(result, key=order.index)


def _check_actor(application: Application, to: str, user: User) -> None:
    if to == Status.SUBMITTED and application.status == Status.UNDER_REVIEW:
        # Handing a case back to the queue: only its reviewer.
        if not (_is_reviewer(user) and application.reviewer_id == user.pk):
            raise InvalidTransition("not_assigned", _("Only the assigned reviewer can do this."))
        return
    if to == Status.REVOKED:
        # Any reviewer allowed to revoke, not only the one who decided: the case is closed.
        if not (_is_reviewer(user) and user.has_perm(REVOKE_PERMISSION)):
            raise InvalidTransition("not_reviewer", _("Only a reviewer can revoke a permit."))
        return
    if to in APPLICANT_MOVES:
        if user.pk != application.applicant_id:
            raise InvalidTransition("not_applicant", _("Only the applicant can do this."))
        return
    if not _is_reviewer(user):
        raise InvalidTransition("not_reviewer", _("Only a reviewer can do this."))
    if to != Status.UNDER_REVIEW and application.reviewer_id != user.pk:
        raise InvalidTransition(
            "not_assigned", _("Take the application for review before deciding on it.")
        )


def _check_preconditions(application: Application, to: str, reason: str, message: str) -> None:
    from .models import passport_problem

    if to in (Status.SUBMITTED, Status.RESUBMITTED) and application.status in (
        Status.DRAFT,
        Status.INFO_REQUESTED,
    ):
        missing = application.missing_document_types()
        if missing:
            raise InvalidTransition(
                "documents_missing",
                _("Documents still missing: %(names)s.")
                % {"names": ", ".join(str(d) for d in missing)},
            )
        incomplete = application.incomplete_steps()
        if incomplete:
            raise InvalidTransition(
                "incomplete",
                _("Complete these steps first: %(steps)s.")
                % {"steps": ", ".join(str(s) for s in incomplete)},
            )
        problem = passport_problem(application.passport_expiry, today())
        if problem:
            raise InvalidTransition("passport_expiry", problem)
    move = MOVE_LABELS[to]
    if move.reasons is not None and not reason:
        raise InvalidTransition("reason_required", _("Choose a reason."))
    if move.reasons is not None and reason not in move.reasons.values:
        raise InvalidTransition("reason_unknown", _("Choose a reason from the list."))
    if move.needs_message and not message.strip():
        raise InvalidTransition("message_required", _("Write the message to the applicant."))
    if to == Status.REVOKED and not hasattr(application, "permit"):
        raise InvalidTransition("no_permit", _("This application has no permit to revoke."))


def today() -> date:
    """Today in Almaty (the portal's time zone). One place, so tests can move time."""
    return timezone.localdate()


def transition(
    application: Application,
    to: str,
    *,
    by: User,
    reason: str = "",
    message: str = "",
    note: str = "",
    expected_status: str | None = None,
) -> StatusChange:
    """Move ``application`` to ``to`` on behalf of ``by``; return the recorded change.

    Locks the row; raises ``InvalidTransition`` when the move is not allowed from the current
    status, when ``by`` may not make it, when a precondition fails, or when the status is no
    longer ``expected_status`` (someone acted first). On approval the permit is issued. The
    applicant and the sponsoring employer's users are notified after the commit. On revocation
    the permit stops being valid from today on.
    """
    from .models import Application, StatusChange
    from .services import notify_status_change, permit_issue, permit_revoke

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if expected_status is not None and locked.status != expected_status:
            raise InvalidTransition(
                "stale",
                _(
                    "This application changed in the meantime (it is now “%(status)s”). "
                    "Reload the page and check again."
                )
                % {"status": locked.get_status_display()},
            )
        if to not in TRANSITIONS[locked.status]:
            raise InvalidTransition(
                "not_allowed",
                _("An application that is “%(from)s” cannot become “%(to)s”.")
                % {"from": locked.get_status_display(), "to": Status(to).label},
            )
        _check_actor(locked, to, by)
        _check_preconditions(locked, to, reason, message)

        old = locked.status
        now = timezone.now()
        fields = ["status", "updated_at"]
        locked.status = to
        if to == Status.UNDER_REVIEW:
            locked.reviewer = by
            fields.append("reviewer")
        elif to == Status.SUBMITTED and old == Status.UNDER_REVIEW:
            locked.reviewer = None
            fields.append("reviewer")
        elif to == Status.SUBMITTED:
            locked.submitted_at = now
            locked.route = locked.route_for_profession()
            fields += ["submitted_at", "route"]
        fields += locked.update_clock(old, to, today())
        if old in OPEN_STATUSES and to not in OPEN_STATUSES:
            locked.decided_at = now
            fields.append("decided_at")
        locked.save(update_fields=sorted(set(fields)))
        change = StatusChange.objects.create(
            application=locked,
            from_status=old,
            to_status=to,
            by=by,
            at=now,
            reason=reason,
            message=message.strip(),
            note=note.strip(),
        )
        if to == Status.APPROVED:
            permit_issue(application=locked, on=today())
        elif to == Status.REVOKED:
            permit_revoke(application=locked, on=today())
        notify_status_change(change)
    application.refresh_from_db()
    return change
