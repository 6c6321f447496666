"""A health endpoint for load balancers and monitoring.

Names each part's state only ("ok", "failing", "not configured"): no host names, versions or
error texts reach the public. The portal serves every page from the database alone, so:
- database working, Redis and workers too: 200, ``"status": "ok"``;
- database working, Redis or the workers not: 200, ``"status": "degraded"`` (pages answer and
  writes stand; e-mails wait in the outbox): monitoring should alert, the balancer keep it;
- database not working: 503, ``"status": "failing"``: take this process out of rotation.
Any error in a check is that part failing, never a 500.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from portal.core import clock
from portal.core.models import Heartbeat

log = logging.getLogger(__name__)
WORKER_STALE_AFTER = timedelta(minutes=3)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        log.exception("health: database check failed")
        return "failing"


def _redis() -> str:
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return "not configured"

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return "ok" if client.ping() else "failing"
    except redis.RedisError:
        log.exception("health: redis check failed")
        return "failing"


def _workers() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"  # tasks run in the web process
    beat = Heartbeat.objects.filter(name="celery").values_list("at", flat=True).first()
    if beat is None or clock.real_now() - beat > WORKER_STALE_AFTER:
        return "failing"
    return "ok"


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis(), "workers": "failing"}
    if checks["database"] == "ok":
        try:
            checks["workers"] = _workers()
        except DatabaseError:  # the connection died between the checks: the database is failing
            log.exception("health: database lost during the checks")
            checks["database"] = "failing"
    if checks["database"] == "failing":
        status, code = "failing", 503
    elif "failing" in checks.values():
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)


def ping(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else (also the benchmark's baseline)."""
    return HttpResponse("pong", content_type="text/plain")
