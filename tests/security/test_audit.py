"""The audit trail: staff changes in the admin and every workflow transition are recorded, and
staff cannot edit or delete the record.

Two records make the trail: Django's ``admin.LogEntry`` (every add, change and delete made in
the admin, with the user, the object and the changed fields; the catalogue's withdraw and
reinstate actions and the import write one too) and ``permits.StatusChange`` (who moved an
application from which status to which, when, with the reason and message). An organisation's
verification is recorded the same way: ``portal.EmployerStatusChange`` and a log entry.
"""

from __future__ import annotations

import json

import pytest
import tablib
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from permits.models import Application, StatusChange
from permits.states import Status
from permits.workflow import transition
from portal.accounts.roles import CATALOGUE_EDITORS, GROUP_PERMISSIONS, REVIEWERS
from portal.core import clock
from portal.organisations.models import EmployerStatusChange
from professions.models import Profession
from professions.resources import COLUMNS
from stays.models import CountryRule
from tests.factories import UserFactory
from tests.permits.factories import ready_application
from tests.professions.factories import ProfessionFactory, SphereFactory

pytestmark = pytest.mark.django_db


def _entries(model, obj=None):
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    if obj is not None:
        entries = entries.filter(object_id=str(obj.pk))
    return entries.order_by("pk")


def _changed_fields(entry: LogEntry) -> list[str]:
    return [f for part in json.loads(entry.change_message) for f in part["changed"]["fields"]]


def _form_data(response) -> dict[str, object]:
    """What the browser would send back from an admin change form, unchanged."""
    data: dict[str, object] = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


@pytest.fixture
def profession(db):
    sphere = SphereFactory(slug="audit", name_en="Audit")
    return ProfessionFactory(
        code="9997-1-001",
        title_en="Glacier hydrologist",
        title_ru="Гидролог",
        title_kk="Гидролог",
        sphere=sphere,
        min_experience_years=3,
    )


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@gov.kz", kind="staff", is_staff=True, is_superuser=True)


# --- (a) staff changes in the admin are logged ---------------------------------------------------


def test_it_logs_a_catalogue_editors_change_to_a_profession(client, catalogue_editor, profession):
    url = reverse("admin:professions_profession_change", args=[profession.pk])
    client.force_login(catalogue_editor)
    data = _form_data(client.get(url))
    assert {"title_en", "title_ru", "title_kk"} <= set(data)  # the form of every language
    data.update(title_ru="Гляциолог", min_experience_years="5")
    before = clock.real_now()
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]

    entry = _entries(Profession, profession).get()
    assert entry.user == catalogue_editor and entry.action_flag == CHANGE
    assert entry.object_repr == str(Profession.objects.get(pk=profession.pk))
    assert before <= entry.action_time <= clock.real_now()
    assert _changed_fields(entry) == ["Title [ru]", "Minimum years of experience"]
    assert "Title [ru]" in entry.get_change_message()


def test_it_logs_a_new_profession(client, catalogue_editor, profession):
    client.force_login(catalogue_editor)
    url = reverse("admin:professions_profession_change", args=[profession.pk])
    data = {**_form_data(client.get(url)), "code": "9997-1-002", "title_en": "Ice core driller"}
    response = client.post(reverse("admin:professions_profession_add"), data)
    assert response.status_code == 302
    new = Profession.objects.get(code="9997-1-002")
    entry = _entries(Profession, new).get()
    assert entry.user == catalogue_editor and entry.action_flag == ADDITION


def test_it_logs_a_reviewers_internal_note(client, reviewer):
    application = ready_application()
    transition(application, Status.SUBMITTED, by=application.applicant)
    url = reverse("admin:permits_application_change", args=[application.pk])
    client.force_login(reviewer)
    data = {**_form_data(client.get(url)), "notes": "Called the employer."}
    assert client.post(url, data).status_code == 302
    entry = _entries(Application, application).get()
    assert entry.user == reviewer and _changed_fields(entry) == ["Internal notes"]


def test_it_logs_limits_changed_from_the_country_rules_list(client, catalogue_editor):
    rule = CountryRule.objects.get(country="DE")
    client.force_login(catalogue_editor)
    response = client.post(
        reverse("admin:stays_countryrule_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": rule.pk,
            "form-0-regime": rule.regime,
            "form-0-single_stay_days": rule.single_stay_days,
            "form-0-window_days": rule.window_days,
            "form-0-max_days": 60,
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.max_days == 60
    entry = _entries(CountryRule, rule).get()
    assert entry.user == catalogue_editor and _changed_fields(entry) == ["Most days in the period"]


# --- (b) the catalogue's bulk actions and import are logged ---------------------------------------


def _action(client, action, professions, **extra):
    return client.post(
        reverse("admin:professions_profession_changelist"),
        {"action": action, "_selected_action": [p.pk for p in professions], "apply": "1", **extra},
    )


def test_it_logs_each_withdrawal_and_reinstatement(client, catalogue_editor, profession):
    other = ProfessionFactory(code="9997-1-003", sphere=profession.sphere, withdrawn=True)
    client.force_login(catalogue_editor)

    # Withdrawing both changes only the listed one: one entry, naming the order.
    response = _action(
        client, "withdraw", [profession, other], order_number="201", order_date="2025-05-05"
    )
    assert response.status_code == 302
    assert not _entries(Profession, other).exists()
    withdrawal = _entries(Profession, profession).get()
    assert withdrawal.user == catalogue_editor and withdrawal.action_flag == CHANGE
    assert "Withdrawn by Order No. 201" in withdrawal.get_change_message()

    response = _action(
        client, "reinstate", [profession, other], order_number="300", order_date="2025-09-01"
    )
    assert response.status_code == 302
    for p in (profession, other):
        entry = _entries(Profession, p).last()
        assert entry.user == catalogue_editor
        assert "Reinstated by Order No. 300" in entry.get_change_message()
    assert _entries(Profession).count() == 3


def test_it_logs_the_rows_of_an_import(client, catalogue_editor, profession, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the preview keeps the file in the default storage
    row = {c: "" for c in COLUMNS}
    new = {
        **row,
        "code": "9997-1-009",
        "title_en": "Permafrost engineer",
        "title_ru": "Инженер",
        "title_kk": "Инженер",
        "sphere": "science",
        "min_education": "higher",
        "min_experience_years": "2",
        "is_listed": "1",
        "added_order_number": "210",
        "added_order_date": "2025-04-01",
    }
    changed = {**new, "code": profession.code, "title_en": "Glacier hydrologist (senior)"}
    dataset = tablib.Dataset(*[[r[c] for c in COLUMNS] for r in (new, changed)], headers=COLUMNS)
    upload = SimpleUploadedFile("p.csv", dataset.export("csv").encode(), "text/csv")
    client.force_login(catalogue_editor)
    preview = client.post(
        reverse("admin:professions_profession_import"),
        {"resource": "0", "format": "0", "import_file": upload},
    )
    form = preview.context["confirm_form"]
    response = client.post(
        reverse("admin:professions_profession_process_import"),
        {name: form[name].value() for name in form.fields},
    )
    assert response.status_code == 302
    added = _entries(Profession, Profession.objects.get(code="9997-1-009")).get()
    assert added.user == catalogue_editor and added.action_flag == ADDITION
    updated = _entries(Profession, profession).get()
    assert updated.user == catalogue_editor and updated.action_flag == CHANGE


# --- (c) every workflow transition is a StatusChange ---------------------------------------------


def test_it_records_every_transition_with_who_when_from_and_to(client, reviewer):
    application = ready_application()
    applicant = application.applicant
    start = clock.real_now()

    def move(to, **data):
        url = reverse("admin:permits_application_move", args=[application.pk, to])
        application.refresh_from_db()
        response = client.post(url, {"expected_status": application.status, **data})
        assert response.status_code == 302

    client.force_login(applicant)
    client.post(reverse("permits:review", args=[application.pk]), {"expected_status": "draft"})
    client.force_login(reviewer)
    client.post(
        reverse("admin:permits_application_changelist"),
        {"action": "take_for_review", "_selected_action": [application.pk]},
    )
    move(Status.INFO_REQUESTED, reason="missing_document", message="Add the diploma, please.")
    client.force_login(applicant)
    client.post(reverse("permits:review", args=[application.pk]), {"note": "Added."})
    client.force_login(reviewer)
    move(Status.UNDER_REVIEW)
    move(Status.APPROVED)

    changes = list(StatusChange.objects.filter(application=application).order_by("at", "pk"))
    assert [(c.from_status, c.to_status, c.by) for c in changes] == [
        (Status.DRAFT, Status.SUBMITTED, applicant),
        (Status.SUBMITTED, Status.UNDER_REVIEW, reviewer),
        (Status.UNDER_REVIEW, Status.INFO_REQUESTED, reviewer),
        (Status.INFO_REQUESTED, Status.RESUBMITTED, applicant),
        (Status.RESUBMITTED, Status.UNDER_REVIEW, reviewer),
        (Status.UNDER_REVIEW, Status.APPROVED, reviewer),
    ]
    assert all(start <= c.at <= clock.real_now() for c in changes)
    assert changes[2].reason == "missing_document" and "diploma" in changes[2].message
    assert changes[3].note == "Added."


def test_a_withdrawal_by_the_applicant_is_recorded(client, applicant):
    application = ready_application(applicant=applicant)
    transition(application, Status.SUBMITTED, by=applicant)
    client.force_login(applicant)
    client.post(reverse("permits:withdraw", args=[application.pk]), {"note": "Found another job"})
    change = StatusChange.objects.filter(application=application).latest("at")
    assert (change.from_status, change.to_status, change.by) == (
        Status.SUBMITTED,
        Status.WITHDRAWN,
        applicant,
    )


# --- (d) staff cannot edit or delete the trail ----------------------------------------------------


def test_status_changes_have_no_admin_of_their_own():
    assert StatusChange not in admin.site._registry
    with pytest.raises(NoReverseMatch):
        reverse("admin:permits_statuschange_changelist")


def test_the_admin_log_is_read_only_even_for_a_superuser(
    client, superuser, catalogue_editor, profession
):
    client.force_login(catalogue_editor)
    _action(client, "withdraw", [profession], order_number="202", order_date="2025-06-06")
    entry = _entries(Profession, profession).get()
    client.force_login(superuser)
    page = client.get(reverse("admin:admin_logentry_changelist"))
    assert page.status_code == 200 and profession.code in page.content.decode()
    change_url = reverse("admin:admin_logentry_change", args=[entry.pk])
    assert client.get(change_url).status_code == 200  # shown read-only
    client.post(change_url, {"object_repr": "forged", "change_message": "forged"})
    client.post(reverse("admin:admin_logentry_delete", args=[entry.pk]), {"post": "yes"})
    entry.refresh_from_db()
    assert entry.object_repr != "forged"
    assert client.get(reverse("admin:admin_logentry_add")).status_code == 403


@pytest.mark.parametrize("who", ["reviewer", "catalogue_editor"])
def test_staff_do_not_reach_the_admin_log(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:admin_logentry_changelist")).status_code == 403


def test_every_inline_of_the_trail_is_read_only(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    inlines = [
        (model_admin, inline)
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if inline.model in (LogEntry, StatusChange, EmployerStatusChange)
    ]
    assert {inline.model for _, inline in inlines} == {StatusChange, EmployerStatusChange}
    for model_admin, inline_class in inlines:
        inline = inline_class(model_admin.model, admin.site)
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request, None)
        assert inline.can_delete is False
        assert set(inline.get_fields(request)) <= set(inline.get_readonly_fields(request))


def test_a_superuser_cannot_rewrite_or_delete_a_status_change(client, superuser):
    application = ready_application()
    transition(application, Status.SUBMITTED, by=application.applicant)
    change = StatusChange.objects.get(application=application)
    before = StatusChange.objects.filter(pk=change.pk).values().get()
    url = reverse("admin:permits_application_change", args=[application.pk])
    client.force_login(superuser)
    data = _form_data(client.get(url))
    data.update(
        {
            "changes-0-id": change.pk,
            "changes-0-application": application.pk,
            "changes-0-note": "rewritten",
            "changes-0-to_status": "approved",
            "changes-0-DELETE": "on",
        }
    )
    assert client.post(url, data).status_code == 302
    assert StatusChange.objects.filter(pk=change.pk).values().get() == before


# --- (e) no staff group may change or delete the trail --------------------------------------------


@pytest.mark.parametrize(
    "model", ["admin.logentry", "permits.statuschange", "portal.employerstatuschange"]
)
def test_no_group_may_change_or_delete_the_trail(model):
    app_label, name = model.split(".")
    granted = Permission.objects.filter(
        group__isnull=False,
        content_type__app_label=app_label,
        codename__in=[f"add_{name}", f"change_{name}", f"delete_{name}"],
    )
    assert not granted.exists(), list(granted.values_list("group__name", "codename"))
    for grants in GROUP_PERMISSIONS.values():
        assert set(grants.get(model, [])) <= {"view"}


def test_no_group_may_change_or_delete_users():
    # Deleting a user deletes their admin log entries (LogEntry.user cascades): see below.
    granted = Permission.objects.filter(
        group__name__in=[REVIEWERS, CATALOGUE_EDITORS],
        content_type__app_label="portal",
        codename__in=["change_user", "delete_user"],
    )
    assert not granted.exists()
    assert set(Group.objects.values_list("name", flat=True)) == {REVIEWERS, CATALOGUE_EDITORS}


def test_deleting_a_staff_account_keeps_its_log_entries(
    client, superuser, catalogue_editor, profession
):
    client.force_login(catalogue_editor)
    _action(client, "withdraw", [profession], order_number="201", order_date="2025-05-05")
    assert _entries(Profession, profession).count() == 1
    client.force_login(superuser)
    # Accounts are deactivated, never deleted, so their log entries stay.
    response = client.post(
        reverse("admin:portal_user_delete", args=[catalogue_editor.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert _entries(Profession, profession).count() == 1
