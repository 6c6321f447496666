"""Django's Redis cache, keeping one Redis client per connection pool.

Django's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis`` for every cache call,
and redis-py fills a table of about 170 response callbacks in each one's constructor: measured
with cProfile on a cached page, that was a quarter of the request's CPU time (two calls: the
session and the page). The client object holds no connection of its own (the pool does), and
a cache backend instance belongs to one thread, so one client per pool is safe to reuse.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
