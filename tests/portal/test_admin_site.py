"""The ministry's admin site gives each page what Django's would, the list of apps made only
when a template reads it (only the side bar does, and it is off)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_each_context_is_djangos_own(reviewer):
    request = RequestFactory().get("/admin/", SCRIPT_NAME="/sub")
    request.user = reviewer
    ours = admin.site.each_context(request)
    djangos = AdminSite.each_context(admin.site, request)
    assert ours.keys() == djangos.keys()
    assert list(ours.pop("available_apps")) == djangos.pop("available_apps") != []
    assert str(ours.pop("log_entries").query) == str(djangos.pop("log_entries").query)
    assert ours == djangos


def test_the_queue_does_not_list_the_apps(client, reviewer, monkeypatch):
    calls = []
    monkeypatch.setattr(admin.site, "get_app_list", lambda *a, **k: calls.append(a) or [])
    client.force_login(reviewer)
    assert client.get("/admin/permits/application/").status_code == 200
    assert calls == []
