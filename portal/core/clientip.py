"""The client's address, the one place that decides it.

Without ``BEHIND_PROXY`` it is the peer of the connection (``REMOTE_ADDR``) and any
``X-Forwarded-For`` header is ignored: a client can write what it likes there. Behind
``TRUSTED_PROXIES`` proxies (``BEHIND_PROXY=1``, or the number of proxies), each proxy appends
the address it received the request from, so the client is the entry that many places from the
right; entries further left were written by the client and are not believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through all of them. The nearest
        # entry is the best there is; without one, the peer.
        return (_valid(forwarded[0]) if forwarded else None) or remote
    return _valid(forwarded[-proxies]) or remote
