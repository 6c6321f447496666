"""The admin's calendar and clock read in Kazakh and Russian: Django's JavaScript catalogue
(/admin/jsi18n/) is empty for kk, so the portal keeps the admin's JavaScript texts in
locale/kk/LC_MESSAGES/djangojs.po (refreshed by ``make messages``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
KK_JS = ROOT / "locale" / "kk" / "LC_MESSAGES" / "djangojs.po"
DJANGO_JS = Path(django.contrib.admin.__file__).parent / "locale/en/LC_MESSAGES/djangojs.po"


def _entries(po: str) -> list[dict[str, str]]:
    """Each entry but the header as {keyword: text}, continuation lines joined."""
    entries = []
    for block in po.split("\n\n"):
        fields: dict[str, str] = {}
        keyword = ""
        for line in block.splitlines():
            if line.startswith("#"):
                fields["fuzzy"] = fields.get("fuzzy", "") + ("x" if "fuzzy" in line else "")
                continue
            if line.startswith('"'):
                fields[keyword] += line[1:-1]
                continue
            keyword, _, text = line.partition(" ")
            fields[keyword] = text[1:-1]
        if fields.get("msgid"):
            entries.append(fields)
    return entries


def _msgids(po: str) -> set[tuple[str, str]]:
    return {(e.get("msgctxt", ""), e["msgid"]) for e in _entries(po)}


@pytest.mark.parametrize(
    ("language", "months", "english"),
    [
        ("kk", ["Қаңтар", "Желтоқсан", "Дүйсенбі", "Бүгін"], ["January", "Today"]),
        ("ru", ["Январь", "Декабрь", "Понедельник", "Сегодня"], ["January", "Today"]),
    ],
)
def test_the_admin_calendar_reads_in_the_language(client, reviewer, language, months, english):
    client.force_login(reviewer)
    client.cookies["django_language"] = language
    reviewer.preferred_language = language
    reviewer.save(update_fields=["preferred_language"])
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    found = re.search(r"const newcatalog = (\{.*?\n *\});", response.content.decode(), re.DOTALL)
    assert found, "no catalogue in /admin/jsi18n/"
    catalogue = json.loads(found[1])
    assert catalogue["January"] == months[0] and catalogue["December"] == months[1]
    assert catalogue["Monday"] == months[2] and catalogue["Today"] == months[3]
    for word in english:
        assert catalogue[word] != word


def test_every_admin_javascript_text_has_a_kazakh_translation():
    po = KK_JS.read_text()
    assert _msgids(po) >= _msgids(DJANGO_JS.read_text())  # nothing of this Django missing
    empty = [
        e["msgid"]
        for e in _entries(po)
        if e.get("fuzzy") or any(e[k] == "" for k in e if k.startswith("msgstr"))
    ]
    assert empty == []
