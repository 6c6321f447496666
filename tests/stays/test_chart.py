"""The chart's geometry: the line through every day, the limit line, the days over it, the
table rows."""

import itertools
from datetime import date, timedelta

from stays import chart


def series(values, start=date(2025, 1, 1)):
    return [(start + timedelta(days=i), v) for i, v in enumerate(values)]


def _on_the_line(points: str, day: int, days: int, value: int, c) -> bool:
    """Whether the polyline ``points`` passes through ``value`` on ``day`` (of ``days``)."""
    vertices = [(float(a), float(b)) for a, b in (p.split(",") for p in points.split())]
    x = c.plot_left + (c.plot_right - c.plot_left) * day / days
    y = c.plot_top + (c.plot_bottom - c.plot_top) * (1 - value / (max(c.limit, c.highest) * 1.1))
    for (x1, y1), (x2, y2) in itertools.pairwise(vertices):
        if x1 - 0.06 <= x <= x2 + 0.06:
            at = y1 if x2 == x1 else y1 + (y2 - y1) * (x - x1) / (x2 - x1)
            return abs(at - y) < 0.2
    return False


def test_it_draws_the_line_through_every_day_with_the_limit_line():
    values = [0] * 100 + list(range(1, 101)) + [100] * 125 + list(range(99, 59, -1))
    c = chart.build(series(values), limit=90)
    # The points where the line turns (4 here), not one per day: the same drawing.
    assert len(c.points.split()) == 5
    assert all(_on_the_line(c.points, i, len(values) - 1, v, c) for i, v in enumerate(values))
    assert c.plot_top < c.limit_y < c.plot_bottom
    assert c.highest == 100 and c.today_value == 60
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


def _day_by_day(series, limit):
    """The chart's points, month labels, shaded runs and month rows read day by day (how
    ``chart.build`` first found them), to compare with its month-by-month reading."""
    c = chart.build(series, limit)
    days = max(1, len(series) - 1)
    values = [v for _, v in series]
    last = len(values) - 1
    turning = [
        i for i, v in enumerate(values) if i in (0, last) or v - values[i - 1] != values[i + 1] - v
    ]
    ticks = [day for i, (day, _) in enumerate(series) if day.day == 1 and 0 < i < days]
    runs, start = [], None
    for i, v in enumerate([*values, 0]):
        if v > limit and start is None:
            start = i
        elif v <= limit and start is not None:
            runs.append((start, i))
            start = None
    rows = []
    for day, value in series:
        month = day.replace(day=1)
        if rows and rows[-1].month == month:
            if value > rows[-1].highest:
                rows[-1] = chart.MonthRow(month, value, day, value > limit)
        else:
            rows.append(chart.MonthRow(month, value, day, value > limit))
    return c, turning, ticks, runs, rows


def test_the_month_by_month_reading_is_the_day_by_day_one():
    import random

    rng = random.Random(7)
    for _ in range(300):
        start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1200))
        value, values = rng.randrange(0, 100), []
        for _ in range(rng.choice([1, 2, 3, 31, 59, 365, 366])):
            step = rng.random()
            value = max(0, value + (1 if step < 0.3 else -1 if step < 0.5 else 0))
            value = rng.randrange(0, 120) if step > 0.98 else value
            values.append(value)
        limit = rng.choice([0, 30, 90])
        c, turning, ticks, runs, rows = _day_by_day(series(values, start), limit)
        assert len(c.points.split()) == len(turning)
        assert [t.label for t in c.x_ticks] == ticks
        assert len(c.over) == len(runs)
        assert c.months == rows
