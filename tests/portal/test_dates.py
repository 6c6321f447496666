"""``portal.core.dates.day_writer`` writes a day exactly as Django's ``date`` filter does."""

from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.core.dates import day_writer

DAYS = [date(2025, 1, 1) + timedelta(days=n) for n in range(0, 731, 1)] + [
    date(1, 1, 1),
    date(999, 12, 31),
    date(9999, 12, 31),
]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "name", ["SHORT_DATE_FORMAT", "DATE_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT", "M"]
)
def test_it_writes_every_day_as_the_date_filter(language, name):
    template = Template("{% for d in days %}{{ d|date:name }}|{% endfor %}")
    with translation.override(language):
        expected = template.render(Context({"days": DAYS, "name": name})).split("|")[:-1]
        write = day_writer(name)
        assert [write(d) for d in DAYS] == expected
        assert write(None) == ""


def test_a_format_with_a_weekday_is_written_by_django(monkeypatch):
    from django.utils import formats

    from portal.formats.kk import formats as kk

    monkeypatch.setattr(kk, "SHORT_DATE_FORMAT", r"D, d.m.Y \ж.")
    monkeypatch.setattr(formats, "_format_cache", {})
    day = date(2026, 12, 3)
    with translation.override("kk"):
        expected = Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(Context({"d": day}))
        assert day_writer()(day) == expected
        assert expected.endswith("03.12.2026 ж.") and not expected.startswith("Thu")


def test_braces_and_escaped_letters_are_written_as_they_are(monkeypatch):
    from django.utils import formats

    from portal.formats.kk import formats as kk

    monkeypatch.setattr(kk, "DATE_FORMAT", r"{Y} \ж. {{j}} E \d\\")
    monkeypatch.setattr(formats, "_format_cache", {})
    day = date(2026, 12, 3)
    with translation.override("kk"):
        expected = Template("{{ d|date:'DATE_FORMAT' }}").render(Context({"d": day}))
        assert day_writer("DATE_FORMAT")(day) == expected
        assert expected.startswith("{2026} ж. {{3}} желтоқсан")
