"""The fixed statements of every signed-in request (``portal.core.statements``) give what the
ORM queries they stand for give: the session read, the unread count, the person and their
permissions (``portal.accounts.auth.AccountBackend``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts import auth
from portal.accounts.auth import AccountBackend
from portal.accounts.models import User
from portal.accounts.sessions import SessionStore
from portal.core import clock, statements
from portal.core.statements import Statement
from portal.notifications import outbox
from portal.notifications.models import Notification
from portal.organisations.models import Employer
from tests.factories import EmployerUserFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_names_are_the_models_quoted_table_and_columns():
    statement = Statement("SELECT {s.session_data} FROM {s} WHERE {s.session_key} = %s", s=Session)
    table = connection.ops.quote_name("django_session")
    column = connection.ops.quote_name
    assert statement.text(connection) == (
        f"SELECT {table}.{column('session_data')} FROM {table} "
        f"WHERE {table}.{column('session_key')} = %s"
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


# --- the person and their permissions (portal.accounts.auth.AccountBackend) ---


def _people():
    from portal.accounts.roles import GROUP_PERMISSIONS

    groups = list(GROUP_PERMISSIONS)
    reviewer = StaffFactory(groups=groups[:1])
    both = StaffFactory(groups=groups)
    direct = StaffFactory()
    direct.user_permissions.add(Permission.objects.get(codename="view_permit"))
    mixed = StaffFactory(groups=groups[-1:])
    mixed.user_permissions.add(Permission.objects.get(codename="view_application"))
    boss = StaffFactory(is_superuser=True)
    gone = StaffFactory(groups=groups, is_active=False)
    employer = EmployerUserFactory()
    employer.last_login = clock.real_now()
    employer.save()
    return [reviewer, both, direct, mixed, boss, gone, employer, UserFactory()]


def test_the_person_read_is_djangos():
    ours, django = AccountBackend(), ModelBackend()
    names = [f.attname for f in User._meta.concrete_fields]
    for person in _people():
        mine, theirs = ours.get_user(person.pk), django.get_user(person.pk)
        if theirs is None:
            assert mine is None and not person.is_active
            continue
        assert type(mine) is User
        assert [getattr(mine, n) for n in names] == [getattr(theirs, n) for n in names]
        assert mine.last_login is None or mine.last_login.tzinfo is not None
        # An employer's organisation comes with the person, as the ORM reads it.
        if theirs.employer_id is not None:
            fields = [f.attname for f in Employer._meta.concrete_fields]
            with CaptureQueriesContext(connection) as asked:
                read = [getattr(mine.employer, n) for n in fields]
            assert not asked.captured_queries
            assert read == [getattr(theirs.employer, n) for n in fields]
            assert mine.employer.created_at.tzinfo is not None
        else:
            assert mine.employer is None
    assert ours.get_user(10**9) is None


def test_the_permissions_read_is_djangos():
    ours, django = AccountBackend(), ModelBackend()
    for person in _people():
        fresh_a, fresh_b = User.objects.get(pk=person.pk), User.objects.get(pk=person.pk)
        assert ours.get_all_permissions(fresh_a) == django.get_all_permissions(fresh_b)
        assert ours.has_perm(fresh_a, "permits.change_application") == django.has_perm(
            fresh_b, "permits.change_application"
        )
    assert ours.get_all_permissions(_people()[1]), "the groups grant something"


def test_sessions_of_the_former_backend_stay_signed_in(client, settings):
    person = UserFactory()
    client.force_login(person)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = DjangoStore(key)
    data = store.load()
    assert data[BACKEND_SESSION_KEY] == auth.BACKEND
    data[BACKEND_SESSION_KEY] = auth.FORMER_BACKEND  # as a session made before the rename
    Session.objects.filter(pk=key).update(session_data=store.encode(data))
    assert client.get(reverse("portal:inbox")).status_code == 200
    data[BACKEND_SESSION_KEY] = "portal.accounts.auth.NoSuchBackend"  # any other name: signed out
    Session.objects.filter(pk=key).update(session_data=store.encode(data))
    assert client.get(reverse("portal:inbox")).status_code == 302


def test_sessions_are_signed_as_djangos_store_signs_them():
    """The salt comes from the class's name: renaming it would sign everyone out."""
    assert SessionStore().key_salt == DjangoStore().key_salt


def test_loaded_fields_must_come_in_the_models_order():
    """``loaded`` maps values to fields by position: a statement that reads them in another order
    is refused, not given a person whose name is their address."""
    with pytest.raises(ValueError, match="in their order"):
        statements.loaded(
            connections["default"], User, (1, "Ana", "ana@example.kz"), ("id", "full_name", "email")
        )
    person = statements.loaded(
        connections["default"], User, (1, "ana@example.kz", "Ana"), ("id", "email", "full_name")
    )
    assert (person.pk, person.email, person.full_name) == (1, "ana@example.kz", "Ana")
    assert person.get_deferred_fields() >= {"password", "last_login"}
