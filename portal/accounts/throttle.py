"""Login throttling: every failed password is a row, and three rules read them.

Failures are counted by the e-mail address that was typed (whether or not an account has it)
and by the client's address (``portal.clientip``), over the cool-off window:

- **the pair**: ``LOGIN_PAIR_LIMIT`` failures for one account from one address lock that pair
  until they age out of the window. Nothing else the address does (another login, a sign-up)
  removes them; only the account's own successful login from that address does, before the lock;
- **the address**: an address that failed on ``LOGIN_ADDRESS_ACCOUNTS`` different accounts is
  refused for every account (password spraying);
- **the account**: once an account has ``LOGIN_ACCOUNT_SLOWDOWN`` failures from any addresses, each
  further try must wait twice as long as the one before (1, 2, 4, … minutes, up to the window),
  whatever the address, and the owner is told by e-mail once per window.

A refused try reads the same whether the account exists or not: the rules count the typed
address, never an account. The rows live in the database, so throttling holds with Redis down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max
from django.http import HttpRequest
from django.urls import reverse

from portal.accounts.models import LoginFailure, User, normalise_email
from portal.core import clock
from portal.core.clientip import client_ip
from portal.notifications.outbox import notify


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)


def normalise(username: str | None) -> str:
    return normalise_email(username)[:254]


@dataclass(frozen=True)
class Lock:
    """Why a login is refused, and until when."""

    reason: str  # "pair", "address" or "account": for the log, never shown
    until: datetime

    @property
    def minutes(self) -> int:
        return max(1, math.ceil((self.until - clock.real_now()).total_seconds() / 60))


def account_delay(failures: int) -> timedelta:
    """How long an account waits after its latest failure, given its failures in the window."""
    over = failures - settings.LOGIN_ACCOUNT_SLOWDOWN
    if over < 0:
        return timedelta(0)
    return min(_window(), timedelta(minutes=2 ** min(over, 20)))


def lock_for(username: str | None, ip: str, *, before: int | None = None) -> Lock | None:
    """The lock that refuses a login of ``username`` from ``ip`` now, if any. With ``before``
    (an attempt's id), only the attempts made before that one count."""
    if not settings.LOGIN_THROTTLE_ENABLED:
        return None
    now = clock.real_now()
    username = normalise(username)
    recent = LoginFailure.objects.filter(at__gte=now - _window())
    if before is not None:
        recent = recent.filter(pk__lt=before)

    pair = list(
        recent.filter(username=username, ip=ip)
        .order_by("-at")
        .values_list("at", flat=True)[: settings.LOGIN_PAIR_LIMIT]
    )
    if len(pair) >= settings.LOGIN_PAIR_LIMIT:
        return Lock("pair", pair[-1] + _window())

    by_address = recent.filter(ip=ip).aggregate(
        accounts=Count("username", distinct=True), last=Max("at")
    )
    if by_address["accounts"] >= settings.LOGIN_ADDRESS_ACCOUNTS:
        return Lock("address", by_address["last"] + _window())

    by_account = recent.filter(username=username).aggregate(n=Count("id"), last=Max("at"))
    delay = account_delay(by_account["n"])
    if delay and by_account["last"] + delay > now:
        return Lock("account", by_account["last"] + delay)
    return None


def begin_attempt(request: HttpRequest, username: str | None) -> Lock | None:
    """Before any password is checked: the attempt is written down first, as a failure until it
    succeeds, and judged by the attempts made before it. Written first, so that a burst of
    parallel tries cannot all pass the check before any of them is counted: each sees those
    with a smaller id. A refused attempt is not a guess and is not kept."""
    if not settings.LOGIN_THROTTLE_ENABLED:
        return None
    now = clock.real_now()
    username, ip = normalise(username), client_ip(request)
    LoginFailure.objects.filter(at__lt=now - _window()).delete()
    attempt = LoginFailure.objects.create(username=username, ip=ip, at=now)
    lock = lock_for(username, ip, before=attempt.pk)
    if lock is not None:
        attempt.delete()
    return lock


def attempt_failed(request: HttpRequest, username: str | None) -> Lock | None:
    """The password was wrong (the attempt stays counted): tell the owner when their account is
    under attack, and return the lock this failure brings, if any."""
    now = clock.real_now()
    username = normalise(username)
    failures = LoginFailure.objects.filter(username=username, at__gte=now - _window())
    if failures.count() >= settings.LOGIN_ACCOUNT_SLOWDOWN:
        _tell_owner(username, failures.values("ip").distinct().count(), now)
    return lock_for(username, client_ip(request))


def record_success(request: HttpRequest, username: str | None) -> None:
    """The account's owner logged in from this address: their own attempts from here (this one
    included) are forgiven. Nothing else is: not the address's failures on other accounts, not
    the failures on this account from elsewhere."""
    LoginFailure.objects.filter(username=normalise(username), ip=client_ip(request)).delete()


def _tell_owner(username: str, addresses: int, now: datetime) -> None:
    user = User.objects.filter(email=username, is_active=True).first()
    if user is None:
        return
    window = int(now.timestamp() // _window().total_seconds())
    notify(
        recipient=user,
        kind="login.attack",
        template="login_attack",
        context={"addresses": addresses, "minutes": settings.LOGIN_COOLOFF_MINUTES},
        link=reverse("password_reset"),
        event_key=f"login-attack:{user.pk}:{window}",
    )
