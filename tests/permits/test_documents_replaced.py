"""permits.services: documents replaced and removed, their files deleted only after commit."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from permits import services
from permits.models import Document, DocumentType
from tests.permits.factories import PDF_BYTES, ApplicationFactory, upload

pytestmark = pytest.mark.django_db


def _add(application, doc_type, name):
    return services.document_add(
        application=application,
        doc_type=doc_type,
        upload=upload(name),
        content_type="application/pdf",
        by=application.applicant,
    )


def test_it_replaces_a_document_of_the_same_type_and_deletes_its_file_after_commit(
    applicant, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(applicant=applicant)
    passport = DocumentType.objects.get(code="passport")
    other_type = DocumentType.objects.exclude(pk=passport.pk).first()
    first = _add(application, passport, "old-scan.pdf")
    kept = _add(application, other_type, "other.pdf")
    storage, old_name = first.file.storage, first.file.name
    assert storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = _add(application, passport, "new-scan.pdf")
    # Until the new row is committed, the old file stays: a rollback must not lose it.
    assert storage.exists(old_name) and len(callbacks) == 1
    callbacks[0]()
    assert not storage.exists(old_name)
    assert storage.exists(second.file.name) and storage.exists(kept.file.name)
    assert list(application.documents.filter(doc_type=passport)) == [second]
    assert application.documents.count() == 2


def test_a_rolled_back_replacement_keeps_the_old_file(applicant):
    application = ApplicationFactory(applicant=applicant)
    passport = DocumentType.objects.get(code="passport")
    first = _add(application, passport, "old-scan.pdf")
    storage, old_name = first.file.storage, first.file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        _add(application, passport, "new-scan.pdf")
        raise RuntimeError("the request failed after the upload")
    assert storage.exists(old_name)
    assert list(Document.objects.filter(application=application)) == [first]


def test_the_page_says_the_upload_replaced_the_earlier_one(
    client, applicant, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(applicant=applicant)
    passport = DocumentType.objects.get(code="passport")
    first = _add(application, passport, "old-scan.pdf")
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("permits:documents", args=[application.pk]),
            {"doc_type": passport.pk, "file": upload("new-scan.pdf", PDF_BYTES)},
            follow=True,
        )
    assert "it replaces the earlier" in response.content.decode()
    assert not first.file.storage.exists(first.file.name)
    assert application.documents.get().original_name == "new-scan.pdf"
