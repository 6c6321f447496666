"""Whole-page caching for GET pages, kept right by generation keys.

A page is stored under a key made of: the view, the person (or "anonymous"), the language, the
host and full path, today's date in Almaty and the person's CSRF secret. Stored with it is the
*generation* of every scope the page reads, as read before the page was rendered. A scope
names a set of data: ``user:<id>`` (one person's own records), ``employer:<id>`` (an
organisation and its sponsored staff), or a global one such as ``catalogue``. Any write to
that data replaces the scope's generation (at once, and again when the transaction commits).
A page is served only while every generation stored with it is still current; one round trip
to the cache reads the page and the generations. The TTL only bounds memory.

Which writes touch which scopes is decided in one place, ``_scopes_of()`` below, through model
signals; the few bulk writes that bypass signals call :func:`bump` themselves. A migration
renews everything (``post_migrate``), so a deploy never serves a page of the old templates.

A page is served from, or stored to, the cache only when it is safe:
- GET or HEAD, and no flash message is waiting (those are shown once);
- stored only for a 200 response that sets no cookie (bar the renewal of the person's own CSRF
  cookie) and, for anonymous visitors, only when the page carries no CSRF token (a token is
  bound to one visitor's cookie).
The decorator sits inside the access decorators: the role checks still run on every request,
and the key holds the person, so one person's page is never served to another.

``PAGE_CACHE=0`` turns it off, as ``DEBUG=1`` does by default (``make bench
BENCH_ARGS=--no-page-cache`` prints the uncached figures).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# Global scopes.
ALL = "all"  # every page (bumped by migrations)
CATALOGUE = "catalogue"  # professions, spheres, document types
RULES = "rules"  # the stay rules per country
ORGANISATIONS = "organisations"  # employers' names and details
APPLICATIONS = "applications"  # every application (the reviewers' queue)
STAY_SCAN = "stay-scan"  # the stored stay statuses, rewritten by the daily scan

PAGE_TTL = 300  # seconds; generations, not the TTL, keep pages right
# A generation that expires is replaced by a fresh random one: its pages miss, never go stale.
SCOPE_TTL = 24 * 3600
SCOPE_PREFIX = "pagegen:"
PAGE_PREFIX = "page:"


def user_scope(user_id: int) -> str:
    return f"user:{user_id}"


def employer_scope(employer_id: int) -> str:
    return f"employer:{employer_id}"


def device_scope(persistent_id: str) -> str:
    return f"otp-device:{persistent_id}"


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", True))


# --- generations ----------------------------------------------------------------------------------


def _fetch(page_key: str, scopes: list[str]) -> tuple[object, list[str]]:
    """(the stored page or None, the current generation of each scope): one round trip."""
    keys = [SCOPE_PREFIX + s for s in scopes]
    found = cache.get_many([page_key, *keys])
    missing = {k: secrets.token_hex(8) for k in keys if k not in found}
    if missing:
        # A scope never renewed (or expired) gets a fresh random generation, never one an old
        # page could have been stored under. add() keeps a concurrent request's choice.
        for key, value in missing.items():
            cache.add(key, value, SCOPE_TTL)
        found.update(cache.get_many(list(missing)))
    return found.get(page_key), [str(found.get(k, "")) for k in keys]


def remembered(name: str, scopes: list[str], load: Callable[[], Any], ttl: int) -> Any:
    """``load()``'s value, kept in the cache while none of ``scopes`` (and ``all``) changes."""
    key, wanted = f"memo:{name}", [ALL, *scopes]
    try:
        stored, generations = _fetch(key, wanted)
    except Exception:  # the cache is down
        logger.warning("page cache unavailable", exc_info=True)
        return load()
    if stored is not None and stored[0] == generations:
        return stored[1]
    value = load()
    try:
        cache.set(key, (generations, value), ttl)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
    return value


def _bump_now(scopes: set[str]) -> None:
    try:
        cache.set_many({SCOPE_PREFIX + s: secrets.token_hex(8) for s in scopes}, SCOPE_TTL)
    except Exception:  # the cache is down: its pages go with it, the write itself stands
        logger.exception("page cache: could not renew %s", sorted(scopes))


def bump(*scopes: str) -> None:
    """Make every page that reads these scopes render afresh.

    Renewed at once and again when the transaction commits: a request that rendered between
    the two saw the old data and stored it under the first new generation, which the second
    one leaves behind. (In a test, which never commits, the first one is what counts.)
    """
    wanted = {s for s in scopes if s}
    if not wanted:
        return
    _bump_now(wanted)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(wanted))


# --- the decorator --------------------------------------------------------------------------------


def _has_messages(request: HttpRequest) -> bool:
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get("_messages"))


def _key(request: HttpRequest, view: str, scopes: list[str], person: str, csrf: str) -> str:
    parts = [
        view,
        person,
        translation.get_language() or "",
        request.get_host(),
        request.get_full_path(),
        timezone.localdate().isoformat(),
        csrf,
        *scopes,
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()
    return f"{PAGE_PREFIX}{view}:{person}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse, anonymous: bool, csrf: str) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    for name, morsel in response.cookies.items():
        # Only the renewal of the CSRF cookie the key was made with (the admin renews it).
        if name != settings.CSRF_COOKIE_NAME or anonymous or morsel.value != csrf:
            return False
    if request.META.get("CSRF_COOKIE_USED"):
        if anonymous:
            return False  # never share a page that carries one visitor's token
        if not csrf or request.META.get("CSRF_COOKIE") != csrf:
            return False  # the token is for a new secret, not yet in the person's cookie
    return not _has_messages(request)


def serve(
    request: HttpRequest, name: str, scopes: Iterable[str], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """``render()``'s response, from the cache while none of ``scopes`` (besides the person's
    own and ``all``) has changed. ``name`` tells this page from others at the same URL."""
    if not enabled() or request.method not in ("GET", "HEAD") or _has_messages(request):
        return render()
    user = request.user
    anonymous = not user.is_authenticated
    wanted = [ALL, *scopes]
    if not anonymous:
        wanted.append(user_scope(user.pk))
    person = "anonymous" if anonymous else str(user.pk)
    # The secret a signed-in person's page tokens are made from (visitors' pages carry none).
    csrf = "" if anonymous else request.META.get("CSRF_COOKIE", "")
    try:
        key = _key(request, name, wanted, person, csrf)
        stored, generations = _fetch(key, wanted)
    except Exception:  # the cache is down: render the page as if there were none
        logger.warning("page cache unavailable", exc_info=True)
        key, stored, generations = None, None, []
    if stored is not None and stored[0] == generations:
        # Rendered under the generations that are current now: nothing it shows has changed.
        response = HttpResponse(stored[1], headers=stored[2])
    else:
        response = render()
        if getattr(response, "is_rendered", True) is False:
            response.render()  # a TemplateResponse (the admin's): its content is stored
        if key is not None and _storable(request, response, anonymous, csrf):
            try:
                headers = {k: v for k, v in response.headers.items() if k != "Content-Length"}
                cache.set(key, (generations, response.content, headers), PAGE_TTL)
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
    if not anonymous:
        response.headers.setdefault("Cache-Control", "private")
    return response


def cached_page(
    *global_scopes: str, scopes: Callable[[HttpRequest], Iterable[str]] | None = None
) -> Callable:
    """Serve a GET page from the cache while none of its scopes has changed.

    ``global_scopes`` are the global data the page reads; the signed-in person's own scope is
    always added; ``scopes(request)`` may add more (an employer's organisation, say).
    """

    def decorator(view: Callable) -> Callable:
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            wanted = list(global_scopes)
            if scopes is not None and request.method in ("GET", "HEAD"):
                wanted.extend(scopes(request))
            return serve(request, name, wanted, lambda: view(request, *args, **kwargs))

        return wrapper

    return decorator


# --- which writes touch which scopes (the one place) ---------------------------------------------


def person_scopes(person_id: int | None) -> set[str]:
    """A person's own pages, and the dashboards of every organisation that sponsors(ed) them."""
    if person_id is None:
        return set()
    from .models import Sponsorship

    employers = Sponsorship.objects.filter(person_id=person_id).values_list(
        "employer_id", flat=True
    )
    return {user_scope(person_id), *(employer_scope(e) for e in set(employers))}


def _application_scopes(application_id: int | None) -> set[str]:
    from permits.models import Application

    row = (
        Application.objects.filter(pk=application_id)
        .values("applicant_id", "employer_id", "status")
        .first()
    )
    if row is None:
        return {APPLICATIONS}
    return _scopes_of_application(row["applicant_id"], row["employer_id"], row["status"])


def _scopes_of_application(
    applicant_id: int | None, employer_id: int | None, status: str
) -> set[str]:
    scopes = person_scopes(applicant_id)
    if status != "draft":  # the reviewers' queue never shows drafts: saving one keeps it
        scopes.add(APPLICATIONS)
    if employer_id:
        scopes.add(employer_scope(employer_id))
    return scopes


def _user_scopes(user, update_fields) -> set[str]:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return set()  # shown on no page
    scopes = {APPLICATIONS, *person_scopes(user.pk)}
    # The organisation they belong to now, and the one they left (refused, moved by staff).
    for employer_id in (user.employer_id, getattr(user, "_pagecache_employer_id", None)):
        if employer_id:
            scopes.add(employer_scope(employer_id))
    return scopes


def _remember_employer(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """Before a person is saved: which organisation they belonged to (``_user_scopes``)."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and "employer" not in update_fields:
        return
    instance._pagecache_employer_id = (
        type(instance).objects.filter(pk=instance.pk).values_list("employer_id", flat=True).first()
    )


def _scopes_of() -> dict[str, Callable[..., set[str]]]:
    """model label → scopes that a save or delete of an instance touches."""
    return {
        "portal.User": _user_scopes,
        "portal.Employer": lambda o, f: {ORGANISATIONS, employer_scope(o.pk)},
        "portal.Sponsorship": lambda o, f: (
            {employer_scope(o.employer_id)} | ({user_scope(o.person_id)} if o.person_id else set())
        ),
        "portal.ColleagueInvitation": lambda o, f: {employer_scope(o.employer_id)},
        "portal.Notification": lambda o, f: (
            {user_scope(o.recipient_id)} if o.recipient_id else set()
        ),
        "permits.Application": lambda o, f: _scopes_of_application(
            o.applicant_id, o.employer_id, o.status
        ),
        "permits.Document": lambda o, f: _application_scopes(o.application_id),
        "permits.StatusChange": lambda o, f: _application_scopes(o.application_id),
        "permits.Permit": lambda o, f: _application_scopes(o.application_id),
        "permits.DocumentType": lambda o, f: {CATALOGUE},
        "professions.Profession": lambda o, f: {CATALOGUE},
        "professions.Sphere": lambda o, f: {CATALOGUE},
        "stays.CountryRule": lambda o, f: {RULES},
        "stays.Crossing": lambda o, f: person_scopes(o.person_id),
        "stays.StayStatus": lambda o, f: person_scopes(o.person_id),
        "stays.CalendarFeed": lambda o, f: {user_scope(o.person_id)},
        "otp_totp.TOTPDevice": lambda o, f: {device_scope(o.persistent_id), user_scope(o.user_id)},
    }


def _check_shared_cache(app_configs=None, **kwargs):
    from django.core import checks

    backend = settings.CACHES["default"]["BACKEND"]
    if enabled() and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "PAGE_CACHE is on with a per-process cache: other web processes would not see "
                "a change and could serve an old page.",
                hint="Set CACHE_URL to Redis (redis://...) or PAGE_CACHE=0.",
                id="portal.W001",
            )
        ]
    return []


def connect() -> None:
    """Connect the signals (``PortalConfig.ready``)."""
    from django.apps import apps
    from django.core import checks
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_migrate,
        post_save,
        pre_save,
    )

    for label, scopes_of in _scopes_of().items():
        model = apps.get_model(label)

        def on_save(sender, instance, update_fields=None, _scopes_of=scopes_of, **kwargs):
            if not kwargs.get("raw"):
                bump(*_scopes_of(instance, update_fields))

        def on_delete(sender, instance, _scopes_of=scopes_of, **kwargs):
            bump(*_scopes_of(instance, None))

        post_save.connect(on_save, sender=model, weak=False, dispatch_uid=f"pagecache-s-{label}")
        post_delete.connect(
            on_delete, sender=model, weak=False, dispatch_uid=f"pagecache-d-{label}"
        )

    user_model = apps.get_model("portal.User")
    pre_save.connect(
        _remember_employer, sender=user_model, weak=False, dispatch_uid="pagecache-employer"
    )

    def on_roles(sender, instance, action, reverse=False, pk_set=None, **kwargs):
        if not action.startswith("post_"):
            return
        if not reverse:
            bump(user_scope(instance.pk))
        elif pk_set:  # group.user_set.add(...), permission.user_set.remove(...)
            bump(*(user_scope(pk) for pk in pk_set))
        else:  # group.user_set.clear(): whose pages is not told
            bump(ALL)

    def on_group_permissions(sender, action, **kwargs):
        if action.startswith("post_"):
            bump(ALL)  # what a whole group may see changed: rare, and affects its members' pages

    group_model = apps.get_model("auth.Group")
    m2m_changed.connect(
        on_group_permissions,
        sender=group_model.permissions.through,
        weak=False,
        dispatch_uid="pagecache-group-permissions",
    )
    post_delete.connect(
        lambda **kwargs: bump(ALL), sender=group_model, weak=False, dispatch_uid="pagecache-group"
    )

    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(
            on_roles, sender=through, weak=False, dispatch_uid=f"pagecache-m-{through}"
        )

    checks.register(_check_shared_cache, checks.Tags.caches, deploy=True)
    post_migrate.connect(
        lambda **kwargs: _bump_now({ALL}), weak=False, dispatch_uid="pagecache-migrate"
    )
