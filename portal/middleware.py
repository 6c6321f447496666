"""The portal's middleware: the signed-in person's language, and django-otp's device lookup
through the cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django_otp.middleware import OTPMiddleware

from . import pagecache

OTP_DEVICE_TTL = 60  # seconds


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, reading the session's verified device through the cache.

    django-otp reads the device on every request of a staff member (a third of a cached admin
    page's CPU). The device is kept while its scope's generation is current: any save or delete
    of the device (``pagecache``) renews it, so a removed device stops verifying at once.
    """

    def _device_from_persistent_id(self, persistent_id: str):
        if not pagecache.enabled():
            return super()._device_from_persistent_id(persistent_id)
        return pagecache.remembered(
            f"otp-device:{persistent_id}",
            [pagecache.device_scope(persistent_id)],
            lambda: super(CachedOTPMiddleware, self)._device_from_persistent_id(persistent_id),
            OTP_DEVICE_TTL,
        )


class UserLanguageMiddleware:
    """Use a signed-in person's preferred language, whatever the browser asks for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class LoginThrottleMiddleware:
    """Turns a login refused by ``portal.throttle`` into the lockout page, status 429."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        lock = getattr(request, "login_lock", None)
        if lock is None:
            return response
        return render(
            request, "registration/locked_out.html", {"minutes": lock.minutes}, status=429
        )
