"""Migration 0011 marks, for the applications already there, each person's newest application
and their newest application with a permit (what the employer's staff table joins)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("permits", "0010_document_type_permit_term")]
AFTER = [("permits", "0011_latest_application_flags")]


def test_the_flags_are_set_for_the_applications_there(
    django_db_serialized_rollback, transactional_db
):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("portal", "User")
    Application = apps.get_model("permits", "Application")
    Permit = apps.get_model("permits", "Permit")
    at = timezone.make_aware(datetime.datetime(2026, 1, 5, 9))

    def application(person, n, days):
        made = Application.objects.create(applicant=person, number=f"RP-{n}", status="approved")
        Application.objects.filter(pk=made.pk).update(created_at=at + datetime.timedelta(days))
        return made

    ana = User.objects.create(email="ana@example.kz", full_name="Ana")
    old = application(ana, 1, 0)
    renewed = application(ana, 2, 400)
    refused = application(ana, 3, 800)
    for n, (app, issued) in enumerate([(old, 2025), (renewed, 2026)]):
        Permit.objects.create(
            application=app,
            number=f"KZ-{n}",
            issue_date=datetime.date(issued, 3, 1),
            valid_until=datetime.date(issued + 3, 3, 1),
        )
    bo = User.objects.create(email="bo@example.kz", full_name="Bo")
    only = application(bo, 4, 0)
    User.objects.create(email="none@example.kz", full_name="None")

    executor.loader.build_graph()
    executor.migrate(AFTER)
    Application = executor.loader.project_state(AFTER).apps.get_model("permits", "Application")
    flags = dict(
        (pk, (latest, held))
        for pk, latest, held in Application.objects.values_list(
            "pk", "is_latest", "holds_latest_permit"
        )
    )
    assert flags == {
        old.pk: (False, False),
        renewed.pk: (False, True),
        refused.pk: (True, False),
        only.pk: (True, False),
    }
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
