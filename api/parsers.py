"""The API's JSON parser: DRF's, with the limits it lacks. DRF reads the whole body whatever its
size (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` holds only for ``request.body``) and Python's
parser raises ``RecursionError`` on deeply nested input (a 500): both are a 4xx here."""

from __future__ import annotations

import io
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError

# The API takes small objects (the one write); a body larger than this is refused unread.
MAX_BODY_BYTES = 1024 * 1024


class BodyTooLarge(APIException):
    status_code = 413
    default_detail = "Request body too large."
    default_code = "too_large"


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        if stream is None:
            return super().parse(stream, media_type, parser_context)
        data = stream.read(MAX_BODY_BYTES + 1)
        if len(data) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:
            return super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply.") from error
