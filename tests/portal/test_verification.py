"""Organisations are verified by ministry staff before they see anyone (security issue #11).

A new organisation registers with its state registration certificate and waits; a reviewer opens
the certificate from the admin and verifies or refuses it (with a reason); the decision is
recorded and the organisation's users are told. Until it is verified, its users see no
professional's data. A claim on a BIN never locks the real company out: anyone may claim a BIN
that no verified organisation holds, and staff verify at most one claim per BIN.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse

from permits.services import application_create
from permits.states import Status
from permits.workflow import transition
from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.organisations import services
from portal.organisations.models import Employer, EmployerStatusChange
from tests.factories import EmployerFactory, EmployerUserFactory, UserFactory, sponsor, valid_bin
from tests.permits.factories import PDF_BYTES, PNG_BYTES, ready_application, upload

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("portal:employer_dashboard")
PASSWORD = "Sunny-Astana-2026"


def _sign_up(client, email: str, bin_: str, name: str = "Firm LLP", document=None):
    return client.post(
        reverse("portal:signup_employer"),
        {
            "full_name": "HR " + email,
            "email": email,
            "bin": bin_,
            "organisation_name": name,
            "address": "Almaty",
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "registration_document": document or upload("certificate.pdf"),
        },
        follow=True,
    )


def _decide(client, employer: Employer, decision: str, **data):
    url = reverse("admin:portal_employer_decide", args=[employer.pk, decision])
    return client.post(url, data, follow=True)


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def waiting(client):
    """A new organisation, signed up with its certificate: waiting for verification."""
    _sign_up(client, "hr@steppe.kz", valid_bin(), name="Steppe Logistics LLP")
    client.logout()
    return User.objects.get(email="hr@steppe.kz")


# --- what an unverified organisation sees -------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "refused"])
def test_an_unverified_organisation_sees_no_professional(client, applicant, status):
    # A link made before verification existed (or an organisation refused later) is not enough.
    employer = EmployerFactory(status=status)
    member = EmployerUserFactory(employer=employer)
    sponsor(employer, applicant)
    ready_application(applicant=applicant, passport_number="PASS-SECRET-1")
    client.force_login(member)

    page = client.get(DASHBOARD)
    assert page.status_code == 200
    html = page.content.decode()
    assert applicant.full_name not in html and applicant.email not in html
    assert "Waiting for verification" in html or "was not verified" in html
    for name in ("portal:staff_csv", "portal:employer_report", "portal:employer_report_pdf"):
        response = client.get(reverse(name) + "?month=2026-11")
        assert response.status_code == 403, name
        assert applicant.full_name not in _body(response)
    assert client.get(reverse("stays:person", args=[applicant.pk])).status_code == 403
    assert client.get(reverse("stays:import")).status_code == 403
    invite = client.post(reverse("portal:sponsorship_invite"), {"staff-email": "x@example.kz"})
    assert invite.status_code == 403


def test_an_unverified_organisation_is_told_nothing_of_the_staff_it_sponsored(
    client, applicant, reviewer
):
    employer = EmployerFactory(status="pending")
    member = EmployerUserFactory(employer=employer)
    sponsor(employer, applicant)
    application = ready_application(applicant=applicant)
    transition(application, Status.SUBMITTED, by=applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    assert Notification.objects.filter(recipient=applicant).count() == 2
    assert not Notification.objects.filter(recipient=member).exists()


def test_sign_up_registers_a_claim_waiting_with_its_certificate(client, waiting):
    employer = waiting.employer
    assert employer.status == "pending" and waiting.employer_confirmed
    assert employer.registration_document.read() == PDF_BYTES
    # Stored under a random name, never the uploader's.
    assert "certificate" not in employer.registration_document.name
    assert employer.document_name == "certificate.pdf"
    change = EmployerStatusChange.objects.get(employer=employer)
    assert (change.from_status, change.to_status, change.by) == ("", "pending", waiting)
    client.force_login(waiting)
    html = client.get(DASHBOARD).content.decode()
    assert "Waiting for verification" in html and "Certificate received: certificate.pdf" in html


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (None, "upload its state registration certificate"),
        (upload("certificate.pdf", b"MZ\x90\x00 not a pdf"), "not a PDF, JPEG or PNG"),
    ],
)
def test_sign_up_needs_a_real_certificate(client, document, message):
    data = {
        "full_name": "HR",
        "email": "hr@firm.kz",
        "bin": valid_bin(),
        "organisation_name": "Firm LLP",
        "preferred_language": "en",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    if document is not None:
        data["registration_document"] = document
    response = client.post(reverse("portal:signup_employer"), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["registration_document"])
    assert not Employer.objects.exists() and not User.objects.filter(email="hr@firm.kz").exists()


# --- staff verify or refuse in the admin --------------------------------------------------------


def test_a_reviewer_opens_the_certificate_and_verifies_the_organisation(
    client, waiting, applicant, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    employer = waiting.employer
    sponsor(employer, applicant)
    client.force_login(reviewer)
    change_page = client.get(reverse("admin:portal_employer_change", args=[employer.pk]))
    html = change_page.content.decode()
    certificate = reverse("portal:employer_registration", args=[employer.pk])
    assert certificate in html
    assert reverse("admin:portal_employer_decide", args=[employer.pk, "verify"]) in html
    response = client.get(certificate + "?inline=1")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"

    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, employer, "verify")
    assert "Its users are told" in response.content.decode()
    employer.refresh_from_db()
    assert employer.status == "verified"
    change = employer.status_changes.last()
    assert (change.from_status, change.to_status, change.by) == ("pending", "verified", reviewer)
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Employer), object_id=str(employer.pk)
    )
    assert (entry.user, entry.action_flag, entry.change_message) == (reviewer, CHANGE, "Verified")
    told = Notification.objects.get(recipient=waiting, kind="employer.verified")
    assert "is verified" in told.subject
    assert [m.to for m in mailoutbox] == [[waiting.email]]

    client.force_login(waiting)
    assert applicant.full_name in client.get(DASHBOARD).content.decode()


def test_a_reviewer_refuses_with_a_reason_and_the_organisation_sends_a_corrected_certificate(
    client, waiting, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    employer = waiting.employer
    client.force_login(reviewer)
    response = _decide(client, employer, "refuse", reason="  ")
    assert response.context["form"].errors["reason"]
    employer.refresh_from_db()
    assert employer.status == "pending"

    reason = "The certificate names another organisation. Upload the certificate of Steppe."
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, employer, "refuse", reason=reason)
    employer.refresh_from_db()
    assert employer.status == "refused"
    change = employer.status_changes.last()
    assert (change.to_status, change.by, change.reason) == ("refused", reviewer, reason)
    entry = LogEntry.objects.get(object_id=str(employer.pk), content_type__model="employer")
    assert entry.user == reviewer and reason in entry.change_message
    told = Notification.objects.get(recipient=waiting, kind="employer.refused")
    assert reason in told.body and "upload the state registration certificate again" in told.body
    assert reason in mailoutbox[0].body

    # The organisation reads the reason and sends a corrected certificate: waiting again.
    client.force_login(waiting)
    page = client.get(DASHBOARD).content.decode()
    assert reason in page and "Upload a corrected certificate" in page
    send = reverse("portal:employer_registration_send")
    bad = client.post(send, {"registration_document": upload("scan.png", b"GIF89a-not-png")})
    assert bad.status_code == 200 and "not a PDF, JPEG or PNG" in bad.content.decode()
    employer.refresh_from_db()
    assert employer.status == "refused"
    old_name = employer.registration_document.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send, {"registration_document": upload("scan.png", PNG_BYTES)})
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.status == "pending" and employer.document_content_type == "image/png"
    assert employer.registration_document.read() == PNG_BYTES
    assert not employer.registration_document.storage.exists(old_name)
    change = employer.status_changes.last()
    assert (change.from_status, change.to_status, change.by) == ("refused", "pending", waiting)
    assert "Waiting for verification" in client.get(DASHBOARD).content.decode()


def test_only_a_reviewer_decides(client, waiting, catalogue_editor, employer_user):
    employer = waiting.employer
    for who, expected in [(catalogue_editor, 404), (employer_user, 302), (waiting, 302)]:
        client.force_login(who)
        url = reverse("admin:portal_employer_decide", args=[employer.pk, "verify"])
        response = client.post(url)
        assert response.status_code == expected, who
        if expected == 302:
            assert response.url.startswith(reverse("admin:login"))
    employer.refresh_from_db()
    assert employer.status == "pending" and not LogEntry.objects.exists()
    # The organisation's own user cannot verify it by changing the form either.
    client.force_login(waiting)
    client.post(reverse("portal:employer_registration_send"), {"status": "verified"})
    employer.refresh_from_db()
    assert employer.status == "pending"


def test_a_verified_organisation_sends_no_certificate(client, employer_user):
    client.force_login(employer_user)
    response = client.post(
        reverse("portal:employer_registration_send"), {"registration_document": upload()}
    )
    assert response.status_code == 403
    assert employer_user.employer.status_changes.count() == 0


def test_an_organisation_without_a_certificate_cannot_be_verified(client, reviewer):
    employer = EmployerFactory(status="pending")  # registered before certificates were asked
    client.force_login(reviewer)
    response = _decide(client, employer, "verify")
    assert "sent no registration certificate" in response.content.decode()
    employer.refresh_from_db()
    assert employer.status == "pending" and not LogEntry.objects.exists()


@pytest.mark.parametrize(
    "who", [None, "applicant", "employer_user", "catalogue_editor", "the organisation"]
)
def test_the_certificate_is_served_only_to_reviewers(client, request, waiting, who):
    user = waiting if who == "the organisation" else who and request.getfixturevalue(who)
    if user:
        client.force_login(user)
    url = reverse("portal:employer_registration", args=[waiting.employer_id])
    assert client.get(url).status_code == 404
    assert client.get(url + "?inline=1").status_code == 404


# --- a BIN that someone else claimed first -------------------------------------------------------


def test_a_company_is_not_locked_out_by_whoever_claimed_its_bin_first(client, reviewer):
    bin_ = valid_bin()
    _sign_up(client, "fraud@example.com", bin_, name="Real Company LLP")
    client.logout()
    response = _sign_up(client, "hr@real-company.kz", bin_, name="Real Company LLP")
    fraud = User.objects.get(email="fraud@example.com")
    real = User.objects.get(email="hr@real-company.kz")
    # Each claim is its own organisation: the real company does not wait for the fraudster.
    assert real.employer != fraud.employer and real.employer_confirmed
    assert "Waiting for verification" in response.content.decode()

    client.force_login(reviewer)
    change_page = client.get(reverse("admin:portal_employer_change", args=[real.employer_id]))
    assert reverse("admin:portal_employer_change", args=[fraud.employer_id]) in (
        change_page.content.decode()
    )  # staff see the competing claim
    _decide(client, fraud.employer, "refuse", reason="Not the company's certificate.")
    _decide(client, real.employer, "verify")
    real.employer.refresh_from_db()
    assert real.employer.status == "verified"

    # The refused claim sends a certificate again: it waits, but cannot be verified beside the
    # real company (the service says so; the database refuses a second verified claim too).
    client.force_login(fraud)
    client.post(reverse("portal:employer_registration_send"), {"registration_document": upload()})
    fraud.employer.refresh_from_db()
    assert fraud.employer.status == "pending"
    client.force_login(reviewer)
    response = _decide(client, fraud.employer, "verify")
    assert "Another claim on this BIN is verified already" in response.content.decode()
    fraud.employer.refresh_from_db()
    assert fraud.employer.status == "pending"
    with pytest.raises(IntegrityError), transaction.atomic():
        Employer.objects.filter(pk=fraud.employer_id).update(status="verified")

    # Whoever signs up with the BIN now joins the verified company, confirmed by a colleague.
    client.logout()
    _sign_up(client, "late@real-company.kz", bin_)
    late = User.objects.get(email="late@real-company.kz")
    assert late.employer == real.employer and not late.employer_confirmed


def test_a_professional_can_name_only_the_verified_claim(client, applicant, reviewer):

    bin_ = valid_bin()
    pending = EmployerFactory(bin=bin_, status="pending", name="Impostor LLP")
    verified = Employer.objects.create(bin=bin_, name="Genuine LLP", status="verified")
    application = application_create(applicant=applicant)
    client.force_login(applicant)
    client.post(reverse("permits:step", args=[application.pk, "employer"]), {"employer_bin": bin_})
    application.refresh_from_db()
    assert application.employer == verified
    assert not pending.sponsorships.exists() and verified.sponsorships.get().status == "requested"


def test_the_migration_leaves_existing_organisations_waiting(
    django_db_serialized_rollback, transactional_db
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("portal", "0005_invitations_and_address_mail")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("portal", "Employer").objects.create(bin=valid_bin(), name="Old LLP")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    employer = Employer.objects.get(name="Old LLP")
    assert employer.status == "pending" and not employer.registration_document


def test_unverified_user_sees_pending_even_when_the_role_is_cached(client, waiting, reviewer):
    """The signed-in person's row is cached (``portal/accounts/auth.py``); the organisation's
    verification is read afresh, so a decision shows on the very next request."""
    client.force_login(waiting)
    assert "Waiting for verification" in client.get(DASHBOARD).content.decode()
    services.employer_verify(employer=waiting.employer, by=reviewer)
    assert client.get(reverse("portal:staff_csv")).status_code == 200
    services.employer_refuse(employer=waiting.employer, by=reviewer, reason="Revoked.")
    assert client.get(reverse("portal:staff_csv")).status_code == 403
    assert "Revoked." in client.get(DASHBOARD).content.decode()


def test_a_member_waiting_for_a_colleague_is_told_so(client, employer_user):
    joiner = UserFactory(
        kind=User.Kind.EMPLOYER, employer=employer_user.employer, employer_confirmed=False
    )
    client.force_login(joiner)
    html = client.get(DASHBOARD).content.decode()
    assert "Waiting for confirmation" in html and "registration_document" not in html
    response = client.post(
        reverse("portal:employer_registration_send"), {"registration_document": upload()}
    )
    assert response.status_code == 403


def test_a_certificate_is_stored_and_served_by_what_it_is_not_by_its_name(client, reviewer):
    """``certificate.html`` holding a PDF is stored as .pdf and downloaded as certificate.pdf:
    a name cannot make staff's browser open it as a page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    disguised = SimpleUploadedFile(
        "certificate.html", PDF_BYTES + b"<html><script>alert(1)</script>", "text/html"
    )
    _sign_up(client, "hr@disguise.kz", valid_bin(), document=disguised)
    client.logout()
    employer = User.objects.get(email="hr@disguise.kz").employer
    assert employer.registration_document.name.endswith(".pdf")
    assert employer.document_name == "certificate.pdf"
    client.force_login(reviewer)
    response = client.get(reverse("portal:employer_registration", args=[employer.pk]))
    assert response.status_code == 200
    assert 'filename="certificate.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
