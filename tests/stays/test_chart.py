"""The chart's geometry: one point a day, the limit line, the days over it, the table rows."""

from datetime import date, timedelta

from stays import chart


def series(values, start=date(2025, 1, 1)):
    return [(start + timedelta(days=i), v) for i, v in enumerate(values)]


def test_it_draws_one_point_a_day_with_the_limit_line():
    c = chart.build(series([0] * 100 + list(range(1, 101)) + [100] * 165), limit=90)
    assert len(c.points.split()) == 365
    assert c.plot_top < c.limit_y < c.plot_bottom
    assert c.highest == 100 and c.today_value == 100
    assert [t.label for t in c.y_ticks] == [0, 30, 60, 90]
    assert all(t.label.day == 1 for t in c.x_ticks)


def test_it_shades_each_run_of_days_over_the_limit():
    values = [0] * 10 + [91] * 5 + [0] * 10 + [95] * 3 + [0] * 2
    c = chart.build(series(values), limit=90)
    assert len(c.over) == 2
    (x1, w1), (x2, w2) = c.over
    assert x1 < x2 and abs(w1 / w2 - 5 / 3) < 0.01


def test_its_table_gives_each_months_highest_value():
    values = [5] * 31 + [91] * 3 + [10] * 25
    rows = chart.build(series(values), limit=90).months
    assert [(r.month, r.highest, r.on, r.over) for r in rows] == [
        (date(2025, 1, 1), 5, date(2025, 1, 1), False),
        (date(2025, 2, 1), 91, date(2025, 2, 1), True),
    ]
