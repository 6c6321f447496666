"""Webhooks: the address an organisation may give, the signature, and one POST.

A webhook is a row of the notification outbox (channel "webhook"), delivered by the same task
and swept by the same sweeper as e-mails (``outbox.deliver``). Each POST carries:

* ``X-Portal-Event-Id``: the event's id, the same on every attempt (receivers drop repeats);
* ``X-Portal-Timestamp``: seconds since the epoch, when this attempt was made;
* ``X-Portal-Signature``: ``sha256=`` and the hex HMAC-SHA256, keyed by the organisation's
  secret, of ``"<timestamp>.<body>"``.

The address must be https and lead only to public addresses: its host is resolved when it is
set and again before each POST, and redirects are not followed (``WEBHOOK_ALLOW_LOCAL``, off by
default, lets the tests use a local http server).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5.0
SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
EVENT_ID_HEADER = "X-Portal-Event-Id"


class WebhookError(Exception):
    """A POST that did not reach a 2xx answer; ``status`` is the HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The value of ``X-Portal-Signature`` for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks (a message for the person), or None."""
    allow_local = settings.WEBHOOK_ALLOW_LOCAL
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_local and parts.scheme == "http"):
        return _("The webhook address must begin with https://.")
    host = parts.hostname
    if not host or parts.username or parts.password:
        return _("Enter the full address of your webhook, without a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        return _("The host of this address cannot be found.")
    if not allow_local and not all(_public(str(info[4][0])) for info in found):
        return _("The webhook address must lead to a public internet address.")
    return None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # a 3xx is an answer like any other: not delivered


_opener = urllib.request.build_opener(_NoRedirects)


def post(*, url: str, secret: str, event_id: str, timestamp: str, body: bytes) -> int:
    """POST one signed event; return the 2xx status, or raise ``WebhookError``."""
    problem = url_problem(url)
    if problem:
        raise WebhookError(f"refused address: {problem}")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "portal-webhooks/1",
            EVENT_ID_HEADER: event_id,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        raise WebhookError(f"HTTP {error.code}", error.code) from error
    except (OSError, ValueError) as error:
        raise WebhookError(f"no answer: {error}") from error
    if not 200 <= status < 300:
        raise WebhookError(f"HTTP {status}", status)
    return status
