"""Writes of the API app: tokens (made, revoked), the organisation's webhook, and the calls made
with a token (the audit trail, counted for the rate limit)."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core import clock
from portal.notifications.webhooks import url_problem
from portal.organisations.models import Employer

from .models import ApiCall, ApiToken

# Tokens look like "kzp_…" (easy to spot in a leaked file); the part after it is 256 random bits.
TOKEN_MARK = "kzp_"
PREFIX_LENGTH = len(TOKEN_MARK) + 6


class SettingsError(Exception):
    """A setting that cannot be made; the message is for the person."""


def digest(raw: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def token_create(*, employer: Employer, name: str, by: User) -> NewToken:
    """Make a token for ``employer``; the raw token is returned once and only its hash kept.
    Names tell the working tokens apart: a name a working token has is refused (``SettingsError``;
    also what a reloaded form, sent twice, meets instead of making a second token)."""
    name = name.strip()[:100]
    Employer.objects.select_for_update().filter(pk=employer.pk).first()  # one name at a time
    if ApiToken.objects.filter(
        employer=employer, revoked_at__isnull=True, name__iexact=name
    ).exists():
        raise SettingsError(
            _("A working token already has this name: give the new one another name.")
        )
    raw = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        employer=employer,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        digest=digest(raw),
        created_by=by,
    )
    return NewToken(token=token, raw=raw)


def token_revoke(*, token: ApiToken, by: User) -> bool:
    """Revoke ``token`` from now on; False when it already was."""
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=clock.real_now(), revoked_by=by
        )
    )


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def webhook_set(*, employer: Employer, url: str) -> str | None:
    """Set the organisation's webhook address (checked: https, public). Returns the new secret
    when one was made (the first time), to be shown once; None when the secret is kept."""
    problem = url_problem(url)
    if problem:
        raise SettingsError(problem)
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    made = None
    if not locked.webhook_secret:
        made = locked.webhook_secret = new_secret()
    locked.webhook_url = url
    locked.save(update_fields=["webhook_url", "webhook_secret"])
    return made


def webhook_secret_renew(*, employer: Employer) -> str:
    """A new signing secret (the old one stops at once); returned to be shown once."""
    secret = new_secret()
    Employer.objects.filter(pk=employer.pk).update(webhook_secret=secret)
    return secret


def webhook_remove(*, employer: Employer) -> None:
    """No more webhooks: the address and the secret are removed (events waiting are dropped)."""
    Employer.objects.filter(pk=employer.pk).update(webhook_url="", webhook_secret="")


# --- Calls --------------------------------------------------------------------------------------


def call_begin(*, token: ApiToken, method: str, path: str) -> tuple[ApiCall, int | None]:
    """Write the call down, then judge it by the calls before it: the organisation's calls in
    the last ``API_RATE_WINDOW_SECONDS`` that were not refused. Returns the call and, when it
    is over ``API_RATE_LIMIT``, the seconds to wait (else None). Written before it is judged,
    so a burst of parallel calls cannot pass the limit together."""
    now = clock.real_now()
    call = ApiCall.objects.create(
        token=token, employer_id=token.employer_id, method=method, path=path[:500], at=now
    )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    window = timedelta(seconds=settings.API_RATE_WINDOW_SECONDS)
    counted = (
        ApiCall.objects.filter(employer_id=token.employer_id, at__gt=now - window, pk__lt=call.pk)
        .exclude(status=429)
        .order_by("at")
        .values_list("at", flat=True)
    )
    # Only as many as decide: the limit, and the oldest of them for the wait.
    times = list(counted[: settings.API_RATE_LIMIT])
    if len(times) < settings.API_RATE_LIMIT:
        return call, None
    wait = (times[0] + window - now).total_seconds()
    return call, max(1, math.ceil(wait))


def call_end(call: ApiCall, status: int) -> None:
    ApiCall.objects.filter(pk=call.pk).update(status=status)
