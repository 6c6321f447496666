"""Webhooks: the address an organisation may give, the signature, and one POST.

A webhook is a row of the notification outbox (channel "webhook"), delivered by the same task
and swept by the same sweeper as e-mails (``outbox.deliver``). Each POST carries:

* ``X-Portal-Event-Id``: the event's id, the same on every attempt (it is not signed: receivers
  drop repeats by the body's ``id``, the same value, and refuse a timestamp over 5 minutes old);
* ``X-Portal-Timestamp``: seconds since the epoch, when this attempt was made;
* ``X-Portal-Signature``: ``sha256=`` and the hex HMAC-SHA256, keyed by the organisation's
  secret, of ``"<timestamp>.<body>"``.

The address must be https and lead only to public addresses: its host is resolved when it is
set and again before each POST, and the POST connects to the very addresses that were checked
(no second lookup a DNS answer could change in between: "DNS rebinding"), while TLS checks the
certificate against the host name, which is also sent as SNI and ``Host``. Redirects are not
followed. ``WEBHOOK_ALLOW_LOCAL`` (off by default; tests only) lets a local http server receive.

A POST has ``DEADLINE_SECONDS`` in all (connecting, TLS, sending, the answer's status line and
headers), not only ``TIMEOUT_SECONDS`` per socket operation: a receiver that trickles its answer
a byte at a time would otherwise hold a delivery worker (or, without a broker, a web request)
for ever. When the deadline passes a watchdog shuts the socket down, so a blocked read returns,
and the attempt counts as failed whatever was read.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import unicodedata
from urllib.parse import SplitResult, quote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5.0  # per socket operation
DEADLINE_SECONDS = 10.0  # for the whole POST, whatever the receiver does
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


# IPv6 ranges that carry an IPv4 address (Python counts some of them global): IPv4-compatible,
# IPv4-mapped and -translated, NAT64 (well-known and local-use), 6to4 and Teredo. A receiver
# has no business there, and what they lead to may be 127.0.0.1 or 169.254.169.254.
EMBEDDING_IPV4 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::/96",
        "::ffff:0:0/96",
        "::ffff:0:0:0/96",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2002::/16",
        "2001::/32",
    )
)


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in EMBEDDING_IPV4):
        return False
    return ip.is_global and not ip.is_multicast


class AddressRefused(Exception):
    """An address that cannot receive webhooks; the message is for the person."""


def _unprintable(url: str) -> bool:
    """Whether ``url`` holds a space or a control (or other invisible) character: urlsplit
    silently drops some, http.client refuses others."""
    return any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in url)


# What RFC 3986 allows as it is in a path and in a query; "%" is kept, for the %XX already there.
PATH_SAFE = "/:@!$&'()*+,;=-._~%"
QUERY_SAFE = PATH_SAFE + "?"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _encoded(text: str, safe: str) -> str:
    """``text`` percent-encoded (UTF-8) where RFC 3986 wants it, its valid %XX kept as they
    are and a "%" that starts none encoded."""
    return quote(_LONE_PERCENT.sub("%25", text), safe=safe)


def request_target(parts: SplitResult) -> str:
    """The path and query of the POST's request line: ASCII only, whatever the address held."""
    target = _encoded(parts.path, PATH_SAFE) or "/"
    if parts.query:
        target += "?" + _encoded(parts.query, QUERY_SAFE)
    return target


def _checked(url: str) -> tuple[SplitResult, int, list[str]]:
    """The parts of ``url``, its port and the addresses its host resolves to, all of them
    allowed; else ``AddressRefused``. The one lookup a POST connects by."""
    allow_local = settings.WEBHOOK_ALLOW_LOCAL
    if _unprintable(url):
        raise AddressRefused(
            _("The webhook address must not contain spaces or control characters.")
        )
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_local and parts.scheme == "http"):
        raise AddressRefused(_("The webhook address must begin with https://."))
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise AddressRefused(
            _("Enter the full address of your webhook, without a user name or password.")
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as error:
        raise AddressRefused(_("The host of this address cannot be found.")) from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses or not (allow_local or all(_public(a) for a in addresses)):
        raise AddressRefused(_("The webhook address must lead to a public internet address."))
    return parts, port, addresses


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks (a message for the person), or None."""
    try:
        _checked(url)
    except AddressRefused as refused:
        return str(refused)
    return None


def tls_context() -> ssl.SSLContext:
    """How webhook receivers are verified: the system's certificate authorities, the host name
    checked against the certificate."""
    return ssl.create_default_context()


class _Watchdog:
    """Shuts down the connections of one POST once its deadline has passed, from another
    thread, so that a read blocked in the receiver's trickle returns at once. It keeps its own
    duplicate of each socket: shutting that down ends the connection under TLS too, during the
    handshake as after it, and its descriptor is never one reused by something else."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.expired = threading.Event()
        self._duplicates: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        with self._lock:
            for duplicate in self._duplicates:
                duplicate.close()
            self._duplicates.clear()

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        duplicate = sock.dup()
        with self._lock:
            self._duplicates.append(duplicate)
            if self.expired.is_set():
                _shut(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            for duplicate in self._duplicates:
                _shut(duplicate)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # the connection is already gone
        pass


def _connection(
    parts: SplitResult, port: int, address: str, watchdog: _Watchdog
) -> http.client.HTTPConnection:
    """A connection to ``address`` (one the check allowed) that speaks to the URL's host: the
    socket goes to the address, TLS sends and verifies the host name, ``Host`` names it; every
    socket it opens is shut down when the watchdog's deadline passes."""
    host = parts.hostname or ""
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=TIMEOUT_SECONDS, context=tls_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)

    def to_the_checked_address(
        _where: tuple[str, int], timeout: float, source: tuple[str, int] | None = None
    ) -> socket.socket:
        if watchdog.expired.is_set():
            raise TimeoutError("deadline passed")
        timeout = max(min(timeout, watchdog.remaining()), 0.01)
        sock = socket.create_connection((address, port), timeout, source)
        watchdog.watch(sock)
        return sock

    # http.client opens its socket through this attribute: pinned, no lookup of the name.
    connection._create_connection = to_the_checked_address  # type: ignore[attr-defined]
    return connection


def post(*, url: str, secret: str, event_id: str, timestamp: str, body: bytes) -> int:
    """POST one signed event; return the 2xx status, or raise ``WebhookError`` (also when the
    whole exchange took longer than ``DEADLINE_SECONDS``)."""
    try:
        parts, port, addresses = _checked(url)
    except AddressRefused as refused:
        raise WebhookError(f"refused address: {refused}") from refused
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "portal-webhooks/1",
        EVENT_ID_HEADER: event_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
    target = request_target(parts)
    error: Exception | None = None
    with _Watchdog(DEADLINE_SECONDS) as watchdog:
        for address in addresses:  # the checked addresses, in the resolver's order
            connection = _connection(parts, port, address, watchdog)
            try:
                try:
                    connection.connect()
                except OSError as failed:
                    if isinstance(failed, ssl.SSLError):
                        raise  # a certificate that does not fit: no other address fixes that
                    error = failed
                    if watchdog.expired.is_set():
                        break
                    continue
                connection.request("POST", target, body=body, headers=headers)
                status = connection.getresponse().status
            except (OSError, http.client.HTTPException, ValueError) as failed:
                if watchdog.expired.is_set():
                    raise WebhookError(f"no answer within {DEADLINE_SECONDS:g} s") from failed
                raise WebhookError(f"no answer: {failed}") from failed
            finally:
                connection.close()
            # Cut off mid-answer, http.client may take the end of the stream for the end of
            # the headers: an answer completed only by the watchdog is no answer.
            if watchdog.expired.is_set():
                raise WebhookError(f"no answer within {DEADLINE_SECONDS:g} s")
            if not 200 <= status < 300:  # a redirect is an answer like any other: not delivered
                raise WebhookError(f"HTTP {status}", status)
            return status
    if watchdog.expired.is_set():
        raise WebhookError(f"no answer within {DEADLINE_SECONDS:g} s")
    raise WebhookError(f"no answer: {error}")
