"""``services.current_assessment``: the status of today, from the recent stays only when that
is provably the same as judging the whole record (property test against ``rules.assess``)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from stays import rules, services

BASE = date(2015, 1, 1)


@st.composite
def long_records(draw: st.DrawFn) -> list[rules.Stay]:
    """Up to 30 sound stays over years, with runs of same-day re-entries (present for long)."""
    stays: list[rules.Stay] = []
    day = BASE + timedelta(days=draw(st.integers(min_value=0, max_value=30)))
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        length = draw(st.integers(min_value=2, max_value=120))
        exit_day = day + timedelta(days=length - 1)
        stays.append(rules.Stay(day, exit_day))
        day = exit_day + timedelta(days=draw(st.sampled_from([0, 0, 0, 1, 3, 20, 90, 200, 400])))
    if stays and draw(st.booleans()):
        stays[-1] = rules.Stay(stays[-1].entry, None)
    return stays


@st.composite
def permit_periods(draw: st.DrawFn) -> list[rules.Period]:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        start = BASE + timedelta(days=draw(st.integers(min_value=0, max_value=3000)))
        out.append(rules.Period(start, start + timedelta(days=draw(st.integers(1, 400)))))
    return out


limits = st.one_of(
    st.sampled_from([rules.VISA_FREE, rules.EAEU]),
    st.builds(
        lambda single, window, most: rules.Limits(single, window, min(most, window)),
        st.integers(1, 60),
        st.integers(5, 120),
        st.integers(1, 90),
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    long_records(),
    st.integers(min_value=0, max_value=4000).map(lambda k: BASE + timedelta(days=k)),
    limits,
    permit_periods(),
)
def test_it_is_the_full_assessment_restricted_to_the_current_period(stays, on, lim, exempt):
    full = rules.assess(stays, on, lim, exempt=exempt)
    current = services.current_assessment(stays, on, lim, exempt=exempt)
    start = on - timedelta(days=lim.window - 1)
    expected = tuple(v for v in full.violations if v.last_day >= start)
    assert current.violations == expected
    assert current.days_in_window == full.days_in_window
    assert current.days_remaining == full.days_remaining
    assert current.in_country == full.in_country
    assert current.latest_exit_date == full.latest_exit_date
    rolling = [v for v in expected if v.kind == "rolling_90_180"]
    assert current.rolling_violation == bool(rolling)
    assert current.first_violation_date == (rolling[0].first_day if rolling else None)


def test_it_judges_the_whole_record_of_someone_present_throughout():
    # Same-day re-entries for a year: one long run of presence, broken long ago and still now.
    day, stays = date(2024, 1, 1), []
    for _ in range(25):
        stays.append(rules.Stay(day, day + timedelta(days=19)))
        day += timedelta(days=19)
    on = day - timedelta(days=1)
    current = services.current_assessment(stays, on, rules.EAEU)
    full = rules.assess(stays, on, rules.EAEU)
    rolling = [v for v in full.violations if v.kind == "rolling_90_180"]
    assert current.first_violation_date == rolling[0].first_day == date(2024, 3, 31)


def test_it_leaves_old_violations_out():
    stays = [rules.Stay(date(2023, 1, 1), date(2023, 3, 1)), rules.Stay(date(2025, 5, 1), None)]
    current = services.current_assessment(stays, date(2025, 5, 10), rules.VISA_FREE)
    assert current.violations == () and not current.single_stay_violation
    assert current.days_in_window == 10 and current.latest_exit_date == date(2025, 5, 30)


@st.composite
def travellers(draw: st.DrawFn) -> list[tuple[date, date | None]]:
    """Histories like the daily scan's: short trips with gaps, some overlapping or too long,
    sometimes one under way, in any order."""
    pairs: list[tuple[date, date | None]] = []
    day = BASE + timedelta(days=draw(st.integers(min_value=0, max_value=60)))
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        length = draw(st.sampled_from([1, 3, 10, 21, 30, 31, 45, 95]))
        pairs.append((day, day + timedelta(days=length - 1)))
        day += timedelta(days=length + draw(st.sampled_from([-3, 0, 1, 20, 60, 150])))
    if pairs and draw(st.booleans()):
        pairs[-1] = (pairs[-1][0], None)
    return draw(st.permutations(pairs))


@settings(max_examples=600, deadline=None)
@given(
    travellers(),
    st.integers(min_value=0, max_value=3000).map(lambda k: BASE + timedelta(days=k)),
    limits,
)
def test_the_quiet_path_gives_the_engines_answer(pairs, on, lim):
    # ``current_assessment_of`` answers most people without the rules engine: the answer is
    # the engine's, field by field.
    assert services.current_assessment_of(pairs, on, lim) == services._engine_assessment(
        pairs, on, lim
    )
