"""Secrets in URLs (calendar feed, invitations, password-reset links) never reach a log line.

Each URL is requested for real and every log line written for it is searched for the secret:
the request line (``portal.request``), Django's own records (``django.security.csrf`` here,
written by the same function as ``django.request``'s) and runserver's request line.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import reverse

from portal.observability import REDACTED, RedactSecrets

pytestmark = pytest.mark.django_db


def _secret_urls(world) -> dict[str, tuple[str, list[str]]]:
    uid, reset_token = world.reset_link()
    return {
        "calendar feed": (
            reverse("stays:calendar", args=[world.feed_a.token]),
            [world.feed_a.token],
        ),
        "sponsorship invitation": (
            reverse("portal:sponsorship_answer", args=[world.invitation_a.token]),
            [world.invitation_a.token],
        ),
        "colleague invitation": (
            reverse("portal:colleague_join", args=[world.colleague_invitation_a.token]),
            [world.colleague_invitation_a.token],
        ),
        "password reset": (
            reverse("password_reset_confirm", args=[uid, reset_token]),
            [uid, reset_token],
        ),
        # Without the slash: redirected by APPEND_SLASH before any view resolves it.
        "invitation without its slash": (
            reverse("portal:colleague_join", args=[world.colleague_invitation_a.token])[:-1],
            [world.colleague_invitation_a.token],
        ),
    }


URL_NAMES = [
    "calendar feed",
    "sponsorship invitation",
    "colleague invitation",
    "password reset",
    "invitation without its slash",
]


@contextmanager
def _written_by(logger_name: str) -> Iterator[io.StringIO]:
    """What the handlers configured for ``logger_name`` write (their real output)."""
    handlers = [
        h for h in logging.getLogger(logger_name).handlers if isinstance(h, logging.StreamHandler)
    ]
    assert handlers, f"no handler configured for {logger_name!r}"
    out = io.StringIO()
    saved = [h.setStream(out) for h in handlers]
    try:
        yield out
    finally:
        for handler, stream in zip(handlers, saved, strict=True):
            handler.setStream(stream)


@pytest.mark.parametrize("name", URL_NAMES)
def test_the_request_line_redacts_the_secrets_of_the_url(client, world, caplog, name):
    url, secrets = _secret_urls(world)[name]
    client.force_login(world.applicant_a)

    with caplog.at_level(logging.INFO, logger="portal.request"), _written_by("") as out:
        response = client.get(url)

    assert response.status_code in (200, 301, 302)
    [line] = [r for r in caplog.records if r.name == "portal.request"]
    assert REDACTED in line.path
    assert line.path.split("/")[1] == url.split("/")[1]  # the page is still recognisable
    for secret in secrets:
        assert secret not in line.path
        assert secret not in caplog.text
        assert secret not in out.getvalue()
    assert '"path": "/' in out.getvalue()  # the JSON line was written, redacted


@pytest.mark.parametrize("name", URL_NAMES)
def test_djangos_own_records_redact_the_secrets_of_the_url(world, caplog, name):
    # A refused CSRF check is logged by django.security.csrf with the path and the request.
    url, secrets = _secret_urls(world)[name]
    client = Client(enforce_csrf_checks=True)

    with caplog.at_level(logging.WARNING, logger="django.security.csrf"), _written_by("") as out:
        response = client.post(url + ("" if url.endswith(("/", ".ics")) else "/"), {})

    assert response.status_code == 403
    written = out.getvalue()
    assert "Forbidden (CSRF cookie not set.)" in written and REDACTED in written
    for secret in secrets:
        assert secret not in written
        assert secret not in caplog.text


def test_runservers_request_lines_redact_paths_and_query_strings(world):
    token = world.invitation_a.token
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)  # Django's own log_message
    handler.request = None

    with _written_by("django.server") as out:
        handler.log_message('"%s" %s %s', f"GET /sponsorship/{token}/ HTTP/1.1", "200", "512")
        handler.log_message(
            '"%s" %s %s',
            f"GET /accounts/login/?next=%2Fsponsorship%2F{token}%2F&lang=en HTTP/1.1",
            "200",
            "512",
        )
        handler.log_message('"%s" %s %s', "GET /professions/?api_key=abc123 HTTP/1.1", "200", "9")

    written = out.getvalue()
    assert token not in written and "abc123" not in written
    assert f'"GET /sponsorship/{REDACTED}/ HTTP/1.1" 200 512' in written
    assert f"next=/sponsorship/{REDACTED}/&lang=en" in written
    assert f"api_key={REDACTED}" in written


def test_every_configured_handler_redacts():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact" in handler.get("filters", []), name
    for logger in [logging.getLogger(), logging.getLogger("django.server")]:
        for handler in logger.handlers:
            if handler.__class__.__module__.startswith("_pytest"):
                continue
            assert any(isinstance(f, RedactSecrets) for f in handler.filters), handler
    # Django's default handlers (outside our filter) are gone from its logger.
    assert logging.getLogger("django").handlers == []
