"""Deployment checks of the portal's own (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


def _server(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        return None
    return parts.hostname, parts.port or 6379


@register(Tags.caches, deploy=True)
def broker_and_cache_apart(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The cache's Redis may evict (``allkeys-lru``); the broker's must never (``noeviction``),
    or queued tasks are lost. One server cannot be both."""
    broker = _server(settings.CELERY_BROKER_URL)
    location = settings.CACHES["default"].get("LOCATION", "")
    locations = location if isinstance(location, list | tuple) else [location]
    if broker is None or broker not in {_server(str(url)) for url in locations}:
        return []
    return [
        Warning(
            "The Celery broker and the cache use the same Redis server (%s:%s)." % broker,
            hint=(
                "Give the cache its own Redis with maxmemory-policy allkeys-lru, and keep the "
                "broker's at noeviction; one server for both is safe only if it never evicts, "
                "and then the cache can fill it."
            ),
            id="portal.W002",
        )
    ]
