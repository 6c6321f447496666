"""Logging in: the login throttle's place in Django's authentication.

``ThrottleBackend`` comes first in ``AUTHENTICATION_BACKENDS`` and refuses locked logins before
any password is checked; the signal handlers count failures and forgive the owner's own.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied

from portal.accounts import throttle

BACKEND = "django.contrib.auth.backends.ModelBackend"


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
