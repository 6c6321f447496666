"""The reviewer's queue writes its rows through ``portal.core.admin_rows`` and its filters through
``fast_list_filter``: the same markup as Django's own ``items_for_result`` and
``admin/filter.html``, row for row and page for page, in every language and with filters kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from permits.models import Application
from permits.states import Status
from permits.workflow import transition
from portal.core import admin_rows, clock
from tests.permits.factories import ApplicationFactory, ready_application

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:permits_application_changelist")


def _queue(reviewer) -> None:
    """Cases in each state a reviewer meets: new, taken, waiting for an answer, overdue."""
    waiting = ready_application(full_name="Ана <b>Мария</b> & Co")
    transition(waiting, Status.SUBMITTED, by=waiting.applicant)
    taken = ready_application(citizenship="TR")
    transition(taken, Status.SUBMITTED, by=taken.applicant)
    transition(taken, Status.UNDER_REVIEW, by=reviewer)
    asked = ready_application(citizenship="US")
    transition(asked, Status.SUBMITTED, by=asked.applicant)
    transition(asked, Status.UNDER_REVIEW, by=reviewer)
    transition(asked, Status.INFO_REQUESTED, by=reviewer, reason="other", message="Page 2, please.")
    late = ready_application(citizenship="UZ")
    transition(late, Status.SUBMITTED, by=late.applicant)
    Application.objects.filter(pk=late.pk).update(
        submitted_at=clock.now() - timedelta(days=80), due_date=clock.today() - timedelta(days=5)
    )
    ApplicationFactory(profession=None, profession_other="Glass blower")  # a draft


def _both(reviewer, query: dict[str, str]) -> tuple[list[str], list[str]]:
    request = RequestFactory().get(CHANGELIST, query)
    request.user = reviewer
    model_admin = admin.site._registry[Application]
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None  # as changelist_view sets it for a list without editable fields
    assert len(cl.result_list) >= (1 if "q" in query else 4)
    # The page's rows are loaded with only what the columns read (``get_paginator``): writing
    # them asks the database nothing more (Django's way, next, would load what is missing).
    with CaptureQueriesContext(connection) as queries:
        # Ours gives each row as one piece of markup (its cells joined), Django's cell by cell.
        ours = ["".join(row) for row in admin_rows.rows(cl)]
    assert queries.captured_queries == []
    django_rows = ["".join(row) for row in results(cl)]
    return django_rows, ours


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "query", [{}, {"state": "all", "o": "-3"}, {"q": "Мария"}], ids=["all", "sorted", "searched"]
)
def test_the_queue_rows_are_djangos_own_markup(reviewer, language, query):
    _queue(reviewer)
    with translation.override(language):
        django_rows, ours = _both(reviewer, query)
    assert ours == django_rows
    assert any("&lt;b&gt;" in row for row in ours)  # names stay escaped


def test_the_queue_page_shows_the_rows_with_links_that_keep_the_filters(client, reviewer):
    _queue(reviewer)
    client.force_login(reviewer)
    html = client.get(CHANGELIST, {"state": "all"}).content.decode()
    assert 'class="field-number"' in html and "_changelist_filters=state%3Dall" in html


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "format",
    [None, r"Y \ж. j E, H:i", "D, d M Y H:i:s", "l jS F Y, G:i a", "c", "r", "N j, Y, P e O T U"],
)
@pytest.mark.parametrize("zone", ["Asia/Almaty", "Europe/Berlin", "UTC"])
def test_moments_are_written_as_django_writes_them(language, format, zone):
    """The date column's formatter, with letters that read the day, the clock and the zone."""
    from django.utils import dateformat, formats, timezone

    start = datetime(2025, 3, 30, 0, 15, tzinfo=UTC)  # Berlin changes its clocks that night
    moments = [start + timedelta(minutes=47 * i) for i in range(40)]
    moments += [datetime(2025, 10, 26, 0, 30, tzinfo=UTC), datetime(2026, 1, 1, 23, 59, 59)]
    with translation.override(language), timezone.override(zone):
        ours = admin_rows._Moments(format)
        for moment in moments:
            local = timezone.template_localtime(moment)
            expected = (
                formats.localize(local) if format is None else dateformat.format(local, format)
            )
            assert ours(moment) == expected


def _page(client, query: dict[str, str], template: str | None, monkeypatch) -> str:
    model_admin = admin.site._registry[Application]
    if template is not None:
        monkeypatch.setattr(model_admin, "change_list_template", template)
    html = client.get(CHANGELIST, query).content.decode()
    monkeypatch.undo()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "query",
    [{}, {"state": "all", "o": "-3", "citizenship": "TR"}, {"profession__sphere__id__exact": "1"}],
    ids=["open", "filtered", "sphere"],
)
def test_the_queue_page_is_djangos_own_page(client, reviewer, language, query, monkeypatch):
    """The whole page, rows and filters, as Django's own change list template writes it."""
    _queue(reviewer)
    client.force_login(reviewer)
    with translation.override(language):
        query = {**query}
        if "profession__sphere__id__exact" in query:
            sphere = Application.objects.exclude(profession=None).first().profession.sphere_id
            query["profession__sphere__id__exact"] = str(sphere)
        ours = _page(client, query, None, monkeypatch)
        djangos = _page(client, query, "admin/change_list.html", monkeypatch)
    assert 'id="changelist-filter"' in ours and "result_list" in ours
    if "citizenship" in query:
        assert 'class="selected"' in ours
    assert ours == djangos
