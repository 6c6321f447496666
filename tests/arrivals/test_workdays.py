"""Working days: the pure count, and Kazakhstan's calendar with the staff's corrections."""

from __future__ import annotations

from datetime import date

import pytest

from arrivals import calendar
from arrivals.models import WorkingDayChange
from arrivals.workdays import Calendar, add_working_days, next_working_day

PLAIN = Calendar()


class TestCount:
    def test_it_skips_the_weekend(self):
        friday = date(2026, 6, 5)
        assert next_working_day(friday, PLAIN) == date(2026, 6, 8)
        assert add_working_days(friday, 3, PLAIN) == date(2026, 6, 10)

    def test_a_working_day_wins_over_the_weekend_and_a_day_off(self):
        saturday = date(2026, 6, 6)
        cal = Calendar(days_off=frozenset({saturday}), working=frozenset({saturday}))
        assert next_working_day(date(2026, 6, 5), cal) == saturday

    def test_zero_days_is_the_day_itself_and_negative_is_refused(self):
        assert add_working_days(date(2026, 6, 6), 0, PLAIN) == date(2026, 6, 6)
        with pytest.raises(ValueError):
            add_working_days(date(2026, 6, 6), -1, PLAIN)


@pytest.mark.django_db
class TestKazakhstan:
    def test_an_arrival_before_a_weekend(self):
        # Friday 5 June 2026: Monday, Tuesday, Wednesday.
        assert calendar.registration_deadline(date(2026, 6, 5)) == date(2026, 6, 10)

    def test_an_arrival_before_nauryz(self):
        # Friday 20 March 2026: 21-25 March are days off (Nauryz and the days it moved to);
        # Thursday 26, Friday 27, Monday 30.
        assert calendar.registration_deadline(date(2026, 3, 20)) == date(2026, 3, 30)

    def test_an_arrival_before_new_year(self):
        # Wednesday 31 December 2025: 1-2 January off, the weekend, Monday 5, Tuesday 6,
        # 7 January (Orthodox Christmas) off, Thursday 8.
        assert calendar.registration_deadline(date(2025, 12, 31)) == date(2026, 1, 8)

    def test_an_arrival_on_a_moved_working_day(self):
        # Sunday 5 January 2025 was a working day (the day off moved to Friday 3 January):
        # Monday 6, 7 January off, Wednesday 8, Thursday 9.
        assert calendar.registration_deadline(date(2025, 1, 5)) == date(2025, 1, 9)
        # A day before the moved day off counts it as off: Thursday 2 January 2025 (a holiday
        # itself) -> Sunday 5 (working), Monday 6, Wednesday 8.
        assert calendar.registration_deadline(date(2025, 1, 2)) == date(2025, 1, 8)

    def test_staff_corrections_change_the_count(self):
        thursday = date(2026, 6, 11)
        assert calendar.registration_deadline(thursday) == date(2026, 6, 16)
        # The government makes Saturday 13 June a working day and Monday 15 June a day off.
        WorkingDayChange.objects.create(day=date(2026, 6, 13), kind="working", note="decree")
        WorkingDayChange.objects.create(day=date(2026, 6, 15), kind="day_off", note="decree")
        # Friday 12, Saturday 13, (Sunday, Monday off) Tuesday 16.
        assert calendar.registration_deadline(thursday) == date(2026, 6, 16)
        WorkingDayChange.objects.filter(day=date(2026, 6, 15)).delete()
        assert calendar.registration_deadline(thursday) == date(2026, 6, 15)

    def test_staff_can_remove_a_holiday_the_library_knows(self):
        # Tuesday 15 December 2026: Independence Day (Wednesday 16) off; Thursday 17, Friday 18,
        # Monday 21. Declared a working day: Wednesday 16, Thursday 17, Friday 18.
        assert calendar.registration_deadline(date(2026, 12, 15)) == date(2026, 12, 21)
        WorkingDayChange.objects.create(day=date(2026, 12, 16), kind="working")
        assert calendar.registration_deadline(date(2026, 12, 15)) == date(2026, 12, 18)
