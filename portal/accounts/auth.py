"""Logging in: the login throttle's place in Django's authentication, and the backend that
signs people in.

``ThrottleBackend`` comes first in ``AUTHENTICATION_BACKENDS`` and refuses locked logins before
any password is checked; the signal handlers count failures and forgive the owner's own.
``AccountBackend`` is Django's ``ModelBackend`` (passwords, active users, groups and
permissions) with the two reads a signed-in request makes as fixed statements
(``portal.core.statements``): the person (with an employer's organisation, which every page of
theirs reads), and a staff member's permissions in one query instead of two that cost about
2 ms to build.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from portal.accounts import throttle
from portal.accounts.models import User
from portal.core.statements import Statement, loaded

# The backend that signs people in. Sessions made before it had its own name hold Django's; the
# session store reads them as this one (``portal.accounts.sessions``), so nobody is signed out.
BACKEND = "portal.accounts.auth.AccountBackend"
FORMER_BACKEND = "django.contrib.auth.backends.ModelBackend"

# The person and their organisation (an employer's user; NULLs for everyone else): every page of
# an employer asks who the organisation is and whether it is verified (``role_of``).
_EMPLOYER = User._meta.get_field("employer").related_model
_USER = Statement(
    "SELECT "
    + ", ".join(f"{{u.{f.name}}}" for f in User._meta.concrete_fields)
    + ", "
    + ", ".join(f"{{e.{f.name}}}" for f in _EMPLOYER._meta.concrete_fields)
    + " FROM {u} LEFT JOIN {e} ON {e.id} = {u.employer} WHERE {u.id} = %s",
    u=User,
    e=_EMPLOYER,
)
_USER_COLUMNS = len(User._meta.concrete_fields)


def _as_user(connection: Any, row: Sequence[Any]) -> User:
    """A row of ``_USER``: the person, with their organisation in the ORM's cache of the
    relation, so ``user.employer`` asks nothing more."""
    user = loaded(connection, User, row[:_USER_COLUMNS])
    if user.employer_id is not None:
        user._state.fields_cache["employer"] = loaded(connection, _EMPLOYER, row[_USER_COLUMNS:])
    return user


_PERMISSIONS = "SELECT {t.app_label}, {p.codename} FROM {p} JOIN {t} ON {t.id} = {p.content_type}"
_ALL_PERMISSIONS = Statement(_PERMISSIONS, p=Permission, t=ContentType)
_OWN_PERMISSIONS = Statement(
    _PERMISSIONS + " WHERE {p.id} IN (SELECT {up.permission} FROM {up} WHERE {up.user} = %s)"
    " OR {p.id} IN (SELECT {gp.permission} FROM {gp}"
    " JOIN {ug} ON {ug.group} = {gp.group} WHERE {ug.user} = %s)",
    p=Permission,
    t=ContentType,
    up=User.user_permissions.through,
    ug=User.groups.through,
    gp=Group.permissions.through,
)


class AccountBackend(ModelBackend):
    """Django's ``ModelBackend``; ``get_user`` and ``get_all_permissions`` read the same rows in
    one fixed statement each (``tests/portal/test_statements.py`` holds them to Django's)."""

    def get_user(self, user_id: Any) -> User | None:
        connection = _USER.connection()
        with connection.cursor() as cursor:
            cursor.execute(_USER.text(connection), [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user = _as_user(connection, row)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = _ALL_PERMISSIONS.all([])
            else:
                rows = _OWN_PERMISSIONS.all([user_obj.pk, user_obj.pk])
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache


class ThrottleBackend:
    """First in ``AUTHENTICATION_BACKENDS``: refuses every login that ``portal.throttle`` locks,
    before any password is checked. The request is marked, and ``LoginThrottleMiddleware``
    answers with the lockout page (429), the same whether the account exists or not.

    It has no ``get_user``: it never signs anyone in, so no session names it as its backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        lock = throttle.begin_attempt(request, username)
        if lock is not None:
            request.login_lock = lock
            raise PermissionDenied
        return None


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is None or getattr(request, "login_lock", None) is not None:
        return  # refused by the lock: not a guess that reached a password check
    lock = throttle.attempt_failed(request, credentials.get("username"))
    if lock is not None:
        request.login_lock = lock


def logged_in(sender, request, user, **kwargs) -> None:
    if request is not None:
        throttle.record_success(request, user.get_username())


def connect() -> None:
    user_login_failed.connect(login_failed, dispatch_uid="portal.throttle.failed")
    user_logged_in.connect(logged_in, dispatch_uid="portal.throttle.succeeded")
