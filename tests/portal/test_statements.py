"""The fixed statements of every signed-in request (``portal.core.statements``) give what the
ORM queries they stand for give: the session read, the unread count, staff permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from portal.accounts.sessions import SessionStore
from portal.core import clock
from portal.core.statements import Statement
from portal.notifications import outbox
from portal.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_names_are_the_models_quoted_table_and_columns():
    statement = Statement("SELECT {s.session_data} FROM {s} WHERE {s.session_key} = %s", s=Session)
    quote = connection.ops.quote_name
    assert statement.text(connection) == (
        f"SELECT {quote('session_data')} FROM {quote('django_session')} "
        f"WHERE {quote('session_key')} = %s"
    )


def test_a_name_that_is_not_a_field_is_an_error_not_a_guess():
    with pytest.raises(AttributeError, match="session_dat"):
        Statement("SELECT {s.session_dat} FROM {s}", s=Session).text(connection)


def _stored(data: dict, *, expires_in: timedelta) -> str:
    store = DjangoStore()
    store.update(data)
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=clock.real_now() + expires_in)
    return store.session_key


@pytest.mark.parametrize(
    "key",
    [
        lambda: _stored({"a": 1}, expires_in=timedelta(days=1)),  # live
        lambda: _stored({"a": 1}, expires_in=timedelta(seconds=-1)),  # expired
        lambda: "x" * 32,  # well formed, never stored
        lambda: "short",  # not a key at all
        lambda: "' OR 1=1 --" + "x" * 20,  # a hostile cookie is a value, never SQL
    ],
    ids=["live", "expired", "unknown", "malformed", "hostile"],
)
def test_the_session_read_agrees_with_djangos(key):
    key = key()
    ours, django = SessionStore(key), DjangoStore(key)
    assert ours.load() == django.load()
    assert ours.session_key == django.session_key  # dropped alike when not found


def test_a_live_session_signs_in_and_an_expired_one_does_not(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get(reverse("portal:inbox")).status_code == 200
    Session.objects.update(expire_date=clock.real_now() - timedelta(seconds=1))
    assert client.get(reverse("portal:inbox")).status_code == 302  # to the login page


def test_the_unread_count_is_the_orms():
    person, other = UserFactory(), UserFactory()
    assert outbox.unread_count(person) == 0
    for n in range(3):
        Notification.objects.create(recipient=person, kind="t", subject=f"S{n}", body="b")
    Notification.objects.create(recipient=other, kind="t", subject="O", body="b")
    Notification.objects.filter(subject="S0").update(read_at=clock.real_now())
    expected = Notification.objects.filter(recipient=person, read_at__isnull=True).count()
    assert outbox.unread_count(person) == expected == 2
    assert outbox.unread_count(other) == 1
