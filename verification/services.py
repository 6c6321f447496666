"""Issuing documents with codes, the holder's statements, and checking a code.

The figures of a statement come from the stay tracker (``stays.services.person_overview``, which
runs ``stays.rules``): nothing about stays is computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from permits.models import Permit
from portal.accounts.models import User
from portal.core import clock
from portal.core.clock import today
from stays import services as stays
from stays.rules import FIRST_RECORD_DATE

from . import codes
from .models import FailedCheck, IssuedDocument

STATEMENT_VERSION = 1


class StatementError(Exception):
    """A statement cannot be issued; the message is for people."""


def check_url(document: IssuedDocument) -> str:
    """The address behind the QR code: absolute, with the 256-bit token."""
    return settings.SITE_URL + reverse("verification:check", args=[document.token])


# --- Issuing -------------------------------------------------------------------------------------


def _create(**fields: Any) -> IssuedDocument:
    # A short code that someone already has (about one chance in 10^16) is drawn again.
    for attempt in range(5):
        try:
            with transaction.atomic():
                return IssuedDocument.objects.create(short_code=codes.new_short_code(), **fields)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def permit_document(permit: Permit) -> IssuedDocument:
    """The permit's codes, made once, when it is issued (``permits.services.permit_issue``)."""
    existing = IssuedDocument.objects.filter(permit=permit).first()
    if existing is not None:
        return existing
    return _create(
        kind=IssuedDocument.Kind.PERMIT, permit=permit, holder_id=permit.application.applicant_id
    )


def statement_figures(person: User, on: date) -> dict[str, Any]:
    """What a statement as of ``on`` says, as JSON data: the stays of the period ending on
    ``on``, days used and left, the must-leave-by date, every violation up to ``on`` with its
    first day, and the permit periods that exempt days (as the stay tracker counts them)."""
    overview = stays.person_overview(person, on=on)
    limits, a = overview.limits, overview.assessment
    if limits is None or a is None:
        regime = overview.regime.regime
        if not regime:
            message = _("Your citizenship is not in your profile: add it to issue a statement.")
        elif regime == stays.NO_RULE:
            message = _(
                "The ministry has not yet set the entry rule for your citizenship in the portal, "
                "so there is no statement to issue."
            )
        else:
            message = _(
                "Under the ministry's rules your citizenship needs a visa: the short-stay limits "
                "do not apply to you, so there is no statement to issue."
            )
        raise StatementError(message)
    start = on - timedelta(days=limits.window - 1)
    in_period = sorted(
        (c for c in overview.crossings if c.entry <= on and (c.exit is None or c.exit >= start)),
        key=lambda c: (c.entry, c.pk),
    )
    return {
        "version": STATEMENT_VERSION,
        "as_of": on.isoformat(),
        "full_name": person.full_name,
        "citizenship": str(person.citizenship.code or ""),
        "regime": overview.regime.regime,
        "limits": {
            "single_stay": limits.single_stay,
            "window": limits.window,
            "max_days": limits.max_days,
        },
        "days_used": a.days_in_window,
        "days_left": a.days_remaining,
        "in_country": a.in_country,
        "must_leave_by": a.latest_exit_date.isoformat() if a.latest_exit_date else None,
        # An exit after ``on`` had not happened yet on that day: the stay was still going on.
        "stays": [
            {
                "entry": c.entry.isoformat(),
                "exit": c.exit.isoformat() if c.exit and c.exit <= on else None,
            }
            for c in in_period
        ],
        "violations": [
            {
                "kind": v.kind,
                "first_day": v.first_day.isoformat(),
                "last_day": v.last_day.isoformat(),
                "days_over": v.days_over,
            }
            for v in a.violations
        ],
        "exempt": [
            {"start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in overview.exempt
            if p.start <= on and p.start <= p.end
        ],
    }


def statement_issue(*, person: User, on: date) -> IssuedDocument:
    """Issue a statement of the person's stays as of ``on`` (not in the future)."""
    if on > today():
        raise StatementError(_("Choose a date that is not in the future."))
    if on < FIRST_RECORD_DATE:
        raise StatementError(_("Choose a date from 16 December 1991 on."))
    data = statement_figures(person, on)
    return _create(kind=IssuedDocument.Kind.STATEMENT, holder=person, data=data)


def statement_revoke(*, document: IssuedDocument) -> bool:
    """Withdraw a statement: its codes answer "revoked" from now on. False if it already was."""
    updated = IssuedDocument.objects.filter(
        pk=document.pk, kind=IssuedDocument.Kind.STATEMENT, revoked_at__isnull=True
    ).update(revoked_at=clock.now())
    document.refresh_from_db(fields=["revoked_at"])
    return bool(updated)


# --- Reading a statement -------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class StatementView:
    """A statement's stored figures, with dates as dates, for pages and PDFs."""

    as_of: date
    full_name: str
    citizenship: str
    regime: str
    window: int
    max_days: int
    single_stay: int
    days_used: int
    days_left: int
    in_country: bool
    must_leave_by: date | None
    stays: list[dict[str, Any]]
    violations: list[dict[str, Any]]
    exempt: list[dict[str, Any]]


def statement_view(document: IssuedDocument) -> StatementView:
    d = document.data
    return StatementView(
        as_of=date.fromisoformat(d["as_of"]),
        full_name=d["full_name"],
        citizenship=d["citizenship"],
        regime=d["regime"],
        window=d["limits"]["window"],
        max_days=d["limits"]["max_days"],
        single_stay=d["limits"]["single_stay"],
        days_used=d["days_used"],
        days_left=d["days_left"],
        in_country=d["in_country"],
        must_leave_by=_day(d["must_leave_by"]),
        stays=[
            {
                "entry": _day(s["entry"]),
                "exit": _day(s["exit"]),
                # Days of presence up to the statement's date, entry and exit days included.
                "days": (
                    (_day(s["exit"]) or date.fromisoformat(d["as_of"])) - _day(s["entry"])
                ).days
                + 1,
            }
            for s in d["stays"]
        ],
        violations=[
            {**v, "first_day": _day(v["first_day"]), "last_day": _day(v["last_day"])}
            for v in d["violations"]
        ],
        exempt=[{"start": _day(p["start"]), "end": _day(p["end"])} for p in d["exempt"]],
    )


# --- Checking ------------------------------------------------------------------------------------


def mask_name(full_name: str) -> str:
    """Each part of the name with its middle hidden: ``Alice Applicant`` -> ``A***e A*******t``.

    Which part is the surname depends on the country (and on how the passport writes it), so
    every part is masked alike: enough to match the document in hand, too little to learn a name.
    """
    parts = []
    for part in full_name.split():
        if len(part) <= 2:
            parts.append(part[0] + "*" * (len(part) - 1))
        else:
            parts.append(part[0] + "*" * (len(part) - 2) + part[-1])
    return " ".join(parts)


def find_by_token(token: str) -> IssuedDocument | None:
    if not codes.is_token(token):
        return None
    return IssuedDocument.objects.select_related("permit__application").filter(token=token).first()


def find_by_short_code(code: str) -> IssuedDocument | None:
    return (
        IssuedDocument.objects.select_related("permit__application").filter(short_code=code).first()
    )


# --- Rate limit of typed codes ---------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(minutes=getattr(settings, "VERIFY_COOLOFF_MINUTES", 15))


def _limit() -> int:
    return int(getattr(settings, "VERIFY_FAILURE_LIMIT", 10))


@dataclass(frozen=True)
class CheckLock:
    until: datetime

    @property
    def minutes(self) -> int:
        return max(1, math.ceil((self.until - clock.real_now()).total_seconds() / 60))


def check_lock(ip: str) -> CheckLock | None:
    """The lock on typing codes from ``ip``: ``VERIFY_FAILURE_LIMIT`` codes that led nowhere
    within ``VERIFY_COOLOFF_MINUTES`` refuse every further try until the oldest ages out."""
    recent = list(
        FailedCheck.objects.filter(ip=ip, at__gte=clock.real_now() - _window())
        .order_by("-at")
        .values_list("at", flat=True)[: _limit()]
    )
    if len(recent) >= _limit():
        return CheckLock(recent[-1] + _window())
    return None


@transaction.atomic
def record_failed_check(ip: str) -> None:
    now = clock.real_now()
    FailedCheck.objects.filter(at__lt=now - _window()).delete()
    FailedCheck.objects.create(ip=ip, at=now)
