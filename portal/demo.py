"""Demo data for a newcomer's `make run`: one account per role, and the apps' own demo rows.

Idempotent: every row is looked up before it is made, so loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Employer, User
from .roles import CATALOGUE_EDITORS, REVIEWERS

DEMO_PASSWORD = "Demo-Portal-2026"
DEMO_BIN = "180340021791"  # a valid BIN (check digit 1)


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
]


def _user(account: DemoAccount, **fields: object) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User.objects.create_user(
            email=account.email, password=DEMO_PASSWORD, full_name=account.full_name, **fields
        )
    return user


def _app_loaders() -> list[Callable[[dict[str, User]], None]]:
    """Each app's own idempotent demo loader, in dependency order."""
    from permits import demo as permits_demo
    from stays import demo as stays_demo

    return [permits_demo.load, stays_demo.load]


@transaction.atomic
def load() -> list[DemoAccount]:
    """Create the demo accounts (and whatever the apps add); return the accounts to print."""
    employer, _ = Employer.objects.get_or_create(
        bin=DEMO_BIN,
        defaults={
            "name": "Qazaq Tech Solutions LLP",
            "address": "Almaty, Al-Farabi Ave 77",
            "contact_email": "hr@qazaqtech.demo.kz",
        },
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
    }
    users["reviewer"].groups.add(Group.objects.get(name=REVIEWERS))
    users["editor"].groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    for loader in _app_loaders():
        loader(users)
    return ACCOUNTS
