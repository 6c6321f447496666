"""The reviewer's screens say what a move does and show what the reviewer may read: "Return to
the queue", reason labels in the history, names without links to pages the reader cannot open;
the applicant's unfinished application has no button that submits."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from permits.states import Status
from permits.workflow import transition
from tests.permits.factories import ApplicationFactory, ready_application

pytestmark = pytest.mark.django_db


def _under_review(reviewer):
    application = ready_application()
    transition(application, Status.SUBMITTED, by=application.applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    return application


def test_handing_a_case_back_is_called_return_to_the_queue_and_says_so(client, reviewer):
    application = _under_review(reviewer)
    client.force_login(reviewer)
    change = reverse("admin:permits_application_change", args=[application.pk])
    html = client.get(change).content.decode()
    assert "Return to the queue" in html and ">Submit<" not in html
    move = reverse("admin:permits_application_move", args=[application.pk, "submitted"])
    assert "Return to the queue" in client.get(move).content.decode()
    response = client.post(move, {"expected_status": Status.UNDER_REVIEW}, follow=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.reviewer is None
    assert "back in the queue" in response.content.decode()


def test_the_history_shows_reason_labels_and_names_without_user_links(client, reviewer):
    application = _under_review(reviewer)
    transition(
        application,
        Status.INFO_REQUESTED,
        by=reviewer,
        reason="unreadable_document",
        message="The passport scan cannot be read.",
    )
    client.force_login(reviewer)
    html = client.get(
        reverse("admin:permits_application_change", args=[application.pk])
    ).content.decode()
    assert "unreadable_document" not in html.replace('value="unreadable_document"', "")
    change = application.changes.get(reason="unreadable_document")
    assert change.reason_label() in html and change.reason_label() != "unreadable_document"
    assert reviewer.full_name in html and application.applicant.full_name in html
    # The reviewer cannot open user pages, so no name links there.
    user_pages = re.findall(r'href="(/admin/portal/user/\d+/change/)"', html)
    assert user_pages == []
    assert client.get(reverse("admin:portal_user_change", args=[reviewer.pk])).status_code == 403


def test_an_incomplete_application_has_no_button_that_submits(client, applicant):
    application = ApplicationFactory(applicant=applicant, completed_steps=[])
    client.force_login(applicant)
    html = client.get(reverse("permits:review", args=[application.pk])).content.decode()
    form = html[html.index('<form method="post" novalidate>') :]
    form = form[: form.index("</form>")]
    assert 'aria-disabled="true"' in form and 'type="submit"' not in form
    client.post(
        reverse("permits:review", args=[application.pk]), {"expected_status": application.status}
    )
    application.refresh_from_db()
    assert application.status == Status.DRAFT
