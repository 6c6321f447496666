"""How the API answers an error: DRF's answers for the errors it knows (400, 401, 404, …) and, for
any other, a JSON 500 (never the HTML error page of the portal's pages), the error logged with
its traceback."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

log = logging.getLogger(__name__)

SERVER_ERROR = {"detail": "Server error."}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    request = context.get("request")
    log.error(
        "API error on %s %s",
        getattr(request, "method", "?"),
        request.get_full_path() if request is not None else "?",
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    set_rollback()
    return Response(SERVER_ERROR, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
