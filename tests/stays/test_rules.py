"""Tests for stays.rules, the 90/180 engine (plain pytest: no Django, no database)."""

from __future__ import annotations

import ast
import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from stays.rules import (
    EAEU,
    VISA_FREE,
    Limits,
    Period,
    RecordProblem,
    Stay,
    Violation,
    assess,
    days_in_window,
    earliest_entry,
    longest_stay,
    validate,
    window_series,
)

RULES_PY = Path(__file__).resolve().parents[2] / "stays" / "rules.py"
# In the repository (see data/README.md for the source): a clone never skips them.
EXAMPLES = Path(__file__).resolve().parent / "data" / "stay_examples.json"


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def stay(entry: str, exit: str | None = None) -> Stay:
    return Stay(d(entry), d(exit) if exit else None)


def _example_params() -> list[Any]:
    examples = json.loads(EXAMPLES.read_text())  # missing or empty: the module fails, never skips
    assert examples, f"no worked examples in {EXAMPLES}"
    return [pytest.param(ex, id=ex["id"]) for ex in examples]


# --------------------------------------------------------------------------- worked examples


@pytest.mark.parametrize("example", _example_params())
def test_it_matches_the_worked_examples(example: dict[str, Any]) -> None:
    stays = [Stay(d(a), d(b) if b else None) for a, b in example["stays"]]
    on = d(example["on"])
    visa_free = assess(stays, on, VISA_FREE)
    eaeu = assess(stays, on, EAEU)
    first = example["first_violation_date"]

    assert visa_free.days_in_window == example["days_in_window"]
    assert visa_free.days_remaining == example["days_remaining"]
    assert visa_free.rolling_violation is example["rolling_violation"]
    assert visa_free.first_violation_date == (d(first) if first else None)
    assert visa_free.max_single_stay_days == example["max_single_stay_days"]
    assert visa_free.single_stay_violation is example["single_stay_over_30"]
    assert eaeu.single_stay_violation is example["single_stay_over_90"]
    # The 90/180 side does not depend on the single-stay limit.
    assert eaeu.days_in_window == visa_free.days_in_window
    assert eaeu.first_violation_date == visa_free.first_violation_date
    assert days_in_window(stays, on, VISA_FREE) == example["days_in_window"]


# --------------------------------------------------------------------------- counting


def test_it_counts_the_entry_day_and_the_exit_day() -> None:
    assert days_in_window([stay("2024-05-01", "2024-05-01")], d("2024-05-01"), VISA_FREE) == 1
    assert days_in_window([stay("2024-05-01", "2024-05-02")], d("2024-05-02"), VISA_FREE) == 2
    result = assess([stay("2024-05-01", "2024-05-10")], d("2024-06-01"), VISA_FREE)
    assert result.days_in_window == 10
    assert result.max_single_stay_days == 10


def test_it_counts_a_same_day_exit_and_reentry_once() -> None:
    stays = [stay("2024-03-01", "2024-03-10"), stay("2024-03-10", "2024-03-20")]
    result = assess(stays, d("2024-03-20"), VISA_FREE)
    assert result.days_in_window == 20
    assert result.max_single_stay_days == 11


def test_it_starts_a_new_single_stay_on_a_same_day_reentry() -> None:
    stays = [stay("2024-01-01", "2024-01-30"), stay("2024-01-30", "2024-02-28")]
    result = assess(stays, d("2024-02-28"), VISA_FREE)
    assert result.max_single_stay_days == 30
    assert not result.single_stay_violation
    assert result.days_in_window == 59


def test_it_keeps_the_window_edge_day_180_in_and_181_out() -> None:
    stays = [stay("2023-03-01", "2023-03-01")]
    assert days_in_window(stays, d("2023-03-01") + timedelta(days=179), VISA_FREE) == 1
    assert days_in_window(stays, d("2023-03-01") + timedelta(days=180), VISA_FREE) == 0


def test_it_counts_across_leap_days() -> None:
    assert assess([stay("2024-02-28", "2024-03-01")], d("2024-03-01"), EAEU).days_in_window == 3
    assert assess([stay("2023-02-28", "2023-03-01")], d("2023-03-01"), EAEU).days_in_window == 2
    # 1 January is day 180 of the period ending 28 June in a leap year, 29 June otherwise.
    leap = [stay("2024-01-01", "2024-01-01")]
    assert days_in_window(leap, d("2024-06-28"), VISA_FREE) == 1
    assert days_in_window(leap, d("2024-06-29"), VISA_FREE) == 0
    common = [stay("2023-01-01", "2023-01-01")]
    assert days_in_window(common, d("2023-06-29"), VISA_FREE) == 1
    assert days_in_window(common, d("2023-06-30"), VISA_FREE) == 0


def test_it_runs_an_ongoing_stay_to_the_date_checked() -> None:
    result = assess([stay("2024-06-01")], d("2024-06-10"), VISA_FREE)
    assert result.days_in_window == 10
    assert result.days_remaining == 80
    assert result.in_country
    assert result.max_single_stay_days == 10


def test_it_ignores_days_after_the_date_checked() -> None:
    later = [stay("2024-06-01", "2024-06-10")]
    result = assess(later, d("2024-05-31"), VISA_FREE)
    assert (result.days_in_window, result.max_single_stay_days, result.in_country) == (0, 0, False)
    assert result.violations == ()

    straddling = [stay("2024-06-01", "2024-08-01")]
    result = assess(straddling, d("2024-06-30"), VISA_FREE)
    assert result.days_in_window == 30
    assert result.max_single_stay_days == 30
    assert not result.single_stay_violation
    assert result.in_country
    assert result.latest_exit_date is None  # not an ongoing record


def test_it_tells_whether_the_person_is_in_the_country() -> None:
    stays = [stay("2024-06-01", "2024-06-10")]
    assert assess(stays, d("2024-06-01"), VISA_FREE).in_country
    assert assess(stays, d("2024-06-10"), VISA_FREE).in_country
    assert not assess(stays, d("2024-06-11"), VISA_FREE).in_country
    assert not assess(stays, d("2024-05-31"), VISA_FREE).in_country


def test_it_handles_no_stays() -> None:
    result = assess([], d("2024-06-01"), VISA_FREE)
    assert result.days_in_window == 0
    assert result.days_remaining == 90
    assert result.violations == ()
    assert result.latest_exit_date is None
    assert longest_stay([], d("2024-06-01"), VISA_FREE) == 30
    assert longest_stay([], d("2024-06-01"), EAEU) == 90
    assert earliest_entry([], 30, VISA_FREE, not_before=d("2024-06-01")) == d("2024-06-01")


# --------------------------------------------------------------------------- limits


def test_it_allows_30_days_and_refuses_31_for_visa_free_citizens() -> None:
    ok = assess([stay("2024-04-01", "2024-04-30")], d("2024-04-30"), VISA_FREE)
    assert not ok.single_stay_violation
    assert ok.violations == ()
    over = assess([stay("2024-04-01", "2024-05-01")], d("2024-05-01"), VISA_FREE)
    assert over.single_stay_violation
    assert over.violations == (Violation("single_stay", d("2024-05-01"), d("2024-05-01"), 1),)


def test_it_allows_90_days_and_refuses_91_in_one_stay_for_eaeu_citizens() -> None:
    ok = assess([stay("2023-01-01", "2023-03-31")], d("2023-03-31"), EAEU)
    assert ok.violations == ()
    assert ok.days_remaining == 0
    over = assess([stay("2023-01-01", "2023-04-01")], d("2023-04-01"), EAEU)
    assert over.violations == (
        Violation("rolling_90_180", d("2023-04-01"), d("2023-04-01"), 1),
        Violation("single_stay", d("2023-04-01"), d("2023-04-01"), 1),
    )
    assert over.single_stay_violation and over.rolling_violation


def test_it_allows_90_days_in_180_and_refuses_the_91st() -> None:
    three_trips = [
        stay("2023-01-01", "2023-01-30"),
        stay("2023-02-15", "2023-03-16"),
        stay("2023-04-01", "2023-04-30"),
    ]
    ok = assess(three_trips, d("2023-05-10"), VISA_FREE)
    assert (ok.days_in_window, ok.rolling_violation, ok.violations) == (90, False, ())
    over = assess([*three_trips, stay("2023-05-10", "2023-05-10")], d("2023-05-10"), VISA_FREE)
    assert over.days_in_window == 91
    assert over.days_remaining == 0
    assert over.first_violation_date == d("2023-05-10")
    assert over.violations == (Violation("rolling_90_180", d("2023-05-10"), d("2023-05-10"), 1),)
    assert not over.single_stay_violation


def test_it_counts_days_over_for_a_single_stay() -> None:
    result = assess([stay("2024-04-01", "2024-05-05")], d("2024-06-01"), VISA_FREE)
    assert result.violations == (Violation("single_stay", d("2024-05-01"), d("2024-05-05"), 5),)
    assert result.max_single_stay_days == 35


def test_it_stops_a_violation_run_at_the_date_checked() -> None:
    result = assess([stay("2024-04-01")], d("2024-05-03"), VISA_FREE)
    assert result.violations == (Violation("single_stay", d("2024-05-01"), d("2024-05-03"), 3),)


def test_it_reports_several_separate_violations() -> None:
    stays = [
        stay("2023-01-01", "2023-03-31"),  # 90 days: at the limit of both rules
        stay("2023-04-05", "2023-04-07"),  # 91st to 93rd day in the period
        stay("2023-05-01", "2023-05-02"),  # still over on return
        stay("2024-01-01", "2024-02-04"),  # 35-day single stay
        stay("2024-06-01", "2024-07-02"),  # 32-day single stay
    ]
    result = assess(stays, d("2024-12-31"), VISA_FREE)
    assert result.violations == (
        Violation("single_stay", d("2023-01-31"), d("2023-03-31"), 60),
        Violation("rolling_90_180", d("2023-04-05"), d("2023-04-07"), 3),
        Violation("rolling_90_180", d("2023-05-01"), d("2023-05-02"), 2),
        Violation("single_stay", d("2024-01-31"), d("2024-02-04"), 5),
        Violation("single_stay", d("2024-07-01"), d("2024-07-02"), 2),
    )
    assert result.first_violation_date == d("2023-04-05")
    assert result.max_single_stay_days == 90
    eaeu = assess(stays, d("2024-12-31"), EAEU)
    assert not eaeu.single_stay_violation
    assert [v.kind for v in eaeu.violations] == ["rolling_90_180", "rolling_90_180"]


def test_it_never_counts_a_day_abroad_as_a_day_of_violation() -> None:
    # Over on 8 September, gone on the 9th; the period stays over 90 for weeks afterwards.
    stays = [stay("2024-06-10", "2024-09-08")]
    result = assess(stays, d("2024-10-01"), EAEU)
    assert result.days_in_window == 91
    assert result.violations[0] == Violation("rolling_90_180", d("2024-09-08"), d("2024-09-08"), 1)


# --------------------------------------------------------------------------- permits


def test_it_exempts_a_stay_wholly_covered_by_a_permit() -> None:
    stays = [stay("2024-01-01", "2024-06-30")]
    permit = [Period(d("2023-12-01"), d("2024-12-31"))]
    result = assess(stays, d("2024-06-30"), VISA_FREE, exempt=permit)
    assert result.days_in_window == 0
    assert result.days_remaining == 90
    assert result.violations == ()
    assert result.max_single_stay_days == 0
    assert result.in_country


def test_it_exempts_the_covered_part_of_a_stay() -> None:
    stays = [stay("2024-01-01", "2024-03-31")]
    permit = [Period(d("2024-01-15"), d("2024-02-29"))]
    result = assess(stays, d("2024-03-31"), VISA_FREE, exempt=permit)
    # 1-14 January and 1-31 March; the piece after the permit counts from 1 March.
    assert result.days_in_window == 14 + 31
    assert result.max_single_stay_days == 31
    assert result.violations == (Violation("single_stay", d("2024-03-31"), d("2024-03-31"), 1),)
    at_limit = assess(stays, d("2024-03-30"), VISA_FREE, exempt=permit)
    assert at_limit.violations == ()


def test_it_ignores_an_empty_permit_period() -> None:
    stays = [stay("2024-01-01", "2024-01-31")]
    result = assess(
        stays, d("2024-01-31"), VISA_FREE, exempt=[Period(d("2024-01-20"), d("2024-01-10"))]
    )
    assert result.days_in_window == 31


# --------------------------------------------------------------------------- latest exit date


def test_it_gives_the_latest_exit_date_when_the_single_stay_limit_binds() -> None:
    result = assess([stay("2024-06-01")], d("2024-06-10"), VISA_FREE)
    assert result.latest_exit_date == d("2024-06-30")
    over = assess([stay("2024-06-01")], d("2024-07-05"), VISA_FREE)
    assert over.latest_exit_date == d("2024-06-30")  # before `on`: already over


def test_it_extends_the_latest_exit_date_as_old_days_roll_out() -> None:
    # 80 days in autumn 2023; they start leaving the period on 29 March 2024.
    stays = [stay("2023-10-01", "2023-12-19"), stay("2024-03-20")]
    result = assess(stays, d("2024-03-20"), VISA_FREE)
    assert result.days_in_window == 81
    assert result.days_remaining == 9  # "9 more days" would say 29 March
    assert result.latest_exit_date == d("2024-04-18")  # the single-stay limit binds


def test_it_gives_the_latest_exit_date_when_the_90_180_limit_binds() -> None:
    stays = [
        stay("2023-10-01", "2023-10-30"),
        stay("2024-02-01", "2024-03-01"),
        stay("2024-03-20"),
    ]
    result = assess(stays, d("2024-03-20"), EAEU)
    assert result.days_in_window == 61
    # Naive: 29 days of headroom -> 17 April. October's days leave from 29 March to
    # 27 April, keeping the count at 69; it passes 90 on 19 May.
    assert result.latest_exit_date == d("2024-05-18")
    assert assess(stays, d("2024-05-18"), EAEU).violations == ()
    late = assess(stays, d("2024-05-19"), EAEU)
    assert late.first_violation_date == d("2024-05-19")
    assert late.latest_exit_date == d("2024-05-18")


def test_it_gives_the_entry_day_as_the_latest_exit_date_when_entering_with_no_day_left() -> None:
    # 90 days used (1 January to 30 March); entering on 10 April breaks 90/180 that very day.
    # The person had to leave the day they came, not "by 9 April", a day before they came.
    stays = [stay("2024-01-01", "2024-03-30"), stay("2024-04-10")]
    on_entry = assess(stays, d("2024-04-10"), EAEU)
    assert on_entry.days_remaining == 0
    assert on_entry.latest_exit_date == d("2024-04-10")
    assert on_entry.first_violation_date == d("2024-04-10")
    later = assess(stays, d("2024-04-12"), EAEU)
    assert later.latest_exit_date == d("2024-04-10")  # before `on`: already over
    # With one day left, that day is the last one allowed: the day of entry.
    one_left = [stay("2024-01-02", "2024-03-30"), stay("2024-04-10")]
    result = assess(one_left, d("2024-04-10"), EAEU)
    assert result.latest_exit_date == d("2024-04-10") and result.violations == ()


def test_it_counts_the_latest_exit_date_from_the_end_of_a_permit() -> None:
    stays = [stay("2024-01-01")]
    permit = [Period(d("2024-01-10"), d("2024-12-31"))]
    result = assess(stays, d("2024-06-01"), VISA_FREE, exempt=permit)
    # 1-9 January is a stay of its own; after the permit a new one counts from 1 January.
    assert result.latest_exit_date == d("2025-01-30")
    assert result.days_in_window == 9
    assert result.violations == ()


def test_it_gives_no_latest_exit_date_without_an_ongoing_stay_or_under_an_endless_permit() -> None:
    assert (
        assess([stay("2024-01-01", "2024-01-05")], d("2024-01-03"), VISA_FREE).latest_exit_date
        is None
    )
    endless = [Period(d("2024-01-01"), date.max)]
    result = assess([stay("2024-01-01")], d("2024-06-01"), VISA_FREE, exempt=endless)
    assert result.latest_exit_date is None


# --------------------------------------------------------------------------- planners


def test_it_plans_the_longest_stay_with_old_days_rolling_out() -> None:
    stays = [stay("2023-10-01", "2023-12-19")]
    assert days_in_window(stays, d("2024-03-19"), VISA_FREE) == 80
    # "90 - 80 = 10" would be wrong: the autumn days leave while the trip goes on.
    assert longest_stay(stays, d("2024-03-20"), VISA_FREE) == 30
    two_trips = [stay("2023-10-01", "2023-10-30"), stay("2024-02-01", "2024-03-01")]
    assert longest_stay(two_trips, d("2024-03-20"), EAEU) == 60  # 20 March .. 18 May


def test_it_plans_no_stay_when_the_entry_day_is_refused() -> None:
    stays = [stay("2024-01-01", "2024-03-30")]  # 90 days
    assert longest_stay(stays, d("2024-06-28"), VISA_FREE) == 0  # 1 January still counts
    assert longest_stay(stays, d("2024-06-29"), VISA_FREE) == 30
    assert longest_stay(stays, d("2024-06-29"), EAEU) == 90


def test_it_plans_the_longest_stay_at_the_90_day_limit() -> None:
    stays = [stay("2024-01-01", "2024-02-29")]  # 60 days
    assert longest_stay(stays, d("2024-03-01"), VISA_FREE) == 30
    assert longest_stay(stays, d("2024-03-02"), EAEU) == 30  # 60 + 30 = 90, the 31st is refused


def test_it_plans_a_same_day_return_counting_that_day_once() -> None:
    stays = [stay("2024-01-01", "2024-02-29")]  # 60 days, leaves on 29 February
    assert longest_stay(stays, d("2024-02-29"), EAEU) == 31  # 29 Feb counted once
    assert earliest_entry(stays, 31, EAEU, not_before=d("2024-02-29")) == d("2024-02-29")


def test_it_plans_around_a_permit() -> None:
    permit = [Period(d("2024-03-11"), d("2024-03-20"))]
    # 10 days, 10 permit days, then a new single stay of 30 days.
    assert longest_stay([], d("2024-03-01"), VISA_FREE, exempt=permit) == 50


def test_it_finds_the_earliest_entry_with_old_days_rolling_out() -> None:
    stays = [stay("2024-01-01", "2024-03-30")]  # 90 days
    # 1 January leaves the period on 29 June; from then on one day leaves for each day
    # added, so a 30-day trip fits at once ("wait until 30 days are free" says 28 July).
    assert earliest_entry(stays, 1, VISA_FREE, not_before=d("2024-04-01")) == d("2024-06-29")
    assert earliest_entry(stays, 30, VISA_FREE, not_before=d("2024-04-01")) == d("2024-06-29")
    assert earliest_entry(stays, 90, EAEU, not_before=d("2024-04-01")) == d("2024-06-29")
    assert earliest_entry(stays, 30, VISA_FREE, not_before=d("2024-07-15")) == d("2024-07-15")


def test_it_finds_the_earliest_entry_after_a_gap_in_old_days() -> None:
    stays = [stay("2024-01-01", "2024-01-30"), stay("2024-03-01", "2024-04-29")]  # 30 + 60
    # From 29 June, January leaves one day per trip day: a 30-day trip fits at once...
    assert earliest_entry(stays, 30, EAEU, not_before=d("2024-05-01")) == d("2024-06-29")
    assert longest_stay(stays, d("2024-06-28"), EAEU) == 0
    assert longest_stay(stays, d("2024-06-29"), EAEU) == 30
    # ...but then February (not present) leaves and the count rises: a 45-day trip must
    # wait until January is out of the period on arrival; March then leaves as it goes on.
    assert earliest_entry(stays, 45, EAEU, not_before=d("2024-05-01")) == d("2024-07-29")
    assert longest_stay(stays, d("2024-07-28"), EAEU) == 30
    assert longest_stay(stays, d("2024-07-29"), EAEU) == 90


def test_it_refuses_to_plan_trips_longer_than_the_limits() -> None:
    assert earliest_entry([], 30, VISA_FREE, not_before=d("2024-01-01")) == d("2024-01-01")
    assert earliest_entry([], 31, VISA_FREE, not_before=d("2024-01-01")) is None
    assert earliest_entry([], 90, EAEU, not_before=d("2024-01-01")) == d("2024-01-01")
    assert earliest_entry([], 91, EAEU, not_before=d("2024-01-01")) is None
    with pytest.raises(ValueError):
        earliest_entry([], 0, EAEU, not_before=d("2024-01-01"))


def test_it_gives_a_window_series_for_a_chart() -> None:
    stays = [stay("2024-01-01", "2024-01-03"), stay("2024-01-05")]
    series = window_series(stays, d("2023-12-31"), d("2024-01-06"), VISA_FREE)
    assert series == [
        (d("2023-12-31"), 0),
        (d("2024-01-01"), 1),
        (d("2024-01-02"), 2),
        (d("2024-01-03"), 3),
        (d("2024-01-04"), 3),
        (d("2024-01-05"), 4),
        (d("2024-01-06"), 5),
    ]
    assert window_series(stays, d("2024-01-02"), d("2024-01-01"), VISA_FREE) == []
    chart = window_series(stays, d("2024-01-06"), d("2024-12-31"), VISA_FREE)
    assert chart[-1] == (d("2024-12-31"), days_in_window(stays, d("2024-12-31"), VISA_FREE))


def test_it_rejects_meaningless_limits() -> None:
    with pytest.raises(ValueError):
        Limits(single_stay=0)
    with pytest.raises(ValueError):
        Limits(single_stay=30, window=0)


# --------------------------------------------------------------------------- record problems


def problems(stays: list[Stay], **kwargs: Any) -> set[tuple[str, int, int | None]]:
    return {(p.code, p.index, p.other) for p in validate(stays, **kwargs)}


def test_it_accepts_a_sound_record() -> None:
    stays = [stay("2024-01-01", "2024-01-10"), stay("2024-01-10", "2024-01-20"), stay("2024-02-01")]
    assert validate(stays, today=d("2024-02-01")) == []


def test_it_reports_an_exit_before_the_entry() -> None:
    assert validate([stay("2024-03-02", "2024-03-02")]) == []
    assert validate([stay("2024-03-02", "2024-03-01")]) == [
        RecordProblem("exit_before_entry", 0, None)
    ]


def test_it_reports_a_date_before_the_earliest() -> None:
    assert validate([stay("1991-12-16", "1991-12-16")]) == []
    assert problems([stay("1991-12-15", "1992-01-01")]) == {("too_early", 0, None)}
    assert problems([stay("1992-01-01", "1991-12-15")]) == {
        ("too_early", 0, None),
        ("exit_before_entry", 0, None),
    }
    assert problems([stay("2000-01-01")], earliest=d("2000-01-02")) == {("too_early", 0, None)}


def test_it_reports_a_crossing_in_the_future() -> None:
    today = d("2024-06-01")
    assert validate([stay("2024-05-01", "2024-06-01")], today=today) == []
    assert validate([stay("2024-06-01")], today=today) == []
    assert problems([stay("2024-05-01", "2024-06-02")], today=today) == {("in_future", 0, None)}
    assert problems([stay("2024-06-02")], today=today) == {("in_future", 0, None)}
    assert validate([stay("2024-06-02")]) == []  # no `today`, no check


def test_it_reports_a_duplicate() -> None:
    stays = [stay("2024-01-01", "2024-01-10"), stay("2024-01-01", "2024-01-10")]
    assert validate(stays) == [RecordProblem("duplicate", 1, 0)]
    ongoing = [stay("2024-01-01"), stay("2024-02-01", "2024-02-02"), stay("2024-01-01")]
    assert problems(ongoing) == {("duplicate", 2, 0), ("overlap", 1, 0)}


def test_it_reports_a_second_ongoing_stay() -> None:
    stays = [stay("2024-03-01"), stay("2024-01-01")]
    assert validate(stays) == [RecordProblem("second_ongoing", 0, 1)]


def test_it_reports_overlaps_but_allows_a_same_day_exit_and_reentry() -> None:
    assert problems([stay("2024-01-01", "2024-01-10"), stay("2024-01-05", "2024-01-15")]) == {
        ("overlap", 1, 0)
    }
    assert validate([stay("2024-01-01", "2024-01-10"), stay("2024-01-10", "2024-01-20")]) == []
    assert validate([stay("2024-01-01", "2024-01-10"), stay("2024-01-11", "2024-01-20")]) == []
    # A same-day trip between two records touching it on the same day.
    day_trip = [
        stay("2024-01-10", "2024-01-20"),
        stay("2024-01-10", "2024-01-10"),
        stay("2024-01-01", "2024-01-10"),
    ]
    assert validate(day_trip) == []
    assert problems([stay("2024-01-01", "2024-01-20"), stay("2024-01-10", "2024-01-10")]) == {
        ("overlap", 1, 0)
    }
    assert problems([stay("2024-01-01", "2024-01-10"), stay("2024-01-01", "2024-01-05")]) == {
        ("overlap", 0, 1)
    }


def test_it_reports_a_stay_after_an_ongoing_one_as_an_overlap() -> None:
    assert problems([stay("2024-02-01", "2024-02-05"), stay("2024-01-01")]) == {("overlap", 0, 1)}
    assert validate([stay("2024-01-01", "2024-01-05"), stay("2024-01-05")]) == []


def test_it_reports_problems_in_an_unsorted_record() -> None:
    stays = [
        stay("2024-05-01", "2024-05-10"),
        stay("2024-01-01", "2024-01-10"),
        stay("2024-05-05", "2024-05-06"),
        stay("2024-01-01", "2024-01-10"),
    ]
    assert validate(stays) == [
        RecordProblem("overlap", 2, 0),
        RecordProblem("duplicate", 3, 1),
    ]


def test_it_still_assesses_a_faulty_record() -> None:
    stays = [
        stay("2024-01-01", "2024-01-10"),
        stay("2024-01-05", "2024-01-12"),  # overlap: counted once
        stay("2024-02-10", "2024-02-01"),  # exit before entry: ignored
    ]
    result = assess(stays, d("2024-03-01"), VISA_FREE)
    assert result.days_in_window == 12
    assert result.max_single_stay_days == 10


# --------------------------------------------------------------------------- no Django


def test_it_imports_only_the_standard_library() -> None:
    tree = ast.parse(RULES_PY.read_text())
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            modules.add(node.module or "")
    assert modules
    assert not any(m == "django" or m.startswith("django.") for m in modules)
    top_level = {m.split(".")[0] for m in modules}
    assert top_level <= set(sys.stdlib_module_names) | {"__future__"}


# --------------------------------------------------------------------------- the rule's start

START = d("2023-01-27")
FROM_START = Limits(single_stay=90, rolling_from=START)


def test_days_before_the_start_count_toward_no_period() -> None:
    # In the country from 1 December 2022 to 30 April 2023 (EAEU single-stay limit raised out
    # of the way): 151 days of presence, 94 of them from the start on.
    stays = [stay("2022-12-01", "2023-04-30")]
    wide = Limits(single_stay=200, rolling_from=START)
    assert days_in_window(stays, d("2023-04-30"), wide) == 94
    assert days_in_window(stays, d("2023-04-30"), Limits(single_stay=200)) == 151
    a = assess(stays, d("2023-04-30"), wide)
    assert a.days_in_window == 94
    # 90 days from 27 January 2023 are reached on 26 April; the 91st day breaks the rule.
    assert a.first_violation_date == d("2023-04-27")
    assert assess(stays, d("2023-04-26"), wide).violations == ()


def test_the_rule_is_never_broken_before_its_start() -> None:
    stays = [stay("2022-01-01", "2022-12-31")]
    a = assess(stays, d("2022-12-31"), Limits(single_stay=400, rolling_from=START))
    assert a.violations == () and a.days_in_window == 0
    # Without a start the same year breaks it from its 91st day.
    b = assess(stays, d("2022-12-31"), Limits(single_stay=400))
    assert b.first_violation_date == d("2022-04-01")


def test_the_single_stay_limit_applies_before_the_start() -> None:
    a = assess([stay("2022-10-01", "2022-10-31")], d("2022-12-01"), Limits(30, rolling_from=START))
    assert [v.kind for v in a.violations] == ["single_stay"]


def test_the_start_at_its_limit_and_a_day_past_it() -> None:
    # 90 days from the start are allowed; one more is not.
    ninety = [stay("2023-01-27", "2023-04-26")]
    assert assess(ninety, d("2023-04-26"), FROM_START).violations == ()
    # The day before the start does not count toward the period (the single stay of 91 days
    # is too long, but that is the other rule).
    ninety_one = [stay("2023-01-26", "2023-04-26")]
    a = assess(ninety_one, d("2023-04-26"), FROM_START)
    assert not a.rolling_violation and a.days_in_window == 90
    assert [v.kind for v in a.violations] == ["single_stay"]
    over = [stay("2023-01-27", "2023-04-27")]
    assert assess(over, d("2023-04-27"), FROM_START).first_violation_date == d("2023-04-27")


def test_the_planner_and_the_chart_count_from_the_start() -> None:
    stays = [stay("2022-11-01", "2023-01-26")]  # 87 days, all before the start
    assert longest_stay(stays, d("2023-01-27"), FROM_START) == 90
    assert longest_stay(stays, d("2023-01-27"), EAEU) < 90
    assert earliest_entry(stays, 90, FROM_START, not_before=d("2023-01-27")) == d("2023-01-27")
    series = window_series(stays, d("2023-01-25"), d("2023-01-28"), FROM_START)
    assert [n for _, n in series] == [0, 0, 0, 0]


def test_a_trip_across_the_start_counts_its_days_from_the_start() -> None:
    limits = Limits(single_stay=400, rolling_from=START)
    # Entering on 1 January 2023: the days to 26 January are free, 90 more from the start.
    assert longest_stay([], d("2023-01-01"), limits) == 26 + 90
    assert earliest_entry(
        [], 120, Limits(400, max_days=120, rolling_from=START), not_before=d("2023-01-01")
    ) == d("2023-01-01")
