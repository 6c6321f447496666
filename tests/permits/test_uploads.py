"""An upload is stored and served under the extension of what it is, not what its name claims."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from permits.models import Document, DocumentType
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
