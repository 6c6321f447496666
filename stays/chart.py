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
    values = [v for _, v in series]
    highest = max(values, default=0)
    top_value = max(limit, highest) * 1.1 or 1
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + plot_w * i / days, 1)

    def y(v: int) -> float:
        return round(TOP + plot_h * (1 - v / top_value), 1)

    last = len(values) - 1
    # Only the days where the line turns: on the days between, it runs straight (the count
    # goes up or down by the same step, or stays), so the drawing is the same with fewer points.
    turns = [i for i in range(1, last) if values[i] * 2 != values[i - 1] + values[i + 1]]
    ends = [0, last] if last else [0]
    points = " ".join(f"{x(i)},{y(values[i])}" for i in [ends[0], *turns, *ends[1:]])
    bottom = TOP + plot_h
    area = f"{LEFT},{bottom} {points} {x(len(series) - 1)},{bottom}"
    step = 30 if top_value > 100 else 15 if top_value > 40 else 5
    y_ticks = [Tick(y(v), v) for v in range(0, int(top_value) + 1, step)]
    starts = _month_starts(series)
    x_ticks = [Tick(x(i), series[i][0]) for i in starts if 0 < i < days]
    step_w = plot_w / days
    over: list[tuple[float, float]] = []  # (x, width) of each run of days over the limit
    if highest > limit:
        run_start: int | None = None
        for i, v in enumerate([*values, 0]):
            if v > limit and run_start is None:
                run_start = i
            elif v <= limit and run_start is not None:
                over.append(
                    (round(x(run_start) - step_w / 2, 1), round((i - run_start) * step_w, 1))
                )
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
        months=_months(series, values, [0, *starts], limit),
    )


def _month_starts(series: Sequence[tuple[date, int]]) -> list[int]:
    """The positions in ``series`` (one day after another) of the first day of each month, the
    first day of the series left out: found month by month, not by looking at every day."""
    first = series[0][0]
    found = []
    year, month = first.year, first.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        i = (date(year, month, 1) - first).days
        if i >= len(series):
            return found
        found.append(i)


def _months(
    series: Sequence[tuple[date, int]], values: list[int], starts: list[int], limit: int
) -> list[MonthRow]:
    """Each month's highest value and the first day it was reached; ``starts`` are the
    positions where the months begin (the first day of the series the first)."""
    rows: list[MonthRow] = []
    for a, b in zip(starts, [*starts[1:], len(values)], strict=True):
        part = values[a:b]
        highest = max(part)
        day = series[a + part.index(highest)][0]
        rows.append(MonthRow(day.replace(day=1), highest, day, highest > limit))
    return rows
