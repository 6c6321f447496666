"""One structured (JSON) log line per request and per task, joined by a request id.

The id comes from the ``X-Request-ID`` header of the load balancer, or is made here; it is sent
back in the response and carried in the headers of every Celery task the request enqueues.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

request_log = logging.getLogger("portal.request")
task_log = logging.getLogger("portal.task")


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message and any ``extra``."""

    BASE = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            data["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in self.BASE and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


class RequestIdMiddleware:
    """Give every request an id and log one line when it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


def connect_celery_signals() -> None:
    """Carry the request id into tasks and log one line per task run."""
    from celery import signals

    started: dict[str, float] = {}

    @signals.before_task_publish.connect(weak=False)
    def _add_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if headers is not None and request_id_var.get():
            headers.setdefault("request_id", request_id_var.get())

    @signals.task_prerun.connect(weak=False)
    def _task_started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
        request_id = getattr(task.request, "request_id", None) or ""
        if not request_id and task.request.headers:
            request_id = task.request.headers.get("request_id", "")
        request_id_var.set(request_id)
        started[task_id] = time.perf_counter()

    @signals.task_postrun.connect(weak=False)
    def _task_finished(task_id: str = "", task: Any = None, state: str = "", **kwargs: Any) -> None:
        began = started.pop(task_id, None)
        task_log.info(
            "task",
            extra={
                "task_id": task_id,
                "task": getattr(task, "name", ""),
                "state": state,
                "retries": getattr(task.request, "retries", 0),
                "duration_ms": round((time.perf_counter() - began) * 1000, 1) if began else None,
            },
        )
        request_id_var.set("")
