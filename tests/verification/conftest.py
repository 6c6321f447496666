"""Holders of permits, PDFs read back as text and QR codes decoded from their images."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from permits.models import Application, Permit
from permits.states import Status
from permits.workflow import transition
from portal.accounts.models import User
from tests.permits.factories import ready_application


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def issue_permit(applicant: User, reviewer: User, **fields) -> Permit:
    """An application taken through the workflow to approval: the permit it issues."""
    application = ready_application(applicant=applicant, **fields)
    transition(application, Status.SUBMITTED, by=applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    transition(application, Status.APPROVED, by=reviewer)
    return Permit.objects.get(application=application)


@pytest.fixture
def permit(applicant, reviewer) -> Permit:
    return issue_permit(applicant, reviewer, full_name="Alice Applicant", citizenship="DE")


@dataclass
class ReadPdf:
    text: str
    qr: list[str]  # the text of every QR code found in the page images


def read_pdf(content: bytes) -> ReadPdf:
    """The text of a PDF (pypdf) and every QR code decoded from its images (zxing-cpp)."""
    import zxingcpp
    from pypdf import PdfReader

    assert content.startswith(b"%PDF-"), content[:20]
    reader = PdfReader(io.BytesIO(content))
    text, found = [], []
    for page in reader.pages:
        text.append(page.extract_text())
        for image in page.images:
            found += [r.text for r in zxingcpp.read_barcodes(image.image)]
    return ReadPdf("\n".join(text), found)


def application_of(permit: Permit) -> Application:
    return Application.objects.get(pk=permit.application_id)
