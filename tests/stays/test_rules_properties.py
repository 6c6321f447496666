"""Property tests: stays.rules against a dead-simple day-by-day model (a set of days)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stays import rules
from stays.rules import (
    EAEU,
    VISA_FREE,
    Limits,
    Period,
    Stay,
    Violation,
    assess,
    days_in_window,
    earliest_entry,
    longest_stay,
    validate,
    window_series,
)

BASE = date(2020, 1, 1)  # leap years 2020 and 2024 fall in the generated spans
ONE = timedelta(days=1)


# --------------------------------------------------------------------------- the model


def permit_days(exempt: Sequence[Period]) -> set[date]:
    out: set[date] = set()
    for p in exempt:
        day = p.start
        while day <= p.end:
            out.add(day)
            day += ONE
    return out


def record_days(stay: Stay, last: date) -> list[date]:
    """The record's days up to `last`; an ongoing record runs to `last`."""
    end = last if stay.exit is None else min(stay.exit, last)
    days = []
    day = stay.entry
    while day <= end:
        days.append(day)
        day += ONE
    return days


def presence(stays: Sequence[Stay], last: date, exempt: Sequence[Period]) -> set[date]:
    days = {day for s in stays for day in record_days(s, last)}
    return days - permit_days(exempt)


def count(days: set[date], on: date, window: int) -> int:
    return sum(1 for k in range(window) if on - timedelta(days=k) in days)


def runs(days: list[date]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and out[-1][1] + ONE == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def pieces(stay: Stay, last: date, permits: set[date]) -> list[list[date]]:
    """The parts of one record outside permit days (each is its own single stay)."""
    out: list[list[date]] = []
    current: list[date] = []
    for day in record_days(stay, last):
        if day in permits:
            if current:
                out.append(current)
            current = []
        else:
            current.append(day)
    if current:
        out.append(current)
    return out


def first_bad_day_of_trip(
    others: set[date], start: date, limits: Limits, permits: set[date]
) -> date | None:
    """Stay on from `start`: first day a rule is broken (None if none within ~20 years)."""
    present = set(others)
    streak = 0
    day = start
    for _ in range(7500):
        if day in permits:
            streak = 0
        else:
            present.add(day)
            streak += 1
            if streak > limits.single_stay or count(present, day, limits.window) > limits.max_days:
                return day
        day += ONE
    return None


@dataclass(frozen=True)
class Model:
    days_in_window: int
    violations: list[Violation]
    max_single: int
    in_country: bool
    latest_exit: date | None


def model_assess(
    stays: Sequence[Stay], on: date, limits: Limits, exempt: Sequence[Period]
) -> Model:
    permits = permit_days(exempt)
    present = presence(stays, on, exempt)
    violations: list[Violation] = []
    bad = [day for day in present if count(present, day, limits.window) > limits.max_days]
    for first, last in runs(bad):
        violations.append(Violation("rolling_90_180", first, last, (last - first).days + 1))
    max_single = 0
    for s in stays:
        for piece in pieces(s, on, permits):
            max_single = max(max_single, len(piece))
            if len(piece) > limits.single_stay:
                over = piece[limits.single_stay :]
                violations.append(Violation("single_stay", over[0], over[-1], len(over)))
    violations.sort(key=lambda v: (v.first_day, v.kind, v.last_day))

    latest = None
    ongoing = [(s.entry, i) for i, s in enumerate(stays) if s.exit is None and s.entry <= on]
    if ongoing:
        start, chosen = max(ongoing)
        others = presence([s for i, s in enumerate(stays) if i != chosen], on, exempt)
        bad_day = first_bad_day_of_trip(others, start, limits, permits)
        latest = None if bad_day is None else max(bad_day - ONE, start)
    return Model(
        days_in_window=count(present, on, limits.window),
        violations=violations,
        max_single=max_single,
        in_country=any(s.entry <= on and (s.exit is None or s.exit >= on) for s in stays),
        latest_exit=latest,
    )


def model_longest(
    stays: Sequence[Stay], entry: date, limits: Limits, exempt: Sequence[Period]
) -> int:
    others = presence(stays, entry, exempt)  # recorded days up to the entry day
    bad_day = first_bad_day_of_trip(others, entry, limits, permit_days(exempt))
    assert bad_day is not None
    return (bad_day - entry).days


def trip_allowed(
    past: set[date], start: date, length: int, limits: Limits, permits: set[date]
) -> bool:
    trip = {start + timedelta(days=k) for k in range(length)} - permits
    present = past | trip
    return all(count(present, day, limits.window) <= limits.max_days for day in trip)


def model_earliest(
    stays: Sequence[Stay], length: int, limits: Limits, not_before: date, exempt: Sequence[Period]
) -> date | None:
    if length > limits.single_stay or length > limits.max_days:
        return None
    past = presence(stays, not_before, exempt)
    permits = permit_days(exempt)
    start = not_before
    while not trip_allowed(past, start, length, limits, permits):
        start += ONE
    return start


# --------------------------------------------------------------------------- strategies

limits_strategy = st.one_of(
    st.sampled_from([VISA_FREE, EAEU]),
    st.integers(min_value=3, max_value=40).flatmap(
        lambda window: st.builds(
            Limits,
            single_stay=st.integers(min_value=1, max_value=45),
            window=st.just(window),
            max_days=st.integers(min_value=1, max_value=window),
        )
    ),
)


@st.composite
def records(draw: st.DrawFn, max_stays: int = 8) -> list[Stay]:
    """Sound, shuffled records: gaps of 0 are same-day exit and re-entry."""
    stays: list[Stay] = []
    day = BASE + timedelta(days=draw(st.integers(min_value=0, max_value=60)))
    for _ in range(draw(st.integers(min_value=0, max_value=max_stays))):
        length = draw(st.integers(min_value=1, max_value=100))
        if length == 1 and stays and stays[-1] == Stay(day, day):
            length = 2  # a second same-day trip on that day would be a duplicate
        exit_day = day + timedelta(days=length - 1)
        stays.append(Stay(day, exit_day))
        day = exit_day + timedelta(days=draw(st.sampled_from([0, 0, 1, 2, 5, 20, 60, 150])))
    if stays and draw(st.booleans()):
        stays[-1] = Stay(stays[-1].entry, None)
    return draw(st.permutations(stays))


@st.composite
def permits(draw: st.DrawFn) -> list[Period]:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start = BASE + timedelta(days=draw(st.integers(min_value=0, max_value=1000)))
        length = draw(st.integers(min_value=1, max_value=120))
        out.append(Period(start, start + timedelta(days=length - 1)))
    return out


days_in_span = st.integers(min_value=0, max_value=1100).map(lambda k: BASE + timedelta(days=k))


# --------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(records(), days_in_span, limits_strategy, permits())
def test_it_assesses_like_the_day_by_day_model(
    stays: list[Stay], on: date, limits: Limits, exempt: list[Period]
) -> None:
    assert validate(stays) == []
    result = assess(stays, on, limits, exempt=exempt)
    model = model_assess(stays, on, limits, exempt)
    assert result.on == on
    assert result.days_in_window == model.days_in_window
    assert result.days_in_window == days_in_window(stays, on, limits, exempt=exempt)
    assert result.days_remaining == max(0, limits.max_days - model.days_in_window)
    assert list(result.violations) == model.violations
    rolling = [v for v in model.violations if v.kind == "rolling_90_180"]
    assert result.rolling_violation is bool(rolling)
    assert result.first_violation_date == (rolling[0].first_day if rolling else None)
    assert result.single_stay_violation is any(v.kind == "single_stay" for v in model.violations)
    assert result.max_single_stay_days == model.max_single
    assert result.in_country is model.in_country
    assert result.latest_exit_date == model.latest_exit


@settings(max_examples=300, deadline=None)
@given(records(), days_in_span, limits_strategy, permits())
def test_it_plans_the_longest_stay_like_the_model(
    stays: list[Stay], entry: date, limits: Limits, exempt: list[Period]
) -> None:
    assert longest_stay(stays, entry, limits, exempt=exempt) == model_longest(
        stays, entry, limits, exempt
    )


@settings(max_examples=300, deadline=None)
@given(
    records(),
    days_in_span,
    limits_strategy,
    permits(),
    st.integers(min_value=1, max_value=95),
)
def test_it_finds_the_earliest_entry_like_the_model(
    stays: list[Stay], not_before: date, limits: Limits, exempt: list[Period], length: int
) -> None:
    found = earliest_entry(stays, length, limits, not_before=not_before, exempt=exempt)
    assert found == model_earliest(stays, length, limits, not_before, exempt)
    if found is not None and all(s.exit is not None and s.exit <= not_before for s in stays):
        # Nothing recorded after not_before: the planners agree with each other.
        assert longest_stay(stays, found, limits, exempt=exempt) >= length


@settings(max_examples=300, deadline=None)
@given(records(), days_in_span, st.integers(min_value=0, max_value=400), limits_strategy, permits())
def test_it_gives_the_window_series_like_the_model(
    stays: list[Stay], start: date, span: int, limits: Limits, exempt: list[Period]
) -> None:
    end = start + timedelta(days=span)
    series = window_series(stays, start, end, limits, exempt=exempt)
    present = presence(stays, end, exempt)
    expected = [
        (start + timedelta(days=k), count(present, start + timedelta(days=k), limits.window))
        for k in range(span + 1)
    ]
    assert series == expected


@settings(max_examples=300, deadline=None)
@given(records(), limits_strategy, permits(), st.randoms(use_true_random=False))
def test_it_does_not_depend_on_the_order_of_the_record(
    stays: list[Stay], limits: Limits, exempt: list[Period], rnd: random.Random
) -> None:
    on = BASE + timedelta(days=1200)
    shuffled = list(stays)
    rnd.shuffle(shuffled)
    assert assess(stays, on, limits, exempt=exempt) == assess(shuffled, on, limits, exempt=exempt)


@st.composite
def messy_records(draw: st.DrawFn) -> list[Stay]:
    """Any records over a short span: overlaps, duplicates, reversed and ongoing ones."""
    day = st.integers(min_value=0, max_value=30).map(lambda k: BASE + timedelta(days=k))
    return draw(st.lists(st.builds(Stay, day, st.one_of(st.none(), day)), max_size=7))


def compatible(a: Stay, b: Stay) -> bool:
    """Two records can be put in time order, sharing at most one exit/re-entry day."""
    a_exit, b_exit = a.exit or date.max, b.exit or date.max
    return a_exit <= b.entry or b_exit <= a.entry


@settings(max_examples=300, deadline=None)
@given(messy_records(), days_in_span)
def test_it_validates_like_a_pairwise_check(stays: list[Stay], today: date) -> None:
    found = validate(stays, today=today)
    codes = {(p.code, p.index) for p in found}
    sound = [
        i
        for i, s in enumerate(stays)
        if not (s.exit is not None and s.exit < s.entry) and s not in stays[:i]
    ]
    for i, s in enumerate(stays):
        assert (("exit_before_entry", i) in codes) is (s.exit is not None and s.exit < s.entry)
        assert (("duplicate", i) in codes) is (s in stays[:i])
        assert (("in_future", i) in codes) is (s.entry > today or (s.exit or s.entry) > today)
        assert ("too_early", i) not in codes
    clash = any(not compatible(stays[i], stays[j]) for i in sound for j in sound if i < j)
    assert any(p.code in ("overlap", "second_ongoing") for p in found) is clash
    for p in found:
        if p.code in ("overlap", "second_ongoing", "duplicate"):
            assert p.other is not None and p.other != p.index
            if p.code == "duplicate":
                assert stays[p.other] == stays[p.index] and p.other < p.index
            else:
                assert not compatible(stays[p.index], stays[p.other])
    assert found == sorted(found, key=lambda p: p.index)
    assert bool(validate(stays[::-1], today=today)) is bool(found)  # order does not matter


# --------------------------------------------------------------------------- scale


def test_it_assesses_2000_stays_over_40_years(monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(2024)
    stays: list[Stay] = []
    day = date(1992, 1, 1)
    for _ in range(2000):
        exit_day = day + timedelta(days=rnd.randint(1, 5))
        stays.append(Stay(day, exit_day))
        day = exit_day + timedelta(days=rnd.randint(0, 9))
    stays[-1] = Stay(stays[-1].entry, None)
    on = day
    assert (on - stays[0].entry).days > 365 * 39
    rnd.shuffle(stays)

    evaluations = 0
    window = rules._Timeline.window

    def counting(self: rules._Timeline, d: int, w: int) -> int:
        nonlocal evaluations
        evaluations += 1
        return window(self, d, w)

    monkeypatch.setattr(rules._Timeline, "window", counting)
    result = assess(stays, on, EAEU)
    # Evaluated at breakpoints (a few per stay), not once per day per stay.
    assert evaluations <= 8 * len(stays)
    assert result.in_country
    assert result.rolling_violation
    present = presence(stays, on, [])
    assert result.days_in_window == count(present, on, 180)
    assert result.first_violation_date == min(
        day for day in present if count(present, day, 180) > 90
    )
    series = window_series(stays, on - timedelta(days=364), on, EAEU)
    assert series[-1] == (on, result.days_in_window)
    assert validate(stays, today=on) == []
