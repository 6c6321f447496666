"""Geometry of the server-rendered SVG chart of days used in the rolling period.

The template ``stays/_chart.html`` draws it; here only numbers are worked out, so the chart
needs no JavaScript and its text alternative comes from the same series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 730
HEIGHT = 240
LEFT = 40  # room for the y-axis labels
RIGHT = 10
TOP = 12
BOTTOM = 28  # room for the month labels


@dataclass(frozen=True)
class Tick:
    pos: float
    label: int | date


@dataclass(frozen=True)
class MonthRow:
    """One line of the text alternative: the highest count in a month, and its first day."""

    month: date
    highest: int
    on: date
    over: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    points: str  # the polyline of the series: its first and last day and where it turns
    area: str  # the polygon under it
    limit: int
    limit_y: float
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    over: list[tuple[float, float]]  # x ranges of days over the limit, to shade
    start: date
    end: date
    today_value: int
    highest: int
    months: list[MonthRow]


def build(series: Sequence[tuple[date, int]], limit: int) -> Chart:
    """Lay out ``series`` (one value per day, oldest first, not empty) with the ``limit`` line."""
    days = max(1, len(series) - 1)
    highest = max((v for _, v in series), default=0)
    top_value = max(limit, highest) * 1.1 or 1
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + plot_w * i / days, 1)

    def y(v: int) -> float:
        return round(TOP + plot_h * (1 - v / top_value), 1)

    values = [v for _, v in series]
    last = len(values) - 1
    # Only the days where the line turns: on the days between, it runs straight (the count
    # goes up or down by the same step, or stays), so the drawing is the same with fewer points.
    points = " ".join(
        f"{x(i)},{y(v)}"
        for i, v in enumerate(values)
        if i in (0, last) or v - values[i - 1] != values[i + 1] - v
    )
    bottom = TOP + plot_h
    area = f"{LEFT},{bottom} {points} {x(len(series) - 1)},{bottom}"
    step = 30 if top_value > 100 else 15 if top_value > 40 else 5
    y_ticks = [Tick(y(v), v) for v in range(0, int(top_value) + 1, step)]
    x_ticks = [
        Tick(x(i), day) for i, (day, _) in enumerate(series) if day.day == 1 and 0 < i < days
    ]
    step_w = plot_w / days
    over: list[tuple[float, float]] = []  # (x, width) of each run of days over the limit
    run_start: int | None = None
    for i, (_, v) in enumerate([*series, (None, 0)]):
        if v > limit and run_start is None:
            run_start = i
        elif v <= limit and run_start is not None:
            over.append((round(x(run_start) - step_w / 2, 1), round((i - run_start) * step_w, 1)))
            run_start = None
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=bottom,
        points=points,
        area=area,
        limit=limit,
        limit_y=y(limit),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        over=over,
        start=series[0][0],
        end=series[-1][0],
        today_value=series[-1][1],
        highest=highest,
        months=_months(series, limit),
    )


def _months(series: Sequence[tuple[date, int]], limit: int) -> list[MonthRow]:
    rows: list[MonthRow] = []
    for day, value in series:
        month = day.replace(day=1)
        if rows and rows[-1].month == month:
            if value > rows[-1].highest:
                rows[-1] = MonthRow(month, value, day, value > limit)
        else:
            rows.append(MonthRow(month, value, day, value > limit))
    return rows
