"""``portal/`` split into apps (issue 13): a database filled before the split migrates across it
with every row, foreign key, content type and permission where it was."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from portal.accounts.models import User
from portal.core.models import Heartbeat
from portal.notifications.models import Notification
from portal.organisations.models import (
    ColleagueInvitation,
    Employer,
    EmployerStatusChange,
    Sponsorship,
)

# The leaves of the migration graph before the split, and the apps the split added.
BEFORE = [
    ("portal", "0009_emails_in_one_form"),
    ("permits", "0008_queue_indexes"),
    ("professions", "0005_search_text"),
    ("stays", "0003_staff_groups"),
    ("verification", "0002_codes_for_issued_permits"),
]
NEW_APPS = ["core", "notifications", "organisations"]
MOVED = {
    "sponsorship": ("organisations", Sponsorship),
    "colleagueinvitation": ("organisations", ColleagueInvitation),
    "notification": ("notifications", Notification),
    "heartbeat": ("core", Heartbeat),
}
AT = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 30))


def _fill(apps) -> dict[str, object]:
    """Rows in every moved table (and the ones they point to), with the models of before."""
    model = apps.get_model
    employer = model("portal", "Employer").objects.create(
        bin="180340021791", name="Old LLP", status="verified"
    )
    hr = model("portal", "User").objects.create(
        email="hr@old.kz", full_name="H R", kind="employer", employer=employer
    )
    person = model("portal", "User").objects.create(email="pro@old.kz", full_name="P R")
    step = model("portal", "EmployerStatusChange").objects.create(
        employer=employer, from_status="pending", to_status="verified", by=hr
    )
    sponsorship = model("portal", "Sponsorship").objects.create(
        employer=employer,
        person=person,
        email="pro@old.kz",
        status="active",
        token="t" * 40,
        invited_by=hr,
        accepted_at=AT,
    )
    invitation = model("portal", "ColleagueInvitation").objects.create(
        employer=employer, email="new@old.kz", token="c" * 40, invited_by=hr, expires_at=AT
    )
    notification = model("portal", "Notification").objects.create(
        recipient=person,
        kind="sponsorship",
        event_key="old-event",
        subject="Subject",
        body="Body",
        read_at=AT,
        email_sent_at=AT,
        email_attempts=2,
    )
    beat = model("portal", "Heartbeat").objects.create(name="celery", at=AT)
    content_types = model("contenttypes", "ContentType").objects
    old_types = {
        name: content_types.get(app_label="portal", model=name).pk
        for name in MOVED
        if content_types.filter(app_label="portal", model=name).exists()
    }
    return {
        "employer": employer.pk,
        "hr": hr.pk,
        "person": person.pk,
        "step": step.pk,
        "sponsorship": sponsorship.pk,
        "invitation": invitation.pk,
        "notification": notification.pk,
        "beat": beat.pk,
        "content_types": old_types,
    }


def test_a_filled_database_migrates_across_the_split_without_losing_a_row(
    django_db_serialized_rollback, transactional_db
):
    executor = MigrationExecutor(connection)
    executor.migrate([*BEFORE, *((app, None) for app in NEW_APPS)])
    executor.loader.build_graph()
    assert not any(app in NEW_APPS for app, _ in executor.loader.applied_migrations)
    ids = _fill(executor.loader.project_state(BEFORE).apps)
    assert set(ids["content_types"]) >= {"sponsorship", "colleagueinvitation", "notification"}

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    employer = Employer.objects.get(pk=ids["employer"])
    assert employer.name == "Old LLP" and employer.is_verified
    hr, person = User.objects.get(pk=ids["hr"]), User.objects.get(pk=ids["person"])
    assert hr.employer == employer and person.email == "pro@old.kz"
    assert EmployerStatusChange.objects.get(pk=ids["step"]).by == hr

    sponsorship = Sponsorship.objects.get(pk=ids["sponsorship"])
    assert (sponsorship.employer, sponsorship.person, sponsorship.invited_by) == (
        employer,
        person,
        hr,
    )
    assert (sponsorship.status, sponsorship.token, sponsorship.accepted_at) == (
        "active",
        "t" * 40,
        AT,
    )
    assert list(person.sponsorships.all()) == [sponsorship]
    assert list(employer.sponsorships.all()) == [sponsorship]

    invitation = ColleagueInvitation.objects.get(pk=ids["invitation"])
    assert (invitation.employer, invitation.invited_by, invitation.email) == (
        employer,
        hr,
        "new@old.kz",
    )
    assert invitation.expires_at == AT and list(employer.invitations.all()) == [invitation]

    notification = Notification.objects.get(pk=ids["notification"])
    assert notification.recipient == person and notification.event_key == "old-event"
    assert (notification.read_at, notification.email_sent_at, notification.email_attempts) == (
        AT,
        AT,
        2,
    )
    assert list(person.notifications.all()) == [notification]

    assert Heartbeat.objects.get(pk=ids["beat"]).at == AT

    # Each moved model's content type is the same row under its new label, so the permissions
    # (and admin log entries) that point at it stay attached; nothing is left under "portal".
    for name, content_type_id in ids["content_types"].items():
        label, model = MOVED[name]
        content_type = ContentType.objects.get_for_model(model)
        assert (content_type.pk, content_type.app_label) == (content_type_id, label)
        assert Permission.objects.filter(content_type=content_type).count() == 4
    assert not ContentType.objects.filter(app_label="portal", model__in=MOVED).exists()
    # Users and organisations keep their label: the admin's URLs and the Reviewers' permissions.
    assert ContentType.objects.get_for_model(Employer).app_label == "portal"
    assert ContentType.objects.get_for_model(User).app_label == "portal"


def test_the_split_moves_back_too(django_db_serialized_rollback, transactional_db):
    """Unapplying the split puts the models' state and content types back under ``portal``."""
    executor = MigrationExecutor(connection)
    executor.migrate([*BEFORE, *((app, None) for app in NEW_APPS)])
    state = MigrationExecutor(connection).loader.project_state(BEFORE)
    assert {"sponsorship", "notification", "heartbeat", "colleagueinvitation"} <= {
        name for label, name in state.models if label == "portal"
    }
    assert ContentType.objects.filter(app_label="portal", model="sponsorship").exists()
    assert not ContentType.objects.filter(app_label="organisations").exists()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Sponsorship).app_label == "organisations"
