"""The demo data (``python manage.py load_demo``): a verified organisation whose user sees its
staff, an unverified one whose user sees the waiting page; loading twice changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.accounts.models import User
from portal.organisations.models import Employer, Sponsorship
from portal.workspace.demo import DEMO_BIN, PENDING_BIN
from tests.tables import changed_tables, snapshot

pytestmark = pytest.mark.django_db


def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo", stdout=None)
    before = snapshot()
    call_command("load_demo", stdout=None)
    assert changed_tables(before, snapshot()) == []


def test_the_demo_employer_is_verified_and_sees_its_staff(client):
    call_command("load_demo")
    employer = Employer.objects.get(bin=DEMO_BIN)
    assert employer.status == "verified" and employer.registration_document
    assert employer.status_changes.get().by.email == "reviewer@demo.kz"
    client.force_login(User.objects.get(email="employer@demo.kz"))
    page = client.get(reverse("portal:employer_dashboard")).content.decode()
    assert "Anna Schmidt" in page
    # Kenji named the demo employer in his draft: a request to accept or decline.
    request = Sponsorship.objects.get(status="requested")
    assert request.person.email == "kenji.sato@demo.kz" and "Kenji Sato" in page


def test_the_unverified_demo_employer_waits(client):
    call_command("load_demo")
    waiting = Employer.objects.get(bin=PENDING_BIN)
    assert waiting.status == "pending" and waiting.registration_document
    client.force_login(User.objects.get(email="hr@steppe.demo.kz"))
    page = client.get(reverse("portal:employer_dashboard")).content.decode()
    assert "Waiting for verification" in page and "Anna Schmidt" not in page


def test_an_existing_demo_database_gets_its_employer_verified(client):
    """A database loaded before verification existed: its organisation became pending in the
    migration; loading the demo again verifies it (once)."""
    call_command("load_demo")
    Employer.objects.filter(bin=DEMO_BIN).update(status="pending", registration_document="")
    call_command("load_demo")
    employer = Employer.objects.get(bin=DEMO_BIN)
    assert employer.status == "verified" and employer.registration_document
