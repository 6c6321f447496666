"""Sessions in the database (``SESSION_ENGINE``): Django's store, with the one read that every
signed-in request makes as a fixed statement (``portal.core.statements``).

Django's store builds ``Session.objects.get(session_key=key, expire_date__gt=now)`` through the
ORM on every request. ``_READ`` is that query; everything else (saving, rotating, expiring,
clearing) is Django's. ``tests/portal/test_sessions.py`` holds the two reads to the same answers.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session

from portal.core.clock import real_now
from portal.core.statements import Statement

_READ = Statement(
    "SELECT {s.session_data} FROM {s} WHERE {s.session_key} = %s AND {s.expire_date} > %s",
    s=Session,
)


class SessionStore(db.SessionStore):
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
