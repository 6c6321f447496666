"""Django's Redis cache that is never an outage.

The cache only ever speeds things up, so a Redis that is down, paused or full must cost no more
than a miss: every call has short connect and read timeouts (``CACHE_TIMEOUT_SECONDS``), and a
call that fails answers as a miss would (``get`` → the default, ``set`` → False, ...), is logged,
and Redis is then left alone for ``RETRY_AFTER`` seconds, so a paused server does not make every
request wait out the timeout.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds without trying Redis after a failure
_down_until: dict[str, float] = {}  # per server, shared by the threads of a process


def _fail_soft(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: FailSoftRedisCache, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < _down_until.get(self._server_key, 0.0):
            return fallback(*args, **kwargs)
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except Exception as error:  # redis.RedisError, OSError, a timeout: all a miss
            _down_until[self._server_key] = time.monotonic() + RETRY_AFTER
            log.warning("cache unavailable (%s: %s); served without it", name, type(error).__name__)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        timeout = float(options.pop("CACHE_TIMEOUT_SECONDS", 0.25))
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        options.setdefault("retry_on_timeout", False)
        super().__init__(server, params)
        self._server_key = str(server)

    get = _fail_soft("get", _default)
    set = _fail_soft("set", lambda *a, **k: False)
    add = _fail_soft("add", lambda *a, **k: False)
    touch = _fail_soft("touch", lambda *a, **k: False)
    delete = _fail_soft("delete", lambda *a, **k: False)
    has_key = _fail_soft("has_key", lambda *a, **k: False)
    get_many = _fail_soft("get_many", lambda *a, **k: {})
    set_many = _fail_soft("set_many", lambda keys, *a, **k: list(keys))
    delete_many = _fail_soft("delete_many", lambda *a, **k: None)
    clear = _fail_soft("clear", lambda *a, **k: False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A counter that cannot be read cannot be incremented: as for a missing key.
        result = _fail_soft("incr", lambda *a, **k: None)(self, key, delta, version)
        if result is None:
            raise ValueError(f"Key {key!r} not found (cache unavailable)")
        return result
