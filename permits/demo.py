"""Demo applications in different states, made through the real workflow. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile

from portal.accounts.models import User
from portal.core.clock import today
from portal.organisations.models import Sponsorship
from professions.models import Profession

from .models import Application, Document, DocumentType
from .services import application_create
from .states import Status
from .workflow import transition

DEMO_PDF = b"%PDF-1.4\n% demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# email, name, citizenship, profession code, final status
OTHERS = [
    ("li.wei@demo.kz", "Li Wei", "CN", "2212", Status.APPROVED),
    ("james.miller@demo.kz", "James Miller", "US", "2512", Status.SUBMITTED),
    ("olga.ivanova@demo.kz", "Olga Ivanova", "RU", None, Status.REFUSED),
    ("kenji.sato@demo.kz", "Kenji Sato", "JP", "2144", Status.DRAFT),
]


def _application(person: User, code: str | None) -> Application:

    profession = Profession.objects.listed().filter(code__startswith=code).first() if code else None
    application = application_create(
        applicant=person,
        full_name=person.full_name,
        citizenship=person.citizenship,
        date_of_birth=date(1987, 3, 14),
        phone="+7 701 000 00 00",
        passport_number=f"DEMO{person.pk:06d}",
        passport_expiry=today() + timedelta(days=8 * 365),
        profession=profession,
        profession_not_listed=profession is None,
        profession_other="" if profession else "Sommelier",
        completed_steps=["personal", "passport", "profession", "employer"],
    )
    for doc_type in DocumentType.objects.for_route(application.current_route()):
        Document.objects.create(
            application=application,
            doc_type=doc_type,
            file=ContentFile(DEMO_PDF, name=f"{doc_type.code}.pdf"),
            original_name=f"{doc_type.code}.pdf",
            content_type="application/pdf",
            size=len(DEMO_PDF),
            uploaded_by=person,
        )
    return application


def _walk(application: Application, final: str, reviewer: User) -> None:
    applicant = application.applicant
    if final == Status.DRAFT:
        return
    transition(application, Status.SUBMITTED, by=applicant)
    if final == Status.SUBMITTED:
        return
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    if final == Status.INFO_REQUESTED:
        transition(
            application,
            Status.INFO_REQUESTED,
            by=reviewer,
            reason="qualification",
            message="Please upload your master's diploma with its apostille.",
        )
    elif final == Status.APPROVED:
        transition(application, Status.APPROVED, by=reviewer)
    elif final == Status.REFUSED:
        transition(
            application,
            Status.REFUSED,
            by=reviewer,
            reason="no_solvency",
            message="The bank statement does not cover the period asked for.",
        )


def load(users: dict[str, User]) -> None:
    """Anna (the demo applicant) has a case awaiting her answer; four other people show the rest
    (one of them asks the demo employer to sponsor him)."""
    reviewer, employer_user = users["reviewer"], users["employer"]
    employer = employer_user.employer
    if not Application.objects.filter(applicant=users["applicant"]).exists():
        application = _application(users["applicant"], "2512")
        application.employer, application.employer_bin = employer, employer.bin
        application.save()
        _walk(application, Status.INFO_REQUESTED, reviewer)
    Sponsorship.objects.get_or_create(
        employer=employer,
        person=users["applicant"],
        defaults={"email": users["applicant"].email, "status": Sponsorship.Status.ACTIVE},
    )
    for email, name, country, code, final in OTHERS:
        person = User.objects.filter(email=email).first()
        if person is not None:
            continue
        person = User.objects.create_user(
            email=email,
            password=None,
            full_name=name,
            citizenship=country,
            kind=User.Kind.APPLICANT,
        )
        application = _application(person, code)
        if final in (Status.APPROVED, Status.SUBMITTED):
            application.employer, application.employer_bin = employer, employer.bin
            application.save()
            Sponsorship.objects.get_or_create(
                employer=employer,
                person=person,
                defaults={"email": email, "status": Sponsorship.Status.ACTIVE},
            )
        elif final == Status.DRAFT:
            # Kenji named the demo employer in his draft: a request it can accept or decline.
            application.employer, application.employer_bin = employer, employer.bin
            application.save()
            Sponsorship.objects.get_or_create(
                employer=employer,
                person=person,
                defaults={"email": email, "status": Sponsorship.Status.REQUESTED},
            )
        _walk(application, final, reviewer)
