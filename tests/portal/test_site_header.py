"""The header written by ``{% site_header %}`` is the markup the template wrote (kept here as the
reference), for a visitor, a professional, an employer and a staff member, with and without
unread notifications, in kk, ru and en."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db

REFERENCE = Template((Path(__file__).parent / "reference_header.html").read_text())
TAG = Template("{% load site_header %}{% site_header %}")


def _same(html: str) -> str:
    """The markup with the template's indentation and line breaks taken out (whitespace between
    tags, and around a button's text, is not shown)."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


def _render(template: Template, user, unread: int, path: str) -> str:
    request = RequestFactory().get(path)
    request.user = user
    context = RequestContext(request, {"user": user, "unread_total": unread})
    context["csrf_token"] = "tok&<en>" if user.is_authenticated else "NOTPROVIDED"
    return template.render(context)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("who", ["visitor", "applicant", "employer_user", "reviewer"])
@pytest.mark.parametrize("unread", [0, 2])
def test_the_header_is_the_templates(request, language, who, unread):
    user = AnonymousUser() if who == "visitor" else request.getfixturevalue(who)
    if who != "visitor":
        user.full_name = "Ana <b>Lima</b>"
        user.save()
        for n in range(unread):
            Notification.objects.create(recipient=user, kind="test", subject=f"S{n}", body="b")
    shown = unread if who != "visitor" else 0
    path = '/professions/?q=a&b=<x>"y'
    with translation.override(language):
        written = _render(TAG, user, shown, path)
        expected = _render(REFERENCE, user, shown, path)
    assert _same(written) == _same(expected)
    assert "<b>" not in written and "<x>" not in written
    assert (">2<" in written) == (shown == 2)
    assert ("csrfmiddlewaretoken" in written) == (who != "visitor")
