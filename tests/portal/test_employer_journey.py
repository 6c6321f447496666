"""Issue "employer portal", done when: an employer signs up, invites a professional who accepts,
and follows that person's application to an issued permit and their stays to a warning, on
PostgreSQL (when DATABASE_URL points at it) and Redis, with a real Celery worker. (Ministry staff
verify the organisation in between.)"""

from datetime import timedelta

import pytest
from django.urls import reverse

from permits.services import application_create
from permits.states import Status
from permits.workflow import transition
from portal.accounts.models import User
from portal.core.clock import today
from portal.notifications.models import Notification
from portal.organisations.models import Sponsorship
from stays.models import Crossing
from stays.tasks import daily_scan_task
from tests.conftest import wait_for
from tests.factories import StaffFactory, valid_bin
from tests.permits.factories import add_required_documents, listed_profession, upload

PASSWORD = "Sunny-Astana-2026"


@pytest.mark.services
def test_an_employer_follows_a_professional_from_invitation_to_permit(
    client, celery_worker_process
):
    bin_ = valid_bin()
    response = client.post(
        reverse("portal:signup_employer"),
        {
            "full_name": "Aruzhan HR",
            "email": "hr@astana-tech.kz",
            "bin": bin_,
            "organisation_name": "Astana Tech LLP",
            "preferred_language": "ru",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "registration_document": upload("certificate.pdf"),
        },
    )
    assert response.status_code == 302
    employer_user = User.objects.get(email="hr@astana-tech.kz")

    # Ministry staff verify the organisation against its certificate before it sees anyone.
    reviewer = StaffFactory(groups=["Reviewers"])
    client.force_login(reviewer)
    verify = reverse("admin:portal_employer_decide", args=[employer_user.employer_id, "verify"])
    assert client.post(verify).status_code == 302
    client.force_login(employer_user)

    client.post(reverse("portal:sponsorship_invite"), {"staff-email": "marco@example.it"})
    invitation = Sponsorship.objects.get(email="marco@example.it")
    # The invitation e-mail to an address without an account is delivered by the worker.
    assert wait_for(
        lambda: Notification.objects.filter(
            to_email="marco@example.it", email_sent_at__isnull=False
        ).exists(),
        timeout=60,
    ), celery_worker_process.output()

    client.logout()
    client.post(
        reverse("portal:signup_applicant"),
        {
            "full_name": "Marco Bianchi",
            "email": "marco@example.it",
            "citizenship": "IT",
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    marco = User.objects.get(email="marco@example.it")
    client.post(reverse("portal:sponsorship_answer", args=[invitation.token]), {"answer": "accept"})
    invitation.refresh_from_db()
    assert invitation.status == "active"

    # Marco is in Kazakhstan visa-free (Italy: 30 days) since 16 days ago: he must leave in 14.
    Crossing.objects.create(person=marco, entry=today() - timedelta(days=15))
    daily_scan_task.delay()
    assert wait_for(
        lambda: Notification.objects.filter(recipient=employer_user, kind="stays.warning").exists(),
        timeout=60,
    ), celery_worker_process.output()

    client.force_login(employer_user)
    page = client.get(reverse("portal:employer_dashboard") + "?attention=must_leave")
    assert "Marco Bianchi" in page.content.decode()

    # His application goes to an issued permit; the employer is told at every step.
    application = application_create(  # numbered, as every application is
        applicant=marco,
        full_name="Marco Bianchi",
        citizenship="IT",
        phone="+39 1",
        date_of_birth="1990-02-03",
        passport_number="YA1234567",
        passport_expiry=today() + timedelta(days=3000),
        profession=listed_profession(),
        completed_steps=["personal", "passport", "profession", "employer"],
    )
    add_required_documents(application)
    transition(application, Status.SUBMITTED, by=marco)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    transition(application, Status.APPROVED, by=reviewer)
    assert wait_for(
        lambda: (
            Notification.objects.filter(
                recipient=employer_user, kind="permit.status", email_sent_at__isnull=False
            ).count()
            == 3
        ),
        timeout=60,
    ), celery_worker_process.output()

    page = client.get(reverse("portal:employer_dashboard")).content.decode()
    assert application.permit.number in page
    inbox = client.get(reverse("portal:inbox")).content.decode()
    assert "RP-" in inbox
