"""The permit rules (decision period, passport margin) are data staff keep in the admin, read
through ``permit_rules()``, with every change in the audit log; applicants are of age by their
date of birth (issue 14, point 15)."""

import json
from datetime import date

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from permits import access
from permits.forms import PassportForm, PersonalForm
from permits.models import PermitRules, permit_rules
from permits.reminders import send_reminders
from permits.services import permit_issue
from permits.validity import age_on
from portal.core import clock
from portal.notifications.models import Notification
from tests.permits.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("admin:permits_permitrules_change", args=[1])


def test_the_defaults_are_those_of_the_domain():
    rules = permit_rules()
    assert (rules.decision_days, rules.passport_margin_days) == (45, 180)
    PermitRules.objects.all().delete()
    assert permit_rules().decision_days == 45  # the row lost: still the defaults


def test_the_rules_read_is_the_orms():
    """``permit_rules()`` reads the row by a fixed statement: the same instance as the ORM's."""
    PermitRules.objects.filter(pk=1).update(decision_days=31, passport_margin_days=120)
    mine, theirs = permit_rules(), PermitRules.objects.filter(pk=1).first()
    names = [f.attname for f in PermitRules._meta.concrete_fields]
    assert [getattr(mine, n) for n in names] == [getattr(theirs, n) for n in names]
    assert (mine.decision_days, mine.passport_margin_days) == (31, 120)
    assert mine.updated_at.tzinfo is not None and not mine._state.adding
    mine.decision_days = 40
    mine.save()  # an instance the ORM can save, as it loaded it
    assert PermitRules.objects.get().decision_days == 40


def test_there_is_only_one_row():
    PermitRules(decision_days=20).save()
    PermitRules(decision_days=30).save()
    assert list(PermitRules.objects.values_list("pk", "decision_days")) == [(1, 30)]


def test_a_catalogue_editor_changes_them_and_the_change_is_logged(client, catalogue_editor):
    PermitRules.objects.get_or_create(pk=1)
    client.force_login(catalogue_editor)
    page = client.get(CHANGE_URL)
    assert page.status_code == 200 and 'name="decision_days"' in page.content.decode()
    response = client.post(
        CHANGE_URL, {"decision_days": "30", "passport_margin_days": "200"}, follow=True
    )
    assert response.status_code == 200
    assert (permit_rules().decision_days, permit_rules().passport_margin_days) == (30, 200)
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(PermitRules), action_flag=CHANGE
    )
    assert entry.user == catalogue_editor
    changed = json.loads(entry.change_message)[0]["changed"]["fields"]
    assert {f.lower() for f in changed} == {"decision period (days)", "passport margin (days)"}


def test_bad_values_are_refused_with_a_message(client, catalogue_editor):
    PermitRules.objects.get_or_create(pk=1)
    client.force_login(catalogue_editor)
    response = client.post(CHANGE_URL, {"decision_days": "0", "passport_margin_days": "-1"})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "decision_days" in form.errors and "passport_margin_days" in form.errors
    assert permit_rules().decision_days == 45


def test_a_reviewer_sees_them_but_cannot_change_them(client, reviewer):
    PermitRules.objects.get_or_create(pk=1)
    client.force_login(reviewer)
    page = client.get(CHANGE_URL)
    assert page.status_code == 200 and 'name="decision_days"' not in page.content.decode()
    response = client.post(CHANGE_URL, {"decision_days": "1", "passport_margin_days": "1"})
    assert response.status_code == 403
    assert permit_rules().decision_days == 45
    assert access.can_view_permit_rules(reviewer)
    assert not access.can_change_permit_rules(reviewer)


def test_nobody_adds_or_deletes_the_row(client, catalogue_editor):
    PermitRules.objects.get_or_create(pk=1)
    client.force_login(catalogue_editor)
    assert client.get(reverse("admin:permits_permitrules_add")).status_code == 403
    delete = reverse("admin:permits_permitrules_delete", args=[1])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PermitRules.objects.filter(pk=1).exists()


def test_the_passport_step_uses_the_margin_staff_set():
    on = date(2026, 3, 1)
    with clock.frozen(on):
        data = {"passport_number": "AB1234567", "passport_expiry": "2026-09-28"}  # 211 days
        assert PassportForm(data).is_valid()
        PermitRules.objects.update_or_create(pk=1, defaults={"passport_margin_days": 240})
        form = PassportForm(data)
        assert not form.is_valid()
        assert "more than 240 days" in str(form.errors["passport_expiry"])


def test_reminders_use_the_margin_staff_set():
    on = date(2026, 3, 1)
    application = ApplicationFactory(status="approved", passport_expiry=date(2036, 6, 1))
    permit = permit_issue(application=application, on=date(2026, 1, 1))
    # The permit ends with the passport: warned when the passport is within the margin of today.
    permit.valid_until = date(2026, 8, 1)
    permit.save()
    application.passport_expiry = date(2026, 10, 1)  # 214 days from ``on``
    application.save()
    with clock.frozen(on):
        send_reminders(on=on)
        assert not Notification.objects.filter(kind="permit.passport_expiry").exists()
        PermitRules.objects.update_or_create(pk=1, defaults={"passport_margin_days": 220})
        send_reminders(on=on)
    assert Notification.objects.filter(
        kind="permit.passport_expiry", recipient=application.applicant
    ).exists()


@pytest.mark.parametrize(
    "born, on, age",
    [
        (date(2008, 3, 15), date(2026, 3, 14), 17),
        (date(2008, 3, 15), date(2026, 3, 15), 18),
        (date(2008, 12, 31), date(2026, 1, 1), 17),  # 18 by the year, not by the date
        (date(2008, 2, 29), date(2026, 2, 27), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),  # no 29 February: the last day of February
        (date(2004, 2, 29), date(2024, 2, 29), 20),
    ],
)
def test_age_is_counted_by_the_date_of_birth(born, on, age):
    assert age_on(born, on) == age


def test_an_applicant_is_18_by_the_date_of_birth():
    base = {"full_name": "Ana Lima", "citizenship": "BR", "phone": "+55 11 5555 5555"}
    with clock.frozen(date(2026, 3, 14)):
        form = PersonalForm({**base, "date_of_birth": "2008-03-15"})
        assert not form.is_valid()
        assert "at least 18 years old" in str(form.errors["date_of_birth"])
        young_by_date = PersonalForm({**base, "date_of_birth": "2008-12-31"})
        assert not young_by_date.is_valid()  # turns 18 in 2026, but not yet
    with clock.frozen(date(2026, 3, 15)):
        assert PersonalForm({**base, "date_of_birth": "2008-03-15"}).is_valid()
