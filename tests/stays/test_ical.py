"""The iCalendar feed: valid lines, the must-leave-by day as an all-day event with reminders."""

from datetime import UTC, datetime

import pytest

from stays import ical, services
from tests.factories import UserFactory

from .factories import history

pytestmark = pytest.mark.django_db


def test_it_lists_the_must_leave_by_date(today):
    person = UserFactory(citizenship="DE", full_name="Anna, Schmidt; Jr")
    history(person, [("2025-06-01", None)])
    text = ical.render(services.person_overview(person), now=datetime(2025, 6, 15, tzinfo=UTC))
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART;VALUE=DATE:20250630" in lines and "DTEND;VALUE=DATE:20250701" in lines
    assert f"UID:stay-{person.pk}-20250601@127.0.0.1:8000" in lines
    assert "DTSTAMP:20250615T000000Z" in lines
    assert [line for line in lines if line.startswith("TRIGGER")] == [
        "TRIGGER;RELATED=START:-P14D",
        "TRIGGER;RELATED=START:-P7D",
    ]
    assert all(len(line.encode()) <= 75 for line in lines)


def test_it_is_empty_without_a_stay_under_way(today):
    person = UserFactory(citizenship="DE")
    history(person, [("2025-01-01", "2025-01-05")])
    text = ical.render(services.person_overview(person))
    assert "BEGIN:VEVENT" not in text and text.startswith("BEGIN:VCALENDAR")


def test_it_speaks_the_persons_language(today):
    person = UserFactory(citizenship="DE", preferred_language="ru")
    history(person, [("2025-06-01", None)])
    text = ical.render(services.person_overview(person))
    assert "30 июня 2025" in text.replace("\r\n ", "")


def test_it_escapes_and_folds_text():
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = ical.fold("DESCRIPTION:" + "ж" * 100)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "ж" * 100
