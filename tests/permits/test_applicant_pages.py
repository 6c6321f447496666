"""The applicant's path through the pages: steps, documents, check answers, submit, follow."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from permits.models import Application, Document, DocumentType
from permits.states import Status
from permits.workflow import transition
from portal.core import clock
from tests.factories import EmployerFactory, valid_bin
from tests.permits.factories import (
    PDF_BYTES,
    PNG_BYTES,
    ApplicationFactory,
    listed_profession,
    ready_application,
)

pytestmark = pytest.mark.django_db


def _doc(code):
    return DocumentType.objects.get(code=code)


def test_it_walks_a_professional_from_draft_to_submission(client, applicant):
    profession = listed_profession()
    client.force_login(applicant)
    page = client.get(reverse("permits:apply") + f"?profession={profession.pk}")
    assert f'name="profession" value="{profession.pk}"' in page.content.decode()
    assert not Application.objects.exists()  # a GET (a link, a prefetch) starts nothing
    response = client.post(reverse("permits:apply"), {"profession": profession.pk})
    application = Application.objects.get(applicant=applicant)
    assert application.profession == profession and application.status == Status.DRAFT
    assert response.url == reverse("permits:step", args=[application.pk, "personal"])

    steps = {
        "personal": {
            "full_name": "Alice Applicant",
            "date_of_birth": "1990-01-02",
            "citizenship": "DE",
            "phone": "+49 1",
            "address_in_kazakhstan": "",
        },
        "passport": {
            "passport_number": "c 1234567",
            "passport_expiry": (clock.today() + timedelta(days=2000)).isoformat(),
        },
        "profession": {"profession": profession.pk},
        "employer": {"employer_bin": ""},
    }
    for step, data in steps.items():
        response = client.post(reverse("permits:step", args=[application.pk, step]), data)
        assert response.status_code == 302, response.context["form"].errors
    assert response.url == reverse("permits:documents", args=[application.pk])
    application.refresh_from_db()
    assert application.passport_number == "C1234567"

    # The checklist shows the facilitated route: no proof of solvency.
    page = client.get(reverse("permits:documents", args=[application.pk])).content.decode()
    assert "Proof of solvency" not in page and "Autobiography" in page

    # Submission is refused while a document is missing.
    response = client.post(
        reverse("permits:review", args=[application.pk]), {"expected_status": "draft"}, follow=True
    )
    assert "Documents still missing" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    for doc_type in DocumentType.objects.for_route("facilitated"):
        client.post(
            reverse("permits:documents", args=[application.pk]),
            {
                "doc_type": doc_type.pk,
                "file": SimpleUploadedFile(f"{doc_type.code}.pdf", PDF_BYTES),
            },
        )
    assert application.documents.count() == DocumentType.objects.for_route("facilitated").count()

    response = client.post(
        reverse("permits:review", args=[application.pk]), {"expected_status": "draft"}
    )
    assert response.url == reverse("permits:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.route == "facilitated"
    detail = client.get(response.url).content.decode()
    assert "Expected decision by" in detail and application.number in detail


def test_it_asks_for_proof_of_solvency_when_the_profession_is_not_listed(client, applicant):
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    client.post(
        reverse("permits:step", args=[application.pk, "profession"]),
        {"profession_not_listed": "on", "profession_other": "Sommelier"},
    )
    application.refresh_from_db()
    assert application.profession is None and application.current_route() == "standard"
    page = client.get(reverse("permits:documents", args=[application.pk])).content.decode()
    assert "Proof of solvency" in page


def test_it_keeps_one_open_application_per_applicant(client, applicant):
    client.force_login(applicant)
    client.post(reverse("permits:apply"))
    client.post(reverse("permits:apply"))
    assert Application.objects.filter(applicant=applicant).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "not a PDF, JPEG or PNG"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_it_refuses_bad_uploads_with_a_clear_message(client, applicant, name, content, message):
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("permits:documents", args=[application.pk]),
        {"doc_type": _doc("passport").pk, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not Document.objects.exists()


def test_it_never_lets_a_file_name_choose_where_it_is_stored(client, applicant):
    # Django strips path parts from uploaded names; the stored name is random anyway.
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    client.post(
        reverse("permits:documents", args=[application.pk]),
        {
            "doc_type": _doc("passport").pk,
            "file": SimpleUploadedFile("../../../etc/passwd.pdf", PDF_BYTES),
        },
    )
    document = Document.objects.get()
    assert "/" not in document.original_name and ".." not in document.original_name
    assert document.file.name.startswith(f"documents/{application.pk}/")
    assert "passwd" not in document.file.name


def test_it_refuses_a_file_over_10_mb(client, applicant):
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (50 * 1024 * 1024))
    response = client.post(
        reverse("permits:documents", args=[application.pk]),
        {"doc_type": _doc("passport").pk, "file": big},
    )
    assert "the limit is 10 MB" in str(response.context["form"].errors["file"])
    assert not Document.objects.exists()


def test_it_accepts_png_and_jpeg_by_content(client, applicant):
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    client.post(
        reverse("permits:documents", args=[application.pk]),
        {"doc_type": _doc("passport").pk, "file": SimpleUploadedFile("photo.png", PNG_BYTES)},
    )
    client.post(
        reverse("permits:documents", args=[application.pk]),
        {
            "doc_type": _doc("autobiography").pk,
            "file": SimpleUploadedFile("bio.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50),
        },
    )
    assert sorted(application.documents.values_list("content_type", flat=True)) == [
        "image/jpeg",
        "image/png",
    ]


def test_it_refuses_a_passport_expiring_within_180_days_and_keeps_the_draft(client, applicant):
    application = ApplicationFactory(applicant=applicant, passport_number="OLD123456")
    client.force_login(applicant)
    response = client.post(
        reverse("permits:step", args=[application.pk, "passport"]),
        {
            "passport_number": "NEW1234567",
            "passport_expiry": (clock.today() + timedelta(days=100)).isoformat(),
        },
    )
    assert "valid for more than 180 days" in str(response.context["form"].errors)
    assert 'value="NEW1234567"' in response.content.decode()
    application.refresh_from_db()
    assert application.passport_number == "OLD123456" and application.full_name


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "This passport expired on"),
        ("ru", "Срок действия этого паспорта истёк"),
        ("kk", "Бұл паспорттың қолданылу мерзімі"),
    ],
)
def test_it_calls_an_expired_passport_expired(client, applicant, language, words):
    applicant.preferred_language = language
    applicant.save()
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("permits:step", args=[application.pk, "passport"]),
        {"passport_number": "NEW1234567", "passport_expiry": "2020-03-01"},
    )
    errors = " ".join(response.context["form"].errors["passport_expiry"])
    assert words in errors
    assert "180" not in errors  # not "must be valid for more than 180 days": it is expired


def test_it_refuses_a_bin_with_a_wrong_check_digit(client, applicant):
    application = ApplicationFactory(applicant=applicant)
    good = valid_bin()
    client.force_login(applicant)
    response = client.post(
        reverse("permits:step", args=[application.pk, "employer"]),
        {"employer_bin": good[:11] + str((int(good[11]) + 1) % 10)},
    )
    assert "last digit does not match" in str(response.context["form"].errors["employer_bin"])


def test_it_links_the_sponsoring_employer_by_bin(client, applicant):
    employer = EmployerFactory()
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    client.post(
        reverse("permits:step", args=[application.pk, "employer"]), {"employer_bin": employer.bin}
    )
    application.refresh_from_db()
    assert application.employer == employer


def test_it_saves_the_draft_and_resumes_it(client, applicant):
    client.force_login(applicant)
    client.post(reverse("permits:apply"))
    application = Application.objects.get(applicant=applicant)
    response = client.post(
        reverse("permits:step", args=[application.pk, "personal"]),
        {
            "full_name": "Alice A",
            "date_of_birth": "1990-01-02",
            "citizenship": "DE",
            "phone": "+49 1",
            "save_exit": "1",
        },
    )
    assert response.url == reverse("portal:dashboard")
    response = client.get(reverse("permits:apply"))
    assert response.url == reverse("permits:step", args=[application.pk, "passport"])


def test_the_applicant_answers_an_information_request(client, applicant, reviewer):
    application = ready_application(applicant=applicant)
    transition(application, Status.SUBMITTED, by=applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    transition(
        application,
        Status.INFO_REQUESTED,
        by=reviewer,
        reason="missing_document",
        message="Please add your master's diploma.",
    )
    client.force_login(applicant)
    detail = client.get(reverse("permits:detail", args=[application.pk])).content.decode()
    assert "Please add your master" in detail
    client.post(
        reverse("permits:documents", args=[application.pk]),
        {"doc_type": _doc("qualification").pk, "file": SimpleUploadedFile("master.pdf", PDF_BYTES)},
    )
    client.post(
        reverse("permits:review", args=[application.pk]),
        {"expected_status": "info_requested", "note": "Diploma attached."},
    )
    application.refresh_from_db()
    assert application.status == Status.RESUBMITTED
    assert application.changes.last().note == "Diploma attached."


def test_it_withdraws_before_a_decision(client, applicant):
    application = ready_application(applicant=applicant)
    transition(application, Status.SUBMITTED, by=applicant)
    client.force_login(applicant)
    client.post(
        reverse("permits:withdraw", args=[application.pk]),
        {"expected_status": "submitted", "note": "Changed my plans"},
    )
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


class TestAccess:
    def test_another_applicant_cannot_reach_an_application_or_its_files(
        self, client, applicant, other_applicant
    ):
        application = ready_application(applicant=applicant)
        document = application.documents.first()
        client.force_login(other_applicant)
        for url in [
            reverse("permits:detail", args=[application.pk]),
            reverse("permits:step", args=[application.pk, "personal"]),
            reverse("permits:documents", args=[application.pk]),
            reverse("permits:review", args=[application.pk]),
            reverse("permits:document", args=[document.pk]),
        ]:
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("permits:withdraw", args=[application.pk])).status_code == 404
        assert (
            client.post(reverse("permits:document_delete", args=[document.pk])).status_code == 404
        )
        assert Document.objects.filter(pk=document.pk).exists()

    def test_an_employer_never_sees_documents(self, client, employer_user, applicant):
        application = ready_application(applicant=applicant, employer=employer_user.employer)
        client.force_login(employer_user)
        document = application.documents.first()
        assert client.get(reverse("permits:document", args=[document.pk])).status_code == 404
        assert client.get(reverse("permits:detail", args=[application.pk])).status_code == 403

    def test_the_applicant_and_reviewers_download_documents(self, client, applicant, reviewer):
        application = ready_application(applicant=applicant)
        document = application.documents.first()
        client.force_login(applicant)
        response = client.get(reverse("permits:document", args=[document.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
        assert response["Cache-Control"] == "private, no-store"
        # A draft stays private, even from reviewers.
        client.force_login(reviewer)
        assert client.get(reverse("permits:document", args=[document.pk])).status_code == 404
        transition(application, Status.SUBMITTED, by=applicant)
        assert client.get(reverse("permits:document", args=[document.pk])).status_code == 200

    def test_anonymous_visitors_are_sent_to_log_in(self, client, applicant):
        application = ready_application(applicant=applicant)
        assert client.get(reverse("permits:detail", args=[application.pk])).status_code == 302
        document = application.documents.first()
        assert client.get(reverse("permits:document", args=[document.pk])).status_code == 404

    def test_files_are_not_under_any_public_url(self, settings):
        assert not getattr(settings, "MEDIA_URL", "").strip("/")
