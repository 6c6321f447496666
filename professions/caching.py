"""The public catalogue pages: cached for visitors under one catalogue version, revalidated by ETag.

The *catalogue version* is read from the database in one query: the latest change and the row
count of each catalogue table (professions, spheres, the document types the pages list). Every
write of the catalogue (an edit in the admin, an import, a withdrawal) moves ``updated_at`` or
the count, so it changes the version: there is no map of pages to renew and no invalidation that
can be lost while the cache is down. A page is stored under the version it was rendered from and
is found only while that version is current.

Only visitors' pages are kept: a signed-in person's page carries their name and their CSRF token,
and is rendered every time. A visitor's page holds nothing personal (the language switch is a
link, no token). The cache is an accelerator only: it fails soft (``portal/core/cache.py``), and the
page is then rendered.

Browsers revalidate with ``If-None-Match``: the ETag is the version and the language, and an
unchanged page answers 304 without being rendered or read from the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

CACHE_SECONDS = 24 * 3600
CATALOGUE_MODELS = ("professions.Profession", "professions.Sphere", "permits.DocumentType")


def catalogue_version() -> str:
    """A short fingerprint of the catalogue's current content (one query)."""
    parts = []
    for label in CATALOGUE_MODELS:
        table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
        parts.append(f"SELECT MAX(updated_at), COUNT(*) FROM {table}")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:20]


def _has_messages(request: HttpRequest) -> bool:
    return "messages" in request.COOKIES or bool(getattr(request, "session", {}).get("_messages"))


def catalogue_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public catalogue page to visitors from the cache, and answer revalidations."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        language = translation.get_language()
        version = catalogue_version()
        etag = f'"{version}-{language}"'
        vary = ["Cookie", "Accept-Language"]
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        else:
            key = f"catalogue:{version}:{language}:{request.get_full_path()}"
            response = cache.get(key)
            if response is None:
                response = view(request, *args, **kwargs)
                if (
                    response.status_code == 200
                    and not response.cookies
                    and not _has_messages(request)
                ):
                    cache.set(key, response, CACHE_SECONDS)
        response["ETag"] = etag
        patch_vary_headers(response, vary)
        patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapped
