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


def test_the_russian_month_stands_in_lower_case_and_the_others_keep_theirs():
    """ "Месяц: декабрь 2026 г.", not "Декабрь": the stand-alone name inside a sentence."""
    month = date(2026, 12, 1)
    expected = {"ru": "декабрь 2026 г.", "kk": "2026 ж. желтоқсан", "en": "December 2026"}
    for language, text in expected.items():
        with translation.override(language):
            assert date_format(month, "YEAR_MONTH_FORMAT") == text


# Kazakh words that govern a case the date placeholder cannot take ("2027 ж. 17 қаңтар дейін"
# wants "қаңтарға"): the sentence puts the date where it needs no ending instead ("соңғы күн:
# %(date)s", "%(date)s күні", "%(date)s күнгі").
NEEDS_AN_ENDING = ("дейін", "бастап", "кейін", "кешіктірілмей", "жағдай", "кері", "берілген",
                   "тіркелді", "келдіңіз", "келе", "келген", "аяқталады", "аяқталған",
                   "басталған", "толасыз", "қалыптастырды", "тіркеді", "келуіңіз")  # fmt: skip


def test_no_kazakh_date_is_followed_by_a_word_that_wants_a_case_ending():
    with translation.override("kk"):
        wrong = [
            (msgid, text)
            for msgid, text in _messages("kk")
            for name, word in re.findall(r"%\((\w+)\)s (\w+)", text)
            if name in DATE_NAMES and word in NEEDS_AN_ENDING
        ]
    assert wrong == []
