"""A date ends a sentence with one period: the Russian long date ends in "г." ("9 декабря
2026 г."), and the sentence's own period is not added after it (issue 14, point 3)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import trans_real

# The placeholders the portal fills with a long date (or a text ending in one: "the stay 1–5
# March", "Order No. 49 of 20 February 2023").
DATE_NAMES = {
    "arrival", "date", "dates", "day", "deadline", "end", "entry", "expiry", "last", "made",
    "month", "order", "start", "until",
}  # fmt: skip
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _filled(text: str) -> str:
    def value(match: re.Match[str]) -> str:
        name, kind = match.groups()
        if kind == "d":
            return "2"
        if name == "month":
            return date_format(date(2026, 12, 1), "YEAR_MONTH_FORMAT")
        if name in DATE_NAMES:
            return date_format(date(2026, 12, 9), "DATE_FORMAT")
        return "х"

    return PLACEHOLDER.sub(value, text)


def _messages(language: str) -> list[tuple[str, str]]:
    catalog = trans_real.translation(language)._catalog
    found = []
    for key, text in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        names = {name for name, _ in PLACEHOLDER.findall(msgid)}
        if names & DATE_NAMES:
            found.append((msgid, text))
    return found


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_sentence_ending_in_a_date_has_one_period(language):
    with translation.override(language):
        messages = _messages(language)
        assert len(messages) > 20  # the e-mails', pages', calendar's and PDF's sentences
        doubled = [msgid for msgid, text in messages if ".." in _filled(text)]
    assert doubled == []


def test_the_russian_date_keeps_its_own_period():
    with translation.override("ru"):
        assert date_format(date(2026, 12, 9), "DATE_FORMAT") == "9 декабря 2026 г."
        assert _filled("Решение ожидается не позднее %(date)s") == (
            "Решение ожидается не позднее 9 декабря 2026 г."
        )


def test_the_check_finds_a_doubled_period():
    with translation.override("ru"):
        assert ".." in _filled("Укажите дату не ранее %(date)s.")
