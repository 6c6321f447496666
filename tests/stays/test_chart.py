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
