"""Two-factor authentication for ministry staff: the rules, in one place.

Built on django-otp (already the project's OTP layer) with its two plugins: TOTP for the
authenticator app and static tokens for single-use recovery codes. django-two-factor-auth would
bring its own login wizard, phone and SMS plumbing and django-formtools for what is here a few
functions; its device models are django-otp's anyway.

The rules:
- a session that passed only the password is *not verified*. With ``OTP_REQUIRED_FOR_ADMIN`` the
  middleware below sends such a staff member to one page only: the code page when they have a
  confirmed authenticator, the enrolment page when they have none;
- the first authenticator is set up from a password session (there is nothing else to prove),
  and the owner is told by e-mail;
- a confirmed authenticator is replaced only from a verified session *and* with a fresh code
  from a confirmed device or a recovery code; a password session never sees a new key;
- a lost authenticator is replaced with a recovery code, or reset by a superuser, which is
  recorded in the admin log and e-mailed to the staff member;
- every change (set up, replaced, reset, new recovery codes, a recovery code used) is e-mailed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User
from portal.notifications.outbox import notify

RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery codes"


class TwoFactorError(Exception):
    """A code that does not verify; the message is for the person."""


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user: User) -> TOTPDevice | None:
    """The authenticator being set up (shown as a QR code until its first code confirms it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def may_see_a_new_key(user: User, *, verified: bool) -> bool:
    """Only staff; and once they have an authenticator, only from a verified session."""
    return user.is_staff and (verified or not has_authenticator(user))


@transaction.atomic
def begin(user: User, *, verified: bool) -> TOTPDevice:
    """Make a new authenticator key to scan (replacing any key not confirmed yet)."""
    if not may_see_a_new_key(user, verified=verified):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def _check_code(device: Any, code: str) -> bool:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorError(
            _("Too many wrong codes. Wait a minute, then enter the code your app shows.")
        )
    return bool(device.verify_token(code))


def verify(user: User, code: str) -> Any:
    """The confirmed device that ``code`` belongs to (a six-digit code from the authenticator,
    or a recovery code, which is then used up); raises TwoFactorError otherwise."""
    code = "".join(code.split()).lower()
    if code.isdigit():
        devices: list[Any] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        if code and _check_code(device, code):
            if isinstance(device, StaticDevice):
                _tell(user, "recovery_used", left=recovery_codes_left(user))
            return device
    raise TwoFactorError(
        _("This code is not right. Enter the six digits your app shows now, or a recovery code.")
    )


def confirm(
    request: HttpRequest, *, device: TOTPDevice, code: str, current_code: str = ""
) -> list[str]:
    """Confirm a new authenticator with its first code; it replaces any other. Replacing a
    confirmed one also needs a code from it (or a recovery code). The session is verified and
    the new recovery codes are returned, to be shown once."""
    user = device.user
    replacing = has_authenticator(user)
    if replacing:
        if not request.user.is_verified():  # type: ignore[union-attr]
            raise PermissionDenied
        try:
            verify(user, current_code)
        except TwoFactorError as error:
            raise TwoFactorError(
                _(
                    "Enter a code from your current authenticator, or one of your recovery "
                    "codes, to replace it."
                )
            ) from error
    code = "".join(code.split())
    if not (code.isdigit() and _check_code(device, code)):
        raise TwoFactorError(_("This code is not right. Enter the six digits your app shows now."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user)
        _tell(user, "replaced" if replacing else "enrolled")
    otp_login(request, device)
    return codes


@transaction.atomic
def regenerate_recovery_codes(request: HttpRequest) -> list[str]:
    """New recovery codes for a verified staff member; the old ones stop working."""
    user = request.user
    if not (user.is_staff and user.is_verified()):  # type: ignore[union-attr]
        raise PermissionDenied
    codes = _new_recovery_codes(user)  # type: ignore[arg-type]
    _tell(user, "codes")  # type: ignore[arg-type]
    return codes


@transaction.atomic
def reset(*, user: User, by: User) -> None:
    """A superuser removes a staff member's authenticator and recovery codes (a lost phone).
    Recorded in the admin log; the staff member is told and sets up a new one at next login."""
    if not by.is_superuser:
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["two-factor authentication (reset)"]}}],
        single_object=True,
    )
    _tell(user, "reset", by=by)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _tell(user: User, event: str, **context: Any) -> None:
    notify(
        recipient=user,
        kind=f"two_factor.{event}",
        template="two_factor_changed",
        context={"event": event, **context},
        link=reverse("two_factor_setup"),
    )


# --- The gate -------------------------------------------------------------------------------------

# What an unverified staff member may still open.
OPEN_TO_UNVERIFIED = {
    "two_factor_setup",
    "two_factor_verify",
    "logout",
    "admin:logout",
    "portal:set_language",
    "health",
    "ping",
}


class StaffTwoFactorMiddleware:
    """With ``OTP_REQUIRED_FOR_ADMIN``, a staff member whose session passed only the password sees
    nothing but the code page (or, without an authenticator, the enrolment page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not (settings.OTP_REQUIRED_FOR_ADMIN and user is not None and user.is_authenticated):
            return None
        if not user.is_staff or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_TO_UNVERIFIED:
            return None
        if not has_authenticator(user):
            return redirect("two_factor_setup")
        return redirect(reverse("two_factor_verify") + "?" + urlencode({"next": request.path}))
