"""The permit application state machine: the only code that changes an application's status.

``TRANSITIONS`` is the one list of allowed moves; ``allowed_next()`` feeds both ``transition()``
and the buttons in the pages and the admin. ``transition()`` locks the row, checks the move and
its preconditions, saves, records a ``StatusChange`` and writes the notifications, all in one
database transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.core import clock
from portal.core.clock import today

from .access import is_reviewer
from .models import Application, PermitRules, StatusChange, passport_problem, permit_rules
from .services import notify_status_change, permit_issue, permit_revoke
from .states import (
    APPLICANT_MOVES,
    MOVE_LABELS,
    OPEN_STATUSES,
    REVOKE_PERMISSION,
    TRANSITIONS,
    InvalidTransition,
    Status,
)

if TYPE_CHECKING:
    from portal.accounts.models import User


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
        if not (is_reviewer(user) and application.reviewer_id == user.pk):
            raise InvalidTransition("not_assigned", _("Only the assigned reviewer can do this."))
        return
    if to == Status.REVOKED:
        # Any reviewer allowed to revoke, not only the one who decided: the case is closed.
        if not (is_reviewer(user) and user.has_perm(REVOKE_PERMISSION)):
            raise InvalidTransition("not_reviewer", _("Only a reviewer can revoke a permit."))
        return
    if to in APPLICANT_MOVES:
        if user.pk != application.applicant_id:
            raise InvalidTransition("not_applicant", _("Only the applicant can do this."))
        return
    if not is_reviewer(user):
        raise InvalidTransition("not_reviewer", _("Only a reviewer can do this."))
    if to != Status.UNDER_REVIEW and application.reviewer_id != user.pk:
        raise InvalidTransition(
            "not_assigned", _("Take the application for review before deciding on it.")
        )


# The moves by which the applicant sends the application: the first submission, and the
# answer to an information request.
SUBMISSIONS = frozenset(
    {(Status.DRAFT, Status.SUBMITTED), (Status.INFO_REQUESTED, Status.RESUBMITTED)}
)


def _is_submission(application: Application, to: str) -> bool:
    return (application.status, to) in SUBMISSIONS


def _check_preconditions(
    application: Application,
    to: str,
    reason: str,
    message: str,
    rules: PermitRules | None,
    note: str = "",
) -> None:

    if rules is not None:  # a submission
        # The documents of the route the profession gives now (``current_route``), which
        # ``transition()`` records with the submission.
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
        problem = passport_problem(
            application.passport_expiry, today(), margin_days=rules.passport_margin_days
        )
        if problem:
            raise InvalidTransition("passport_expiry", problem)
    move = MOVE_LABELS[to]
    if move.reasons is not None and not reason:
        raise InvalidTransition("reason_required", _("Choose a reason."))
    if move.reasons is not None and reason not in move.reasons.values:
        raise InvalidTransition("reason_unknown", _("Choose a reason from the list."))
    if move.needs_message and not message.strip():
        raise InvalidTransition("message_required", _("Write the message to the applicant."))
    if to == Status.RESUBMITTED and not note.strip():
        # An answer that says nothing sends the case back as it was: the reviewer is told what
        # was changed or sent.
        raise InvalidTransition(
            "answer_required",
            _("Write your answer: what you changed or added, or why nothing needs to change."),
        )
    if to == Status.REVOKED and not hasattr(application, "permit"):
        raise InvalidTransition("no_permit", _("This application has no permit to revoke."))


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
        rules = permit_rules() if _is_submission(locked, to) else None
        _check_preconditions(locked, to, reason, message, rules, note)

        old = locked.status
        now = clock.now()
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
            fields.append("submitted_at")
        if rules is not None:
            # The route follows the profession at every submission, the answer to an
            # information request included (a changed profession changes the route).
            locked.route = locked.route_for_profession()
            fields.append("route")
        fields += locked.update_clock(
            old, to, today(), decision_days=rules.decision_days if rules is not None else None
        )
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
