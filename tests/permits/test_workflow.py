"""The state machine: every (from, to) pair, who may move, preconditions, locking, the clock."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from permits.models import Permit, StatusChange
from permits.states import FINAL_STATUSES, TRANSITIONS, InvalidTransition, Status
from permits.workflow import allowed_next, transition
from portal.core import clock
from portal.notifications.models import Notification
from tests.factories import EmployerUserFactory, StaffFactory, sponsor
from tests.permits.factories import ApplicationFactory, ready_application

pytestmark = pytest.mark.django_db

REVIEWER_PATH = {
    Status.SUBMITTED: [],
    Status.UNDER_REVIEW: [Status.SUBMITTED],
    Status.INFO_REQUESTED: [Status.SUBMITTED, Status.UNDER_REVIEW],
    Status.RESUBMITTED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFO_REQUESTED],
}


def _args(to):
    if to == Status.INFO_REQUESTED:
        return {"reason": "missing_document", "message": "Please add the diploma."}
    if to == Status.REFUSED:
        return {"reason": "not_eligible", "message": "Not on the list."}
    if to == Status.REVOKED:
        return {"reason": "false_documents", "message": "The diploma was forged."}
    if to == Status.RESUBMITTED:
        return {"note": "The diploma is uploaded."}
    return {}


def _actor(application, to, reviewer):
    if to in (Status.SUBMITTED, Status.RESUBMITTED, Status.WITHDRAWN) and not (
        to == Status.SUBMITTED and application.status == Status.UNDER_REVIEW
    ):
        return application.applicant
    return reviewer


def _bring_to(status, reviewer):
    """A real application walked to ``status`` through transition() itself."""
    application = ready_application()
    path = {
        Status.DRAFT: [],
        Status.SUBMITTED: [Status.SUBMITTED],
        Status.UNDER_REVIEW: [Status.SUBMITTED, Status.UNDER_REVIEW],
        Status.INFO_REQUESTED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFO_REQUESTED],
        Status.RESUBMITTED: [
            Status.SUBMITTED,
            Status.UNDER_REVIEW,
            Status.INFO_REQUESTED,
            Status.RESUBMITTED,
        ],
        Status.APPROVED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED],
        Status.REFUSED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.REFUSED],
        Status.WITHDRAWN: [Status.WITHDRAWN],
        Status.REVOKED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.REVOKED],
    }[status]
    for to in path:
        transition(application, to, by=_actor(application, to, reviewer), **_args(to))
    assert application.status == status
    return application


ALL_PAIRS = [(a, b) for a in Status.values for b in Status.values]


@pytest.mark.parametrize(("from_status", "to"), ALL_PAIRS)
def test_it_allows_exactly_the_declared_transitions(from_status, to, reviewer):
    application = _bring_to(from_status, reviewer)
    before = StatusChange.objects.filter(application=application).count()
    actor = _actor(application, to, reviewer)
    if to in TRANSITIONS[from_status]:
        change = transition(application, to, by=actor, **_args(to))
        assert (change.from_status, change.to_status, change.by) == (from_status, to, actor)
        assert application.status == to
    else:
        with pytest.raises(InvalidTransition) as error:
            transition(application, to, by=actor, **_args(to))
        assert error.value.code == "not_allowed"
        application.refresh_from_db()
        assert application.status == from_status
        assert StatusChange.objects.filter(application=application).count() == before


def test_an_answer_to_an_information_request_must_say_something(reviewer):
    application = _bring_to(Status.INFO_REQUESTED, reviewer)
    for note in ("", "   "):
        with pytest.raises(InvalidTransition) as error:
            transition(application, Status.RESUBMITTED, by=application.applicant, note=note)
        assert error.value.code == "answer_required"
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    transition(application, Status.RESUBMITTED, by=application.applicant, note="Uploaded.")
    assert application.status == Status.RESUBMITTED


def test_final_statuses_allow_nothing(reviewer):
    for status in FINAL_STATUSES:
        application = _bring_to(status, reviewer)
        assert allowed_next(application, application.applicant) == []
        assert allowed_next(application, reviewer) == []


def test_it_refuses_moves_by_the_wrong_person(reviewer, other_applicant):
    application = _bring_to(Status.SUBMITTED, reviewer)
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.UNDER_REVIEW, by=application.applicant)
    assert error.value.code == "not_reviewer"
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.WITHDRAWN, by=other_applicant)
    assert error.value.code == "not_applicant"
    employer = EmployerUserFactory()
    with pytest.raises(InvalidTransition):
        transition(application, Status.UNDER_REVIEW, by=employer)


def test_only_the_assigned_reviewer_decides(reviewer):
    application = _bring_to(Status.UNDER_REVIEW, reviewer)
    colleague = StaffFactory(groups=["Reviewers"])
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.APPROVED, by=colleague)
    assert error.value.code == "not_assigned"
    assert allowed_next(application, colleague) == []
    assert Status.APPROVED in allowed_next(application, reviewer)


def test_a_catalogue_editor_cannot_review(reviewer, catalogue_editor):
    application = _bring_to(Status.SUBMITTED, reviewer)
    with pytest.raises(InvalidTransition):
        transition(application, Status.UNDER_REVIEW, by=catalogue_editor)


def test_it_requires_a_message_to_request_information(reviewer):
    application = _bring_to(Status.UNDER_REVIEW, reviewer)
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.INFO_REQUESTED, by=reviewer, reason="other", message=" ")
    assert error.value.code == "message_required"


def test_it_requires_a_reason_code_and_text_to_refuse(reviewer):
    application = _bring_to(Status.UNDER_REVIEW, reviewer)
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.REFUSED, by=reviewer, message="No.")
    assert error.value.code == "reason_required"
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.REFUSED, by=reviewer, reason="made_up", message="No.")
    assert error.value.code == "reason_unknown"
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.REFUSED, by=reviewer, reason="not_eligible")
    assert error.value.code == "message_required"


def test_it_refuses_to_submit_with_a_document_missing():
    application = ApplicationFactory()
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.SUBMITTED, by=application.applicant)
    assert error.value.code == "documents_missing"
    assert application.status == Status.DRAFT


def test_it_refuses_to_submit_a_passport_valid_180_days_or_less(reviewer):
    application = ready_application(passport_expiry=clock.today() + timedelta(days=180))
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.SUBMITTED, by=application.applicant)
    assert error.value.code == "passport_expiry"
    application.passport_expiry = clock.today() + timedelta(days=181)
    application.save()
    transition(application, Status.SUBMITTED, by=application.applicant)


def test_it_refuses_a_stale_action(reviewer):
    application = _bring_to(Status.SUBMITTED, reviewer)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    with pytest.raises(InvalidTransition) as error:
        transition(
            application,
            Status.WITHDRAWN,
            by=application.applicant,
            expected_status=Status.SUBMITTED,
        )
    assert error.value.code == "stale"


def test_it_issues_the_permit_for_ten_years_or_the_passport(reviewer):
    long_passport = _bring_to(Status.UNDER_REVIEW, reviewer)
    long_passport.passport_expiry = clock.today() + timedelta(days=365 * 15)
    long_passport.save()
    transition(long_passport, Status.APPROVED, by=reviewer)
    permit = Permit.objects.get(application=long_passport)
    assert permit.issue_date == clock.today()
    assert permit.valid_until == permit.issue_date.replace(year=permit.issue_date.year + 10)

    short = _bring_to(Status.UNDER_REVIEW, reviewer)
    transition(short, Status.APPROVED, by=reviewer)
    assert short.permit.valid_until == short.passport_expiry
    assert short.permit.number != permit.number


def test_it_records_the_route_from_the_profession_at_submission(reviewer):
    from tests.permits.factories import listed_profession

    standard = ready_application(profession=listed_profession("9999.9", listed=False))
    transition(standard, Status.SUBMITTED, by=standard.applicant)
    assert standard.route == "standard"
    facilitated = _bring_to(Status.SUBMITTED, reviewer)
    assert facilitated.route == "facilitated"


def test_it_pauses_the_decision_clock_while_information_is_requested(reviewer):
    application = _bring_to(Status.UNDER_REVIEW, reviewer)
    assert application.due_date == clock.today() + timedelta(days=45)
    transition(application, Status.INFO_REQUESTED, by=reviewer, reason="other", message="?")
    assert application.clock_paused_on == clock.today()
    # The applicant answers 10 days later: the due date moves by 10 days.
    application.clock_paused_on = clock.today() - timedelta(days=10)
    application.save(update_fields=["clock_paused_on"])
    # While paused, the days left do not run down.
    frozen = application.days_left(clock.today())
    assert application.days_left(clock.today() + timedelta(days=20)) == frozen
    transition(application, Status.RESUBMITTED, by=application.applicant, note="Sent.")
    assert application.due_date == clock.today() + timedelta(days=55)
    assert application.clock_paused_on is None


def test_it_writes_notifications_in_the_same_transaction(reviewer):
    employer_user = EmployerUserFactory(preferred_language="ru")
    application = ready_application(
        employer=employer_user.employer, employer_bin=employer_user.employer.bin
    )
    sponsor(employer_user.employer, application.applicant)
    change = transition(application, Status.SUBMITTED, by=application.applicant)
    recipients = set(
        Notification.objects.filter(event_key__startswith=f"status:{change.pk}:").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {application.applicant_id, employer_user.pk}
    assert "Заявление" in Notification.objects.get(recipient=employer_user).subject


def test_it_hands_a_case_back_to_the_queue(reviewer):
    application = _bring_to(Status.UNDER_REVIEW, reviewer)
    transition(application, Status.SUBMITTED, by=reviewer, note="On leave")
    assert application.status == Status.SUBMITTED and application.reviewer is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_approvals_issue_one_permit():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite locks the whole database)")
    reviewer = StaffFactory(groups=["Reviewers"])
    application = _bring_to(Status.UNDER_REVIEW, reviewer)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve():
        from django.db import connections

        try:
            barrier.wait()
            transition(
                application.__class__.objects.get(pk=application.pk), Status.APPROVED, by=reviewer
            )
            outcomes.append("approved")
        except InvalidTransition as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "not_allowed"]
    assert Permit.objects.filter(application=application).count() == 1
    assert StatusChange.objects.filter(application=application, to_status="approved").count() == 1
