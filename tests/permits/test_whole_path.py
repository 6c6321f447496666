"""From draft to issued permit through the pages and the admin, with e-mails sent by a real
Celery worker through Redis."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from permits.models import Application, DocumentType
from permits.states import Status
from portal.core import clock
from portal.notifications.models import Notification
from portal.organisations.models import Sponsorship
from tests.conftest import wait_for
from tests.factories import EmployerUserFactory, StaffFactory, UserFactory
from tests.permits.factories import PDF_BYTES, listed_profession


@pytest.mark.services
def test_the_whole_path_from_draft_to_permit(client, celery_worker_process):
    applicant = UserFactory(preferred_language="ru")
    reviewer = StaffFactory(groups=["Reviewers"])
    employer_user = EmployerUserFactory()
    profession = listed_profession()

    client.force_login(applicant)
    client.post(reverse("permits:apply"), {"profession": profession.pk})
    application = Application.objects.get(applicant=applicant)
    for step, data in {
        "personal": {
            "full_name": "Ivan Petrov",
            "date_of_birth": "1985-06-01",
            "citizenship": "RU",
            "phone": "+7 900 1",
        },
        "passport": {
            "passport_number": "751234567",
            "passport_expiry": (clock.today() + timedelta(days=3650)).isoformat(),
        },
        "profession": {"profession": profession.pk},
        "employer": {"employer_bin": employer_user.employer.bin},
    }.items():
        assert (
            client.post(reverse("permits:step", args=[application.pk, step]), data).status_code
            == 302
        )
    # The employer named by its BIN accepts to sponsor Ivan, so it is told of his application.
    client.force_login(employer_user)
    request = Sponsorship.objects.get(person=applicant, status="requested")
    client.post(
        reverse("portal:sponsorship_request_answer", args=[request.pk]), {"answer": "accept"}
    )
    client.force_login(applicant)
    for doc_type in DocumentType.objects.for_route("facilitated"):
        client.post(
            reverse("permits:documents", args=[application.pk]),
            {
                "doc_type": doc_type.pk,
                "file": SimpleUploadedFile(f"{doc_type.code}.pdf", PDF_BYTES),
            },
        )
    client.post(reverse("permits:review", args=[application.pk]), {"expected_status": "draft"})

    client.force_login(reviewer)
    client.post(
        reverse("admin:permits_application_changelist"),
        {"action": "take_for_review", "_selected_action": [application.pk]},
    )
    move = reverse("admin:permits_application_move", args=[application.pk, "approved"])
    client.post(move, {"expected_status": "under_review"})

    application.refresh_from_db()
    assert application.status == Status.APPROVED
    permit = application.permit
    assert permit.valid_until == min(
        permit.issue_date.replace(year=permit.issue_date.year + 10), application.passport_expiry
    )

    client.force_login(applicant)
    page = client.get(reverse("permits:detail", args=[application.pk])).content.decode()
    assert permit.number in page

    # Every notification (applicant and employer, three changes each) delivered by the worker.
    expected = Notification.objects.filter(kind="permit.status").count()
    assert expected == 6
    assert wait_for(
        lambda: (
            Notification.objects.filter(kind="permit.status", email_sent_at__isnull=False).count()
            == expected
        ),
        timeout=60,
    ), celery_worker_process.output()
