"""One structured (JSON) log line per request and per task, joined by a request id.

The id comes from the ``X-Request-ID`` header of the load balancer, or is made here; it is sent
back in the response and carried in the headers of every Celery task the request enqueues.

No secret reaches a log: a path is logged with the values of its URL arguments named like a
secret (``token``, ``uidb64``, ``key``, ...) replaced by ``REDACTED``, found by resolving the
path, so a new token URL is covered without a list to keep; query parameters named so are
redacted too, and a parameter holding a path (``?next=/join/<token>/``) has that path redacted.
The request line does this itself; ``RedactSecrets``, a filter on every handler in
``settings.LOGGING``, does it to the path in any other record (Django's ``django.request``,
``django.security.*`` and ``django.server`` lines).
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
from urllib.parse import quote, unquote, unquote_plus

from celery import signals
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, get_script_prefix, resolve

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

request_log = logging.getLogger("portal.request")
task_log = logging.getLogger("portal.task")


REDACTED = "REDACTED"
# A URL argument or query parameter whose name contains one of these holds a secret.
_SECRET_NAME = re.compile(r"token|uid|key|secret|passw|signature|otp|session|csrf", re.IGNORECASE)
# A path in free text ("GET /join/<token>/ HTTP/1.1", "Not Found: /...", "http://host/..."):
# after the start, a space, a quote, "(" or "=", with or without a scheme and host before it.
_PATH_IN_TEXT = re.compile(r"""(?:^|(?<=[\s"'(=]))(https?://[^/\s"'<>]+)?(/[^\s"'<>]*)""")


def _resolved(path: str) -> ResolverMatch | None:
    prefix = get_script_prefix()
    if prefix != "/" and path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    path = unquote(path)
    for candidate in (path, path + "/") if settings.APPEND_SLASH else (path,):
        try:
            return resolve(candidate)
        except Resolver404:
            continue
        except Exception:  # URLs not loadable yet (start-up): a log line must never fail
            return None
    return None


def _secret_values(match: ResolverMatch | None) -> list[str]:
    if match is None:
        return []
    values = [str(v) for k, v in match.kwargs.items() if _SECRET_NAME.search(k) and v != ""]
    return sorted(values, key=len, reverse=True)


def _redact_path(path: str, match: ResolverMatch | None) -> str:
    for value in _secret_values(match):
        for variant in dict.fromkeys((value, quote(value, safe=""), quote(value))):
            segments = path.split("/")
            if variant in segments:  # the whole segment, wherever it is
                path = "/".join(REDACTED if s == variant else s for s in segments)
                break
            head, found, tail = path.rpartition(variant)  # a part of one ("<token>.ics")
            if found:
                path = head + REDACTED + tail
                break
    return path


def _redact_query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if equals and _SECRET_NAME.search(unquote_plus(name)):
            value = REDACTED
        elif unquote_plus(value).startswith("/"):
            inner = unquote_plus(value)
            if redact_url(inner) != inner:
                value = quote(redact_url(inner), safe="/")
        parts.append(name + equals + value)
    return "&".join(parts)


def redact_url(url: str, match: ResolverMatch | None = None) -> str:
    """``url`` (a path, with or without a query string) with its secrets replaced by REDACTED.

    ``match`` is the path's resolved URL when the caller has it (``request.resolver_match``).
    """
    path, question, query = url.partition("?")
    path = _redact_path(path, match if match is not None else _resolved(path))
    return path + question + (_redact_query(query) if query else "")


def redact_text(text: str) -> str:
    """``text`` with every path in it (a request line, "Not Found: /...") redacted."""
    if "/" not in text:
        return text
    return _PATH_IN_TEXT.sub(lambda m: (m.group(1) or "") + redact_url(m.group(2)), text)


class RedactSecrets(logging.Filter):
    """Redacts the paths in any record before a handler writes it (see the module's text).

    Our request line is redacted where it is made (``RequestIdMiddleware``, with the request's
    resolved URL at hand); this covers the message and the ``request`` of every other record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request = f"<{request.method} {redact_url(request.get_full_path())}>"
        return True


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
                "path": redact_url(request.path, getattr(request, "resolver_match", None)),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


def connect_celery_signals() -> None:
    """Carry the request id into tasks and log one line per task run."""

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
