"""Sessions in the database (``SESSION_ENGINE``): Django's store, with the one read that every
signed-in request makes as a fixed statement (``portal.core.statements``).

Django's store builds ``Session.objects.get(session_key=key, expire_date__gt=now)`` through the
ORM on every request. ``_READ`` is that query; everything else (saving, rotating, expiring,
clearing) is Django's. ``tests/portal/test_statements.py`` holds the two reads to the same
answers. A session made before the sign-in backend had its own name is read as naming it
(``auth.FORMER_BACKEND``), whenever it was made: nobody is signed out by the change.

The class keeps Django's name: the salt that signs every session is derived from it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session

from portal.accounts.auth import BACKEND, FORMER_BACKEND
from portal.core.clock import real_now
from portal.core.statements import Statement

_READ = Statement(
    "SELECT {s.session_data} FROM {s} WHERE {s.session_key} = %s AND {s.expire_date} > %s",
    s=Session,
)


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        data = super().load()
        if data.get(BACKEND_SESSION_KEY) == FORMER_BACKEND:
            data[BACKEND_SESSION_KEY] = BACKEND
        return data

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key  # None when the cookie does not hold a well-formed key
        row = None
        if key is not None:
            now = _READ.connection().ops.adapt_datetimefield_value(real_now())
            row = _READ.one([key, now])
        if row is None:
            self._session_key = None
            return None
        return Session(session_key=key, session_data=row[0])
