"""Demo data for a newcomer's `make run`: one account per role, and the apps' own demo rows.

Idempotent: every row is looked up before it is made, so loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from permits import demo as permits_demo
from portal.accounts.models import User
from portal.accounts.roles import CATALOGUE_EDITORS, REVIEWERS
from portal.core import clock
from portal.organisations.models import Employer, EmployerStatusChange
from stays import demo as stays_demo

DEMO_PASSWORD = "Demo-Portal-2026"
DEMO_BIN = "180340021791"  # a valid BIN (check digit 1)
PENDING_BIN = "190540023461"  # a valid BIN: an organisation waiting for verification
DEMO_CERTIFICATE = (
    b"%PDF-1.4\n% demo state registration certificate\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str


ACCOUNTS = [
    DemoAccount("applicant", "applicant@demo.kz", "Anna Schmidt"),
    DemoAccount("employer", "employer@demo.kz", "Aigerim Nurlanovna"),
    DemoAccount("reviewer", "reviewer@demo.kz", "Daniyar Seitkali"),
    DemoAccount("catalogue editor", "editor@demo.kz", "Saule Akhmetova"),
    DemoAccount("unverified employer", "hr@steppe.demo.kz", "Marat Zhunusov"),
]


def _user(account: DemoAccount, **fields: object) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User.objects.create_user(
            email=account.email, password=DEMO_PASSWORD, full_name=account.full_name, **fields
        )
    return user


def _organisation(bin_: str, **defaults: object) -> Employer:
    employer = Employer.objects.filter(bin=bin_).order_by("pk").first()
    if employer is None:
        employer = Employer.objects.create(bin=bin_, **defaults)
    if not employer.registration_document:
        employer.registration_document = ContentFile(DEMO_CERTIFICATE, name="certificate.pdf")
        employer.document_name = "certificate.pdf"
        employer.document_content_type = "application/pdf"
        employer.document_uploaded_at = clock.now()
        employer.save()
    return employer


def _verified(employer: Employer, reviewer: User) -> None:
    """The demo employer, verified by the demo reviewer (once)."""
    if employer.status == Employer.Status.VERIFIED:
        return
    EmployerStatusChange.objects.create(
        employer=employer, from_status=employer.status, to_status="verified", by=reviewer
    )
    employer.status = Employer.Status.VERIFIED
    employer.save(update_fields=["status"])


def _app_loaders() -> list[Callable[[dict[str, User]], None]]:
    """Each app's own idempotent demo loader, in dependency order."""

    return [permits_demo.load, stays_demo.load]


@transaction.atomic
def load() -> list[DemoAccount]:
    """Create the demo accounts (and whatever the apps add); return the accounts to print."""
    employer = _organisation(
        DEMO_BIN,
        name="Qazaq Tech Solutions LLP",
        address="Almaty, Al-Farabi Ave 77",
        contact_email="hr@qazaqtech.demo.kz",
    )
    waiting = _organisation(
        PENDING_BIN,
        name="Steppe Logistics LLP",
        address="Karaganda, Bukhar-Zhyrau Ave 12",
        contact_email="hr@steppe.demo.kz",
    )
    users = {
        "applicant": _user(
            ACCOUNTS[0], kind=User.Kind.APPLICANT, citizenship="DE", preferred_language="en"
        ),
        "employer": _user(
            ACCOUNTS[1],
            kind=User.Kind.EMPLOYER,
            employer=employer,
            employer_confirmed=True,
            preferred_language="ru",
        ),
        "reviewer": _user(
            ACCOUNTS[2], kind=User.Kind.STAFF, is_staff=True, preferred_language="kk"
        ),
        "editor": _user(ACCOUNTS[3], kind=User.Kind.STAFF, is_staff=True, preferred_language="ru"),
        "unverified employer": _user(
            ACCOUNTS[4],
            kind=User.Kind.EMPLOYER,
            employer=waiting,
            employer_confirmed=True,
            preferred_language="en",
        ),
    }
    users["reviewer"].groups.add(Group.objects.get(name=REVIEWERS))
    users["editor"].groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    _verified(employer, users["reviewer"])
    if not waiting.status_changes.exists():
        EmployerStatusChange.objects.create(
            employer=waiting, to_status="pending", by=users["unverified employer"]
        )
    for loader in _app_loaders():
        loader(users)
    return ACCOUNTS
