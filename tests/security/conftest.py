"""The "world" the security tests run in: two of each outside role, two staff roles, and objects.

Every object a URL names belongs to applicant A or employer A, so the B roles are the outsiders.
B has objects of the same kinds, so a page that shows "everything" rather than "mine" is caught.
Organisations A and B are verified by ministry staff. ``employer_unverified`` is the confirmed
user of another claim on A's BIN, still waiting for verification (whoever registered the BIN
first, say): it must see nothing of A's staff.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Model
from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from permits.models import Application, Document, Route
from permits.services import permit_issue
from permits.states import Status
from permits.workflow import transition
from portal.accounts.models import User
from portal.core import clock
from portal.core.clock import today
from portal.organisations.models import ColleagueInvitation, Employer, Sponsorship
from stays.models import CalendarFeed, Crossing
from tests.conftest import (
    new_applicant,
    new_catalogue_editor,
    new_employer_user,
    new_other_applicant,
    new_other_employer_user,
    new_reviewer,
)
from tests.factories import EmployerFactory, EmployerUserFactory, UserFactory, sponsor
from tests.permits.factories import PDF_BYTES, ApplicationFactory, ready_application, upload

ROLES = [
    "anonymous",
    "applicant_a",
    "applicant_b",
    "employer_a",
    "employer_b",
    "employer_unverified",
    "reviewer",
    "catalogue_editor",
]

# Text that only applicant A's and employer A's pages may show: B roles must never see it. (Chris
# asked employer A to sponsor him: only employer A sees that request.)
A_MARKERS = [
    "alice@example.kz",
    "Alice Applicant",
    "PASS-A-0001",
    "Aral Drilling LLP",
    "chris@example.kz",
]


@dataclass
class World:
    users: dict[str, User | None]
    app_a: Application
    doc_a: Document
    crossing_a: Crossing
    feed_a: CalendarFeed
    sponsorship_a: Sponsorship
    invitation_a: Sponsorship  # a sponsorship invitation addressed to applicant A
    request_a: Sponsorship  # a professional (Chris) asks employer A to sponsor him
    colleague_invitation_a: ColleagueInvitation
    pending_member_a: User  # signed up with employer A's BIN, not yet confirmed
    app_b: Application
    crossing_b: Crossing
    feed_b: CalendarFeed
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def applicant_a(self) -> User:
        user = self.users["applicant_a"]
        assert user is not None
        return user

    def reset_link(self) -> list[str]:
        user = self.applicant_a
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return [uid, default_token_generator.make_token(user)]


@pytest.fixture(scope="module", autouse=True)
def _media_in_tmp(tmp_path_factory) -> Iterator[None]:
    # For the whole module: the world's documents are stored once, when it is built.
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), STORAGES=storages):
        yield


def _submitted(applicant: User, passport: str) -> Application:
    application = ready_application(applicant=applicant, passport_number=passport)
    transition(application, Status.SUBMITTED, by=applicant)
    return application


@pytest.fixture(scope="module")
def _module_world(_media_in_tmp, django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, built once per module inside a transaction rolled back after the module.
    Each test runs in a savepoint within it (pytest-django's ``db`` wraps a test in an atomic
    block, which nests), so what a test writes is undone before the next one."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(
                new_applicant(),
                new_other_applicant(),
                new_employer_user(),
                new_other_employer_user(),
                new_reviewer(),
                new_catalogue_editor(),
            )
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(_module_world: World, db) -> World:
    # What a test changed was rolled back in the database; read the world's objects again, so
    # none keeps a value of the last test in memory (a login stamps ``last_login``, which the
    # password-reset token depends on). Objects made on demand were rolled back with it.
    _module_world.extra.clear()
    for user in _module_world.users.values():
        if user is not None:
            user.refresh_from_db()
    for item in fields(_module_world):
        value = getattr(_module_world, item.name)
        if isinstance(value, Model):
            value.refresh_from_db()
    return _module_world


def build_world(
    applicant: User,
    other_applicant: User,
    employer_user: User,
    other_employer_user: User,
    reviewer: User,
    catalogue_editor: User,
) -> World:
    employer_a, employer_b = employer_user.employer, other_employer_user.employer
    employer_a.name, employer_b.name = "Aral Drilling LLP", "Baikonur Build LLP"
    employer_a.save(update_fields=["name"])
    employer_b.save(update_fields=["name"])
    on = today()

    # Applicant A: a submitted application with its documents, a stay, a calendar address,
    # sponsored by employer A, and an invitation from employer A waiting for an answer.
    app_a = _submitted(applicant, "PASS-A-0001")
    doc_a = app_a.documents.first()
    crossing_a = Crossing.objects.create(
        person=applicant, entry=on - timedelta(days=40), exit=on - timedelta(days=30)
    )
    feed_a = CalendarFeed.objects.create(person=applicant)
    sponsorship_a = sponsor(employer_a, applicant)
    invitation_a = Sponsorship.objects.create(
        employer=employer_a,
        email=applicant.email,
        token="invitation-to-alice",
        invited_by=employer_user,
        expires_at=clock.now() + timedelta(days=7),
    )
    colleague_invitation_a = ColleagueInvitation.objects.create(
        employer=employer_a,
        email="new.colleague@employer-a.kz",
        token="colleague-for-aral",
        invited_by=employer_user,
        expires_at=clock.now() + timedelta(days=7),
    )
    pending_member_a = EmployerUserFactory(
        email="pending@employer-a.kz", employer=employer_a, employer_confirmed=False
    )
    # Employer A's state registration certificate, which only reviewers may open.
    employer_a.registration_document = upload("certificate.pdf")
    employer_a.document_name, employer_a.document_content_type = (
        "certificate.pdf",
        "application/pdf",
    )
    employer_a.save()
    chris = UserFactory(email="chris@example.kz", full_name="Chris Requester")
    request_a = Sponsorship.objects.create(
        employer=employer_a, person=chris, email=chris.email, status=Sponsorship.Status.REQUESTED
    )
    # Another claim on A's BIN, waiting for verification, with its own confirmed user.
    unverified = EmployerUserFactory(
        email="claim@impostor.example",
        full_name="Ivan Impostor",
        employer=EmployerFactory(
            bin=employer_a.bin, name="Impostor LLP", status=Employer.Status.PENDING
        ),
    )

    # Applicant B: the same kinds of objects, B's own. B's application was decided and a permit
    # issued; it is made in that state directly (B's history is not under test, and the world
    # is built for every test).
    app_b = ApplicationFactory(
        applicant=other_applicant,
        passport_number="PASS-B-0002",
        status=Status.APPROVED,
        route=Route.FACILITATED,
        reviewer=reviewer,
        submitted_at=clock.now() - timedelta(days=30),
        decided_at=clock.now(),
    )
    Document.objects.create(
        application=app_b,
        doc_type=doc_a.doc_type,
        file=upload("passport.pdf"),
        original_name="passport.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=other_applicant,
    )
    permit_issue(application=app_b, on=on)
    crossing_b = Crossing.objects.create(
        person=other_applicant, entry=on - timedelta(days=20), exit=on - timedelta(days=10)
    )
    feed_b = CalendarFeed.objects.create(person=other_applicant)
    sponsor(employer_b, other_applicant)

    return World(
        users={
            "anonymous": None,
            "applicant_a": applicant,
            "applicant_b": other_applicant,
            "employer_a": employer_user,
            "employer_b": other_employer_user,
            "employer_unverified": unverified,
            "reviewer": reviewer,
            "catalogue_editor": catalogue_editor,
        },
        app_a=app_a,
        doc_a=doc_a,
        crossing_a=crossing_a,
        feed_a=feed_a,
        sponsorship_a=sponsorship_a,
        invitation_a=invitation_a,
        request_a=request_a,
        colleague_invitation_a=colleague_invitation_a,
        pending_member_a=pending_member_a,
        app_b=app_b,
        crossing_b=crossing_b,
        feed_b=feed_b,
    )
