"""GET changes nothing: every URL of the project, the admin's included, is requested with GET by
every role, and no row of any table may appear, disappear or change.

A link prefetch, a crawler or a cross-site ``<img src>`` makes GET requests on a person's behalf;
only a POST (with its CSRF token) may write. The URLs come from the resolver, with the world
and the arguments of the access matrix (``test_url_matrix.py``); a pattern left without a URL
here fails ``test_every_pattern_is_requested``. The snapshot (``tests/tables.py``) covers
every table of every installed model (``apps.get_models``, many-to-many tables included), column
by column.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import resolve, reverse

from portal.accounts.roles import REVIEWERS
from portal.core import clock
from portal.core.clock import today
from portal.notifications.models import Notification
from stays.models import Crossing
from tests import tables
from tests.tables import snapshot

from .conftest import ROLES, World
from .test_url_matrix import (
    ADMIN_ACCESS,
    MODEL_ADMIN_VIEWS,
    ROUTES,
    _admin_object,
    _login,
    is_admin_internal,
    url_patterns,
)

pytestmark = pytest.mark.django_db

# Writes on GET that are known and belong to another piece of work: each must still write (the
# test fails once it is fixed, so the entry is removed), and nothing else may.

# The one write Django makes on GET by design: the password-reset link moves its token from the
# URL into the visitor's own session (so that it cannot leak through the Referer header) and
# redirects. For that URL only the row of the requesting client's own session is left out of
# the comparison; every other row and table is compared as usual.
SESSION_WRITES = {"password_reset_confirm"}
SESSION_TABLE = "django_session"


def changed_tables(
    before: dict[str, list], after: dict[str, list], own_session: str | None = None
) -> list[str]:
    if own_session is not None:
        before, after = (
            {**state, SESSION_TABLE: [r for r in state[SESSION_TABLE] if r[0] != own_session]}
            for state in (before, after)
        )
    return tables.changed_tables(before, after)


def _admin_urls(world: World) -> Iterator[tuple[str, str]]:
    """(pattern key, URL) for Django admin's own views (the matrix's admin part)."""
    yield "admin:index", reverse("admin:index")
    for name in ("login", "password_change", "password_change_done", "jsi18n", "autocomplete"):
        yield f"admin:{name}", reverse(f"admin:{name}")
    yield "admin:logout", reverse("admin:logout")  # POST only: GET answers 405
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    for label in labels:
        yield "admin:app_list", reverse("admin:app_list", args=[label])
    for label in sorted(ADMIN_ACCESS):
        app_label, model_name = label.split(".")
        obj = _admin_object(world, label)
        for view in MODEL_ADMIN_VIEWS:
            args = [] if view in ("changelist", "add") else [obj.pk]
            name = f"admin:{app_label}_{model_name}_{view}"
            yield name, reverse(name, args=args)
        # ModelAdmin's unnamed "<id>/" pattern: a redirect to the change page.
        yield f"{label} <id>/", f"/admin/{app_label}/{model_name}/{obj.pk}/"
        content_type = ContentType.objects.get_for_model(obj)
        yield "admin:view_on_site", reverse("admin:view_on_site", args=[content_type.pk, obj.pk])
    yield "admin catch-all", "/admin/no-such-page/"


def all_urls(world: World) -> list[tuple[str, str]]:
    """Every URL this test requests: one or more per pattern of the resolver."""
    urls = [(key, reverse(key, args=route.args(world))) for key, route in ROUTES.items()]
    return urls + list(_admin_urls(world))


def _route_of(path: str) -> str:
    return resolve(path.split("?")[0]).route


def test_every_pattern_is_requested(world):
    requested = {_route_of(url) for _, url in all_urls(world)}
    patterns = {p.route for p in url_patterns()}
    # resolve() reports a regex pattern (the admin's catch-all) without its "^".
    patterns = {route.replace("^", "") for route in patterns}
    missing = sorted(patterns - {route.replace("^", "") for route in requested})
    assert not missing, f"URL patterns this test does not request: {missing}"
    assert any(is_admin_internal(p) for p in url_patterns())


def _get(client, url: str) -> int:
    response = client.get(url)
    if response.streaming:
        # Read to the end, as a browser would: a streamed response runs its code while it is
        # read. (The test client closes it at the end, keeping the test database open.)
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_any_table(client, world, role):
    urls = all_urls(world)
    _login(client, world, role)
    before = snapshot()
    writes = {}
    for key, url in urls:
        status = _get(client, url)
        after = snapshot()
        own = client.cookies[settings.SESSION_COOKIE_NAME].value if key in SESSION_WRITES else None
        tables = changed_tables(before, after, own_session=own)
        if tables:
            writes[url] = (status, tables)
        before = after
    assert not writes, f"GET as {role} changed: {writes}"


def test_the_snapshot_sees_any_change(world):
    """A changed column, a many-to-many link and a new row each show in the comparison."""
    before = snapshot()
    Notification.objects.filter(recipient=world.applicant_a).update(read_at=clock.real_now())
    assert changed_tables(before, snapshot()) == ["portal_notification"]
    before = snapshot()
    world.applicant_a.groups.add(Group.objects.get(name=REVIEWERS))
    assert changed_tables(before, snapshot()) == ["portal_user_groups"]
    before = snapshot()
    Crossing.objects.create(person=world.applicant_a, entry=today() - timedelta(days=300))
    assert changed_tables(before, snapshot()) == ["stays_crossing"]
