"""What every page carries: a favicon that exists, no unused script, the unread count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_pages_load_no_script_and_name_an_icon(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert "<script" not in html and "bootstrap.bundle" not in html
    assert 'rel="icon"' in html


def test_the_inbox_link_shows_the_unread_count(client, applicant):
    for n in range(3):
        Notification.objects.create(recipient=applicant, kind="test", subject=f"S{n}", body="b")
    Notification.objects.filter(subject="S0").update(read_at="2026-01-01T00:00Z")
    client.force_login(applicant)
    html = client.get(reverse("portal:inbox")).content.decode()
    link = html[html.index(f'href="{reverse("portal:inbox")}"') :]
    link = link[: link.index("</a>")]
    assert ">2<" in link and "unread" in link
    client.post(reverse("portal:inbox_mark_read"))
    html = client.get(reverse("portal:inbox")).content.decode()
    link = html[html.index(f'href="{reverse("portal:inbox")}"') :]
    assert "unread" not in link[: link.index("</a>")]
