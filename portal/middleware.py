"""The portal's middleware: the signed-in person's language, and the login lockout page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation


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
