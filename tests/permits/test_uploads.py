"""An upload is stored and served under the extension of what it is, not what its name claims;
any name a computer gives is accepted and kept under a safe one; sizes never read as the limit."""

from __future__ import annotations

import html
import io
import re
import unicodedata
from pathlib import Path, PurePosixPath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import content_disposition_header
from PIL import Image

from permits.models import Document, DocumentType
from portal.accounts.models import User
from tests.factories import valid_bin
from tests.permits.factories import PDF_BYTES, ApplicationFactory, upload

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def _upload_file(client, application, path: Path) -> Document:
    with path.open("rb") as handle:
        response = client.post(
            reverse("permits:documents", args=[application.pk]),
            {"doc_type": DocumentType.objects.get(code="passport").pk, "file": handle},
        )
    assert response.status_code == 302, response.context["form"].errors
    return Document.objects.get()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "served_as"),
    [
        ("invoice.exe", PDF_BYTES, "application/pdf", "invoice.pdf"),
        ("scan.png", _jpeg(), "image/jpeg", "scan.jpg"),
        ("photo.jpeg", _jpeg(), "image/jpeg", "photo.jpeg"),
        ("page.html", _png(), "image/png", "page.png"),
        ("Passport scan (1)", PDF_BYTES, "application/pdf", "Passport scan (1).pdf"),
    ],
    ids=["exe-holding-pdf", "png-holding-jpeg", "jpeg-kept", "html-holding-png", "no-extension"],
)
def test_the_stored_and_downloaded_names_follow_the_content(
    client, applicant, tmp_path, name, content, content_type, served_as
):
    path = tmp_path / name
    path.write_bytes(content)
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)

    document = _upload_file(client, application, path)

    assert document.content_type == content_type
    assert document.original_name == served_as
    stored = Path(document.file.path)
    assert stored.suffix == Path(served_as).suffix.replace(".jpeg", ".jpg")
    assert stored.read_bytes() == content
    response = client.get(reverse("permits:document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{served_as}"'
    assert b"".join(response.streaming_content) == content


def test_a_document_stored_under_a_lying_name_is_served_under_its_real_one(client, applicant):
    # Stored before names followed the content: the download is named by the content anyway.
    application = ApplicationFactory(applicant=applicant)
    document = Document.objects.create(
        application=application,
        doc_type=DocumentType.objects.get(code="passport"),
        file=upload("invoice.exe"),
        original_name="invoice.exe",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=applicant,
    )
    client.force_login(applicant)

    response = client.get(reverse("permits:document", args=[document.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="invoice.pdf"'
    assert document.file.name.endswith(".pdf")


# --- Names and sizes as people's computers give them -------------------------------------------

MAC_NAME = unicodedata.normalize("NFD", "Йосиф Ёлкин паспорт.pdf")  # as macOS sends it


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (MAC_NAME, "Йосиф Ёлкин паспорт.pdf"),
        ("O'Brien [passport] (copy).pdf", "O'Brien [passport] (copy).pdf"),
        ("паспорт 🛂 scan.pdf", "паспорт 🛂 scan.pdf"),
        ('a<b>c:"d"|e?f*.pdf', "a_b_c__d__e_f_.pdf"),
        ("\u202efdp.exe", "fdp.pdf"),  # a right-to-left override, dropped
        ("  .hidden  .pdf", "hidden.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
    ids=[
        "macos-decomposed",
        "apostrophe-brackets",
        "emoji",
        "windows-reserved",
        "rtl-override",
        "leading-dot",
        "long",
    ],
)
def test_any_file_name_is_accepted_and_kept_under_a_safe_name(client, applicant, name, shown):
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("permits:documents", args=[application.pk]),
        {
            "doc_type": DocumentType.objects.get(code="passport").pk,
            "file": SimpleUploadedFile(name, PDF_BYTES),
        },
    )
    assert response.status_code == 302, response.context["form"].errors

    document = Document.objects.get()
    assert document.original_name == shown
    assert unicodedata.is_normalized("NFC", document.original_name)
    # On disk: a random name of the content's extension, nothing of the person's.
    stored = PurePosixPath(document.file.name)
    assert stored.parent == PurePosixPath(f"documents/{application.pk}")
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored.name)
    page = client.get(reverse("permits:documents", args=[application.pk])).content.decode()
    assert html.escape(shown) in page
    download = client.get(reverse("permits:document", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == content_disposition_header(True, shown)


def test_the_employers_certificate_takes_a_macos_name_too(client):
    data = {
        "full_name": "Erlan B",
        "email": "erlan@firm.kz",
        "bin": valid_bin(),
        "organisation_name": "Firm LLP",
        "address": "Almaty",
        "preferred_language": "kk",
        "password1": "Sunny-Astana-2026",
        "password2": "Sunny-Astana-2026",
        "registration_document": SimpleUploadedFile(
            unicodedata.normalize("NFD", "Тіркеу куәлігі (2024).pdf"), PDF_BYTES
        ),
    }
    response = client.post(reverse("portal:signup_employer"), data)
    assert response.status_code == 302, response.context["form"].errors
    employer = User.objects.get(email="erlan@firm.kz").employer
    assert employer.document_name == "Тіркеу куәлігі (2024).pdf"
    assert re.fullmatch(r"registrations/[0-9a-f]{32}\.pdf", employer.registration_document.name)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "The file is 10.1 MB; the limit is 10 MB."),
        ("ru", "Размер файла — 10,1 МБ, допустимо не более 10 МБ."),
    ],
)
def test_a_file_just_over_the_limit_never_reads_as_the_limit(client, applicant, language, words):
    applicant.preferred_language = language
    applicant.save()
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    just_over = PDF_BYTES + b"0" * (10 * 1024 * 1024 + 1 - len(PDF_BYTES))
    response = client.post(
        reverse("permits:documents", args=[application.pk]),
        {
            "doc_type": DocumentType.objects.get(code="passport").pk,
            "file": SimpleUploadedFile("scan.pdf", just_over),
        },
    )
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["file"])
    assert not Document.objects.exists()
