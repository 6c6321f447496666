"""Point 4: a reviewer revokes an issued permit in the admin, a workflow move like the others:
recorded, notified to the holder, shown as revoked by the check, and no longer exempting stays."""

from datetime import timedelta

import pytest
from django.urls import reverse

from permits.models import Permit, StatusChange
from permits.states import InvalidTransition, Status
from permits.workflow import allowed_next, transition
from portal.accounts.roles import REVIEWERS
from portal.core import clock
from portal.notifications.models import Notification
from stays import scan
from stays import services as stays
from stays.models import StayStatus
from stays.rules import Period
from tests.factories import StaffFactory
from tests.stays.factories import history

from .conftest import application_of

pytestmark = pytest.mark.django_db


def _move(client, application, **data):
    url = reverse("admin:permits_application_move", args=[application.pk, "revoked"])
    return client.post(url, {"expected_status": application.status, **data})


def test_a_reviewer_revokes_a_permit_in_the_admin(
    client, reviewer, permit, mailoutbox, django_capture_on_commit_callbacks
):
    application = application_of(permit)
    client.force_login(reviewer)
    change = client.get(reverse("admin:permits_application_change", args=[application.pk]))
    assert "Revoke the permit" in change.content.decode()
    # First pass: the standard text for the reason, to read and edit.
    first = _move(client, application, reason="false_documents")
    assert first.status_code == 200
    assert "documents that proved to be false" in first.content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        response = _move(
            client,
            application,
            reason="false_documents",
            message="Your diploma was forged.",
            note="Checked with the university.",
        )
    assert response.status_code == 302
    application.refresh_from_db()
    permit.refresh_from_db()
    assert application.status == Status.REVOKED
    assert permit.revoked_on == clock.today()
    recorded = StatusChange.objects.filter(application=application).last()
    assert (recorded.from_status, recorded.to_status, recorded.by) == (
        Status.APPROVED,
        Status.REVOKED,
        reviewer,
    )
    assert recorded.reason == "false_documents"
    assert recorded.reason_label() == "The permit was obtained with false documents"
    notice = Notification.objects.filter(recipient=application.applicant).order_by("pk").last()
    assert notice.kind == "permit.status" and notice.subject.endswith(": permit revoked")
    assert "Your diploma was forged." in mailoutbox[-1].body
    assert "The permit was obtained with false documents" in mailoutbox[-1].body
    # The decision date of the application is not moved by the revocation.
    assert application.decided_at < recorded.at


def test_a_reason_and_a_message_are_required(reviewer, permit):
    application = application_of(permit)
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.REVOKED, by=reviewer, message="x")
    assert error.value.code == "reason_required"
    with pytest.raises(InvalidTransition) as error:
        transition(application, Status.REVOKED, by=reviewer, reason="security")
    assert error.value.code == "message_required"
    permit.refresh_from_db()
    assert permit.revoked_on is None


def test_only_reviewers_with_the_permission_revoke(permit, applicant):
    application = application_of(permit)
    # Staff who may review applications but were not given "revoke" (not in the group).
    from django.contrib.auth.models import Permission

    clerk = StaffFactory(email="clerk@gov.kz")
    clerk.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="permits",
            codename__in=["view_application", "change_application"],
        )
    )
    assert Status.REVOKED not in allowed_next(application, clerk)
    assert Status.REVOKED not in allowed_next(application, applicant)
    for who in (clerk, applicant):
        with pytest.raises(InvalidTransition) as error:
            transition(application, Status.REVOKED, by=who, reason="security", message="x")
        assert error.value.code == "not_reviewer"
    # Any reviewer of the group may, not only the one who approved.
    colleague = StaffFactory(email="colleague@gov.kz", groups=[REVIEWERS])
    assert allowed_next(application, colleague) == [Status.REVOKED]
    transition(application, Status.REVOKED, by=colleague, reason="security", message="x")
    assert Permit.objects.get(pk=permit.pk).revoked_on == clock.today()
    # Once revoked, nothing follows.
    assert allowed_next(application, colleague) == []


def test_the_check_shows_the_permit_revoked_from_that_moment(client, reviewer, permit):
    url = reverse("verification:check", args=[permit.verification.token])
    assert 'data-state="valid"' in client.get(url).content.decode()
    transition(application_of(permit), Status.REVOKED, by=reviewer, reason="security", message="x")
    html = client.get(url).content.decode()
    assert 'data-state="revoked"' in html
    assert "revoked on" in html
    # The holder can no longer download it; the page says why.
    client.force_login(permit.application.applicant)
    assert client.get(reverse("verification:permit_pdf", args=[permit.pk, "en"])).status_code == 404
    page = client.get(reverse("verification:documents")).content.decode()
    assert "it can no longer be downloaded" in page


def test_the_stay_tracker_counts_the_days_from_the_revocation_on(applicant, reviewer, permit):
    on = clock.today()
    permit.issue_date = on - timedelta(days=60)
    permit.save()
    history(applicant, [(on - timedelta(days=50), None)])  # here since, under the permit
    assert stays.permit_periods(applicant.pk) == [
        Period(on - timedelta(days=60), permit.valid_until)
    ]
    assert stays.person_overview(applicant, on=on).assessment.days_in_window == 0
    scan.daily_scan(on=on)
    assert not StayStatus.objects.filter(person=applicant).exists()  # covered: not scanned

    transition(application_of(permit), Status.REVOKED, by=reviewer, reason="security", message="x")

    # Exempt up to the day before; the revocation day itself counts.
    assert stays.permit_periods(applicant.pk) == [
        Period(on - timedelta(days=60), on - timedelta(days=1))
    ]
    overview = stays.person_overview(applicant, on=on)
    assert overview.permit_now is None
    assert overview.assessment.days_in_window == 1
    assert not Permit.objects.get(pk=permit.pk).covers(on)
    assert Permit.objects.get(pk=permit.pk).covers(on - timedelta(days=1))
    scan.daily_scan(on=on)  # the daily scan reads the same periods
    assert StayStatus.objects.get(person=applicant).days_in_window == 1
