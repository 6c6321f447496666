"""The route follows the profession: set again, with the documents it asks for, at every
submission, the answer to an information request included (issue 14, point 12)."""

import pytest
from django.urls import reverse

from permits.models import Document, DocumentType
from permits.states import InvalidTransition, Status
from permits.workflow import transition
from tests.permits.factories import PDF_BYTES, listed_profession, ready_application, upload

pytestmark = pytest.mark.django_db


def _info_requested(reviewer, **kwargs):
    application = ready_application(**kwargs)
    transition(application, Status.SUBMITTED, by=application.applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    transition(
        application,
        Status.INFO_REQUESTED,
        by=reviewer,
        reason="qualification",
        message="Tell us more about your profession.",
    )
    return application


def _add(application, code):
    Document.objects.create(
        application=application,
        doc_type=DocumentType.objects.get(code=code),
        file=upload(f"{code}.pdf"),
        original_name=f"{code}.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=application.applicant,
    )


def test_a_profession_changed_off_the_list_gives_the_standard_route_on_resubmission(
    client, reviewer
):
    application = _info_requested(reviewer)
    assert application.route == "facilitated"
    applicant = application.applicant
    client.force_login(applicant)
    response = client.post(
        reverse("permits:step", args=[application.pk, "profession"]),
        {"profession_not_listed": "on", "profession_other": "Sommelier"},
    )
    assert response.status_code == 302
    application.refresh_from_db()

    # While answering, the pages already ask for what the standard route needs.
    assert application.current_route() == "standard"
    page = client.get(reverse("permits:documents", args=[application.pk])).content.decode()
    assert "Proof of solvency" in page and "Standard route" in page
    review = client.get(reverse("permits:review", args=[application.pk])).content.decode()
    assert "Proof of solvency" in review  # listed as missing

    # The answer cannot go without the proof of solvency...
    response = client.post(
        reverse("permits:review", args=[application.pk]),
        {"expected_status": Status.INFO_REQUESTED},
        follow=True,
    )
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert "Proof of solvency" in response.content.decode()
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.RESUBMITTED, by=applicant, note="Sent.")
    assert error.value.code == "documents_missing"

    # ...and with it, it is resubmitted on the standard route.
    _add(application, "solvency")
    transition(application, Status.RESUBMITTED, by=applicant, note="Sent.")
    assert application.status == Status.RESUBMITTED
    assert application.route == "standard"
    assert application.current_route() == "standard"


def test_a_profession_changed_onto_the_list_gives_the_facilitated_route(reviewer):
    application = _info_requested(reviewer, profession=listed_profession("9999.1", listed=False))
    assert application.route == "standard"
    application.profession = listed_profession("2512.7")
    application.save()
    assert application.current_route() == "facilitated"
    # The facilitated route asks for the qualification, which the standard route did not.
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.RESUBMITTED, by=application.applicant, note="Sent.")
    assert (
        error.value.code == "documents_missing"
        and "qualification" in str(error.value.message).lower()
    )
    _add(application, "qualification")
    transition(application, Status.RESUBMITTED, by=application.applicant, note="Sent.")
    assert application.route == "facilitated"


def test_a_profession_withdrawn_before_the_answer_changes_the_route(reviewer):
    application = _info_requested(reviewer)
    profession = application.profession
    profession.is_listed = False
    profession.withdrawn_order_number = "77"
    profession.withdrawn_order_date = profession.added_order_date
    profession.save()
    _add(application, "solvency")
    transition(application, Status.RESUBMITTED, by=application.applicant, note="Sent.")
    assert application.route == "standard"


def test_the_route_recorded_stays_while_the_ministry_reviews(reviewer):
    application = ready_application()
    transition(application, Status.SUBMITTED, by=application.applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    # Withdrawn from the list during the review: the case keeps the route it was sent on.
    application.profession.is_listed = False
    application.profession.save()
    application.refresh_from_db()
    assert application.current_route() == "facilitated"
    transition(application, Status.SUBMITTED, by=reviewer)  # handed back to the queue
    assert application.route == "facilitated"
