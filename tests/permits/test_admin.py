"""Review in the Django admin: the queue, the move buttons, roles, and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.models import Application, Permit
from permits.states import Status
from permits.workflow import transition
from tests.permits.factories import ApplicationFactory, ready_application

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:permits_application_changelist")


def _submitted(**kwargs):
    application = ready_application(**kwargs)
    transition(application, Status.SUBMITTED, by=application.applicant)
    return application


def _move(client, application, to, **data):
    url = reverse("admin:permits_application_move", args=[application.pk, to])
    return client.post(url, {"expected_status": application.status, **data})


def test_a_reviewer_takes_asks_and_approves_through_the_admin(
    client, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    application = _submitted()
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "take_for_review", "_selected_action": [application.pk]})
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW and application.reviewer == reviewer

    page = client.get(reverse("admin:permits_application_change", args=[application.pk]))
    html = page.content.decode()
    assert "Request information" in html and "Approve and issue the permit" in html

    # First pass without a message shows the standard text for the reason, to check and edit.
    response = _move(client, application, "info_requested", reason="missing_document")
    assert response.status_code == 200
    assert "A document your application needs is missing" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        response = _move(
            client,
            application,
            "info_requested",
            reason="missing_document",
            message="Please upload your diploma (edited).",
        )
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert application.changes.last().message == "Please upload your diploma (edited)."
    assert "Please upload your diploma (edited)." in mailoutbox[-1].body

    transition(application, Status.RESUBMITTED, by=application.applicant, note="Sent.")
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        _move(client, application, "approved")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert Permit.objects.get(application=application).number in mailoutbox[-1].body


def test_it_refuses_with_a_reason_code_and_text(client, reviewer):
    application = _submitted()
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    client.force_login(reviewer)
    response = _move(client, application, "refused", reason="")
    assert "This field is required" in response.content.decode()
    _move(client, application, "refused", reason="other", message="")
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW  # "other" needs its own text
    _move(client, application, "refused", reason="no_solvency", message="No bank statement.")
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert application.changes.last().reason == "no_solvency"


def test_an_illegal_move_is_a_message_not_an_error(client, reviewer):
    application = _submitted()
    client.force_login(reviewer)
    response = _move(client, application, "approved")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("cannot become" in m or "Take the application" in m for m in messages)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_stale_page_cannot_decide(client, reviewer):
    application = _submitted()
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    client.force_login(reviewer)
    url = reverse("admin:permits_application_move", args=[application.pk, "approved"])
    client.post(url, {"expected_status": "submitted"})
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW


def test_reviewers_cannot_edit_what_the_applicant_supplied(client, reviewer):
    application = _submitted()
    client.force_login(reviewer)
    url = reverse("admin:permits_application_change", args=[application.pk])
    client.post(
        url,
        {
            "notes": "Checked passport.",
            "passport_number": "HACKED",
            "status": "approved",
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 0,
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    application.refresh_from_db()
    assert application.notes == "Checked passport."
    assert application.passport_number != "HACKED" and application.status == Status.SUBMITTED


def test_drafts_stay_out_of_the_queue(client, reviewer):
    draft = ApplicationFactory()
    submitted = _submitted()
    client.force_login(reviewer)
    html = client.get(CHANGELIST).content.decode()
    assert submitted.number in html and draft.number not in html
    url = reverse("admin:permits_application_change", args=[draft.pk])
    assert client.get(url).status_code == 302  # the admin redirects a missing object


def test_the_queue_shows_a_case_until_it_is_decided(client, reviewer):
    """Open is kept by the database from the state (``Application.case_open``): a state
    written by any means, a plain UPDATE included, moves the case out of the queue."""
    case = _submitted()
    client.force_login(reviewer)
    assert case.number in client.get(CHANGELIST).content.decode()
    Application.objects.filter(pk=case.pk).update(status=Status.REFUSED)
    assert case.number not in client.get(CHANGELIST).content.decode()
    assert case.number in client.get(CHANGELIST + "?state=all").content.decode()
    Application.objects.filter(pk=case.pk).update(status=Status.RESUBMITTED)
    assert case.number in client.get(CHANGELIST).content.decode()
    assert not Application.objects.open().filter(status=Status.APPROVED).exists()


@pytest.mark.parametrize("who", ["catalogue_editor", "applicant", "employer_user"])
def test_other_roles_cannot_open_the_queue(client, request, who):
    _submitted()
    client.force_login(request.getfixturevalue(who))
    response = client.get(CHANGELIST)
    assert response.status_code in (302, 403)


def test_the_queue_filters_overdue_and_mine(client, reviewer):
    mine = _submitted()
    transition(mine, Status.UNDER_REVIEW, by=reviewer)
    overdue = _submitted()
    Application.objects.filter(pk=overdue.pk).update(due_date="2020-01-01")
    client.force_login(reviewer)
    html = client.get(CHANGELIST + "?due=overdue").content.decode()
    assert overdue.number in html and mine.number not in html
    html = client.get(CHANGELIST + "?assigned=mine").content.decode()
    assert mine.number in html and overdue.number not in html
    html = client.get(CHANGELIST + f"?q={overdue.passport_number}").content.decode()
    assert overdue.number in html and mine.number not in html


def _bulk_applications(count, start=0):
    from permits.states import Status as S
    from tests.factories import UserFactory
    from tests.permits.factories import listed_profession

    profession = listed_profession()
    users = UserFactory.create_batch(count)
    Application.objects.bulk_create(
        [
            Application(
                applicant=u,
                status=S.SUBMITTED,
                full_name=u.full_name,
                citizenship="DE",
                profession=profession,
                passport_number=f"P{i:07d}",
                number=f"RP-T-{start + i:06d}",
                submitted_at="2026-01-01T10:00:00Z",
                due_date="2026-02-15",
                route="facilitated",
            )
            for i, u in enumerate(users)
        ]
    )


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_runs_the_same_queries_at_10_and_1000_applications(client, reviewer, settings):
    client.force_login(reviewer)
    _bulk_applications(10)
    client.get(CHANGELIST)  # the session is read from the database once, then from the cache
    small = _count_queries(client, CHANGELIST)
    _bulk_applications(990, start=10)
    assert Application.objects.count() == 1000
    assert _count_queries(client, CHANGELIST) == small


def test_the_applicants_dashboard_runs_the_same_queries_at_10_and_1000(client, applicant, settings):
    from tests.permits.factories import listed_profession

    profession = listed_profession()

    def make(n, start):
        Application.objects.bulk_create(
            [
                Application(
                    applicant=applicant,
                    status=Status.WITHDRAWN,
                    profession=profession,
                    number=f"RP-W-{start + i:06d}",
                )
                for i in range(n)
            ]
        )

    client.force_login(applicant)
    url = reverse("portal:applicant_dashboard")
    make(10, 0)
    small = _count_queries(client, url)
    make(990, 10)
    assert _count_queries(client, url) == small


def test_the_profession_filter_lists_the_chosen_spheres_professions(client, reviewer):
    application = _submitted()
    sphere = application.profession.sphere
    client.force_login(reviewer)
    html = client.get(CHANGELIST).content.decode()
    assert f"?profession={application.profession.pk}" not in html  # no list of every profession
    html = client.get(CHANGELIST + f"?profession__sphere__id__exact={sphere.pk}").content.decode()
    assert f"profession={application.profession.pk}" in html
    response = client.get(CHANGELIST + f"?profession={application.profession.pk}")
    assert application.number in response.content.decode()


def test_the_citizenship_filter_offers_only_citizenships_in_the_queue(client, reviewer):
    _submitted(citizenship="FR")
    client.force_login(reviewer)
    html = client.get(CHANGELIST).content.decode()
    assert "?citizenship=FR" in html and "?citizenship=ZW" not in html
