"""On PostgreSQL the portal sends values apart from its statements and a connection prepares a
statement it has run five times (``portal/settings.py``): the server plans the reads every page
makes once per connection instead of on every request. ``DATABASE_PREPARED_STATEMENTS=0`` turns
it off (behind a pooler that cannot keep prepared statements)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from permits import access
from permits.states import OPEN_STATUSES, Status
from tests.factories import UserFactory
from tests.permits.factories import ApplicationFactory
from tests.portal.test_settings import _manage

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql"
    or not settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold"),
    reason="prepared statements are PostgreSQL's (and DATABASE_PREPARED_STATEMENTS=0 is set)",
)

_OPTIONS = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"


def test_postgresql_connections_bind_on_the_server_and_prepare_what_they_repeat():
    url = {"DEBUG": "1", "DATABASE_URL": "postgres://portal@db.example.kz:5432/portal"}
    options = _manage("shell", "-v", "0", "-c", _OPTIONS, env=url).stdout.strip()
    assert options == "{'server_side_binding': True, 'prepare_threshold': 5}"
    off = {**url, "DATABASE_PREPARED_STATEMENTS": "0"}
    assert _manage("shell", "-v", "0", "-c", _OPTIONS, env=off).stdout.strip() == "{}"


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@on_postgresql
@pytest.mark.django_db
def test_a_page_read_again_and_again_is_planned_once_on_the_connection(client):
    """The session read and the person's read of a signed-in page are prepared by the sixth
    request on the same connection, with their values as parameters (no value in the text)."""
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("portal:applicant_dashboard")).status_code == 200
    before = _prepared()
    for _ in range(5):
        assert client.get(reverse("portal:applicant_dashboard")).status_code == 200
    prepared = [text for text in _prepared() if text not in before]
    sessions = [text for text in prepared if '"django_session"' in text]
    assert sessions and all("$1" in text for text in sessions)
    assert all(client.session.session_key not in text for text in prepared)
    assert any('FROM "portal_user"' in text for text in prepared)


@on_postgresql
@pytest.mark.django_db
def test_values_that_look_like_sql_stay_values(client):
    """Server-side binding is still binding: a hostile search is a value, not a statement."""
    user = UserFactory()
    client.force_login(user)
    hostile = "x'); DROP TABLE portal_user; --"
    response = client.get(reverse("professions:list"), {"q": hostile})
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM portal_user WHERE id = %s", [user.pk])
        assert cursor.fetchone() == (1,)


def _generic_plan(queryset: QuerySet[Any]) -> str:
    """PostgreSQL's plan of ``queryset`` prepared and planned once for any values, as a
    connection plans a statement it has prepared (``plan_cache_mode``: no waiting for the five
    runs after which it may choose that plan)."""
    sql, params = queryset.query.sql_with_params()
    numbers = itertools.count(1)
    numbered = re.sub("%s", lambda _: f"${next(numbers)}", sql)
    arguments = ", ".join(["%s"] * len(params))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        # Whether the plan can read the rows in the queue's order from an index, not which
        # plan the test data's few rows make cheapest: no scan of the whole table, no sorting.
        for method in ("seqscan", "bitmapscan", "sort", "incremental_sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"PREPARE planned AS {numbered}")
        try:
            cursor.execute(
                connection.ops.compose_sql(f"EXPLAIN EXECUTE planned({arguments})", params)
            )
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE planned")


@on_postgresql
@pytest.mark.django_db
def test_the_reviewers_queue_is_read_from_its_index_by_a_plan_made_for_any_values(reviewer):
    """The queue filters on the stored ``case_open`` column, so the plan a connection keeps
    reads the queue's partial index; written as ``status IN (...)`` it could not (it read the
    whole due-date index: 4.7 ms instead of 0.55 on the benchmark's data)."""
    ApplicationFactory.create_batch(3, status=Status.SUBMITTED)
    ApplicationFactory(status=Status.APPROVED)
    order = ["due_date", "submitted_at", "-id"]
    queue = access.applications_for_reviewer(reviewer)
    assert "application_open_queue" in _generic_plan(queue.open().order_by(*order)[:50])
    by_status = queue.filter(status__in=OPEN_STATUSES)
    assert "application_open_queue" not in _generic_plan(by_status.order_by(*order)[:50])
    assert list(queue.open().order_by("pk")) == list(by_status.order_by("pk"))
    assert len(by_status) == 3
