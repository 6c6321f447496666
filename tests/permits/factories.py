"""Factories for permit applications: a complete draft, ready to submit."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from permits.models import Application, Document, DocumentType
from permits.services import application_create
from portal.core import clock
from professions.models import Profession, Sphere
from tests.factories import UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def listed_profession(code: str = "2512.1", listed: bool = True) -> Profession:
    # Every language given: ``name``/``title`` alone would fill the language active when the
    # factory runs (whatever an earlier request of the process left active).
    sphere, _ = Sphere.objects.get_or_create(
        slug="it-test",
        defaults={
            "name_en": "IT",
            "name_ru": "Информационные технологии",
            "name_kk": "Ақпараттық технологиялар",
        },
    )
    profession, _ = Profession.objects.get_or_create(
        code=code,
        defaults={
            "title_en": f"Software developer {code}",
            "title_ru": f"Программист {code}",
            "title_kk": f"Бағдарламашы {code}",
            "sphere": sphere,
            "min_education": "higher",
            "is_listed": listed,
        },
    )
    return profession


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    applicant = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda o: o.applicant.full_name)
    date_of_birth = date(1988, 5, 17)
    citizenship = "DE"
    phone = "+49 30 1234567"
    passport_number = factory.Sequence(lambda n: f"C{n:08d}")
    passport_expiry = factory.LazyFunction(lambda: clock.today() + timedelta(days=5 * 365))
    profession = factory.LazyFunction(listed_profession)
    completed_steps = ["personal", "passport", "profession", "employer"]

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return application_create(**kwargs)  # numbered as every application is


def upload(name: str = "scan.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add_required_documents(application: Application) -> None:
    for doc_type in DocumentType.objects.for_route(application.current_route()):
        Document.objects.create(
            application=application,
            doc_type=doc_type,
            file=upload(f"{doc_type.code}.pdf"),
            original_name=f"{doc_type.code}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            uploaded_by=application.applicant,
        )


def ready_application(**kwargs: object) -> Application:
    application = ApplicationFactory(**kwargs)
    add_required_documents(application)
    return application
