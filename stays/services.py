"""Reads and writes for stays: rows become ``rules`` values here, and results come back.

The limits come from the database (``CountryRule``, kept by staff) and permit periods from
``permits.Permit``; ``rules.py`` only ever sees plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, QuerySet

from arrivals.services import registrations_sync
from permits.models import Permit
from permits.validity import last_valid_day
from portal.accounts.models import User
from portal.core import clock
from portal.core.clock import today
from portal.organisations import webhooks

from . import problems, rules
from .models import (
    ROLLING_RULE_START,
    CalendarFeed,
    CountryRule,
    Crossing,
    Regime,
    StayStatus,
    new_token,
)

CHART_DAYS = 365


# --- Regimes and permits -------------------------------------------------------------------------


# The regime of a citizenship for which the ministry has set no country rule yet.
NO_RULE = "no_rule"


@dataclass(frozen=True)
class PersonRegime:
    """Which short-stay rules bind a person: ``limits`` is None when none apply or none is known.

    ``regime`` is a ``Regime`` value (the ministry's rule for the citizenship), ``NO_RULE`` when
    the citizenship has no rule yet, or "" when the citizenship is not known.
    """

    regime: str
    limits: rules.Limits | None


def regime_for_country(code: str, rule: CountryRule | None) -> PersonRegime:
    if not code:
        return PersonRegime("", None)
    if rule is None:
        return PersonRegime(NO_RULE, None)
    return PersonRegime(rule.regime, rule.limits())


def person_regime(person: User) -> PersonRegime:
    """The regime of the person's citizenship (one query)."""
    code = str(person.citizenship or "")
    rule = CountryRule.objects.filter(country=code).first() if code else None
    return regime_for_country(code, rule)


def regime_limits(regime: str) -> rules.Limits:
    """The limits that staff recorded for ``regime`` ("visa_free" or "eaeu").

    The limits shared by most country rules of that regime; the engine's defaults when no
    country has the regime yet.
    """
    row = (
        CountryRule.objects.filter(regime=regime)
        .values("single_stay_days", "window_days", "max_days", "rolling_from")
        .annotate(n=Count("pk"))
        .order_by("-n", "single_stay_days", "rolling_from")
        .first()
    )
    if row is None:
        limits = rules.EAEU if regime == Regime.EAEU else rules.VISA_FREE
        return replace(limits, rolling_from=ROLLING_RULE_START)
    return rules.Limits(
        single_stay=row["single_stay_days"],
        window=row["window_days"],
        max_days=row["max_days"],
        rolling_from=row["rolling_from"],
    )


def permit_periods(person_id: int) -> list[rules.Period]:
    """The periods the person's residence permits cover (one query); a revoked permit covers
    the days before its revocation only."""
    return [
        rules.Period(start, last_valid_day(end, revoked_on))
        for start, end, revoked_on in Permit.objects.filter(application__applicant_id=person_id)
        .order_by("issue_date")
        .values_list("issue_date", "valid_until", "revoked_on")
    ]


def current_assessment(
    stays: Sequence[rules.Stay],
    on: date,
    limits: rules.Limits,
    *,
    exempt: Sequence[rules.Period] = (),
) -> rules.Assessment:
    """The person's status on ``on``: ``rules.assess`` limited to the current period.

    See ``current_assessment_of``, which takes ``(entry, exit)`` pairs.
    """
    return current_assessment_of([(s.entry, s.exit) for s in stays], on, limits, exempt=exempt)


def current_assessment_of(
    pairs: Sequence[tuple[date, date | None]],
    on: date,
    limits: rules.Limits,
    *,
    exempt: Sequence[rules.Period] = (),
) -> rules.Assessment:
    """The status on ``on`` of the stays ``pairs`` (``(entry, exit)``, exit None while in the
    country): ``rules.assess`` limited to the current period.

    Days used, days left, in the country and the latest exit date are those of
    ``rules.assess``; ``violations`` (and the flags and first date derived from them) keep only
    the violations whose last day falls in the period ending on ``on``: the status of today,
    not the whole past, which the person's page shows. ``max_single_stay_days`` is over the
    stays considered.

    Only the stays of the last three periods are assessed when that provably gives the same
    answer, which makes the daily scan several times cheaper for long histories. Why it is
    exact: a window reaches ``window - 1`` days back, so every day from ``exact_from`` on is
    judged the same with or without the older stays. A run of violation days is a run of days
    of presence: if the person was away (or under a permit) on some day between
    ``exact_from`` and the start of the current period, no violation that is still current
    began earlier. The latest exit date judges the days of the trip under way, which must
    then have begun after ``exact_from``. Otherwise the whole record is assessed.
    """
    quiet = _quiet_assessment(pairs, on, limits, exempt)
    if quiet is not None:
        return quiet
    return _engine_assessment(pairs, on, limits, exempt=exempt)


def _engine_assessment(
    pairs: Sequence[tuple[date, date | None]],
    on: date,
    limits: rules.Limits,
    *,
    exempt: Sequence[rules.Period] = (),
) -> rules.Assessment:
    """``current_assessment_of`` through the rules engine, whatever the case."""
    w = limits.window
    period_start = on - timedelta(days=w - 1)
    cutoff = period_start - timedelta(days=2 * w)
    exact_from = cutoff + timedelta(days=w - 1)  # the first day whose window starts at cutoff
    stay = rules.Stay
    # Stays are made only for the recent pairs: the scan reads millions of rows.
    considered = [stay(entry, exit) for entry, exit in pairs if (exit or on) >= cutoff]
    if len(considered) < len(pairs):
        # Days of presence among the w + 1 days from exact_from to the current period.
        before = period_start - timedelta(days=1)
        # Presence on every one of those days needs a stay that covers the last of them.
        present_throughout = any(
            s.entry <= before and (s.exit is None or s.exit >= before) for s in considered
        )
        if present_throughout:
            span = rules.Limits(single_stay=1, window=w + 1, max_days=1)
            present_throughout = rules.days_in_window(considered, before, span, exempt=exempt) > w
        old_trip = any(s.exit is None and s.entry < exact_from for s in considered)
        if present_throughout or old_trip:
            considered = [stay(entry, exit) for entry, exit in pairs]
    a = rules.assess(considered, on, limits, exempt=exempt)
    current = tuple(v for v in a.violations if v.last_day >= period_start)
    rolling = [v for v in current if v.kind == "rolling_90_180"]
    return replace(
        a,
        violations=current,
        rolling_violation=bool(rolling),
        first_violation_date=rolling[0].first_day if rolling else None,
        single_stay_violation=any(v.kind == "single_stay" for v in current),
    )


def _quiet_assessment(
    pairs: Sequence[tuple[date, date | None]],
    on: date,
    limits: rules.Limits,
    exempt: Sequence[rules.Period],
) -> rules.Assessment | None:
    """``current_assessment_of`` for the common case with nothing current to find, in one pass
    over the stays; None when the rules engine is needed.

    The case: no permit, no stay under way, and no violation that can be current. A rolling
    violation is current when one of its days ``d`` is in the period ending on ``on``: then
    ``d``'s window, which lies within the ``2 * window - 1`` days ending on ``on``, holds more
    than ``max_days`` days of presence; if those days hold no more than ``max_days``, there
    is none. A single-stay violation lasts to the end of its record, so it is current when a
    record longer than ``single_stay`` ends in the period. Neither being possible, the
    answer is: the days used in the window, no violations, no must-leave-by date, and the
    longest record among the stays ``current_assessment_of`` considers (those ending after
    its cutoff; it would consider them all only for a trip under way or for presence on
    every day before the period, which puts more than ``max_days`` days in the range).

    The daily scan calls this for every person: the bounds are worked out once per day and
    limits (``_quiet_bounds``), and equal answers are one shared (immutable) value.
    """
    if exempt:
        return None
    bounds = _quiet_bounds(on, limits)
    if bounds is None:
        return None
    d_on, period_start, seen_from, cutoff = bounds
    single = limits.single_stay
    in_country = False
    longest = 0
    spans: list[tuple[int, int]] = []
    for entry, exit in pairs:
        if exit is None:
            return None
        if exit < cutoff:
            continue  # most of a long history: compared as dates, not turned into numbers
        b = exit.toordinal()
        a = entry.toordinal()
        if a > b:
            return None
        if b >= d_on:
            if a <= d_on:
                in_country = True
            b = d_on
            if a > b:
                continue  # entered after ``on``
        length = b - a + 1
        if length > longest:
            longest = length
        if length > single and b >= period_start:
            return None
        if b >= seen_from:
            spans.append((a if a > seen_from else seen_from, b))
    used = 0
    if spans:
        m = limits.max_days
        if len(spans) > 1:
            spans.sort()
        seen = 0
        start, end = spans[0]
        for a, b in spans[1:]:
            if a <= end + 1:
                if b > end:
                    end = b
                continue
            seen += end - start + 1
            if end >= period_start:
                used += end - (start if start > period_start else period_start) + 1
            start, end = a, b
        seen += end - start + 1
        if end >= period_start:
            used += end - (start if start > period_start else period_start) + 1
        if seen > m:
            return None
    return _quiet_answer(on, limits.max_days, used, in_country, longest)


def _quiet_bounds(on: date, limits: rules.Limits) -> tuple[int, int, int, date] | None:
    """``on``, the first day of its period and the first day a window ending in the period
    reaches (from the period limit's start), as day numbers, and the cutoff of
    ``current_assessment_of`` as a date; None when the quiet path cannot answer (a window
    that fits ``max_days`` days of presence in one day fewer than its length).

    Kept per day and ``Limits`` object (the scan passes a few objects to 100,000 calls: looked
    up by identity, as hashing the dataclass would cost more than the rest of the call)."""
    key = (on, id(limits))
    known = _QUIET_BOUNDS.get(key)
    if known is not None and known[0] is limits:  # the entry holds it: its id is not reused
        return known[1]
    w, m = limits.window, limits.max_days
    bounds = None
    if w - 1 > m:
        d_on = on.toordinal()
        seen_from = d_on - 2 * w + 2
        if limits.rolling_from is not None:
            # Presence before the period limit's start counts toward no period.
            seen_from = max(seen_from, limits.rolling_from.toordinal())
        cutoff = on - timedelta(days=3 * w - 1)  # = period start - 2 * window, as a date
        bounds = d_on, d_on - w + 1, seen_from, cutoff
    if len(_QUIET_BOUNDS) >= 256:
        _QUIET_BOUNDS.clear()
    _QUIET_BOUNDS[key] = (limits, bounds)
    return bounds


_QUIET_BOUNDS: dict[tuple[date, int], tuple[rules.Limits, tuple[int, int, int, date] | None]] = {}


@lru_cache(maxsize=4096)
def _quiet_answer(
    on: date, max_days: int, used: int, in_country: bool, longest: int
) -> rules.Assessment:
    return rules.Assessment(
        on=on,
        days_in_window=used,
        days_remaining=max(0, max_days - used),
        in_country=in_country,
        latest_exit_date=None,
        violations=(),
        rolling_violation=False,
        first_violation_date=None,
        single_stay_violation=False,
        max_single_stay_days=longest,
    )


def covered_on(periods: Iterable[rules.Period], on: date) -> rules.Period | None:
    """The permit period covering ``on``, if any."""
    return next((p for p in periods if p.start <= on <= p.end), None)


# --- One person's overview -----------------------------------------------------------------------


@dataclass
class Overview:
    """Everything the traveller's pages show about one person on ``on``."""

    person: User
    on: date
    regime: PersonRegime
    crossings: list[Crossing]
    exempt: list[rules.Period]
    assessment: rules.Assessment | None
    record_problems: list[rules.RecordProblem] = field(default_factory=list)

    @property
    def stays(self) -> list[rules.Stay]:
        return [c.as_stay() for c in self.crossings]

    @property
    def permit_now(self) -> rules.Period | None:
        return covered_on(self.exempt, self.on)

    @property
    def limits(self) -> rules.Limits | None:
        return self.regime.limits

    @property
    def ongoing(self) -> Crossing | None:
        return next((c for c in self.crossings if c.exit is None), None)

    def days_to_leave(self) -> int | None:
        a = self.assessment
        if a is None or a.latest_exit_date is None:
            return None
        return (a.latest_exit_date - self.on).days


def person_overview(person: User, *, on: date | None = None) -> Overview:
    """The person's crossings assessed on ``on`` (today): a fixed number of queries."""
    on = on or today()
    regime = person_regime(person)
    # The pages show no row's timestamps: two date-times fewer to read and convert per row.
    crossings = list(
        Crossing.objects.filter(person=person)
        .order_by("-entry", "-pk")
        .only("person", "entry", "exit", "note")
    )
    exempt = permit_periods(person.pk)
    stays = [c.as_stay() for c in crossings]
    assessment = None
    if regime.limits is not None:
        assessment = rules.assess(stays, on, regime.limits, exempt=exempt)
    return Overview(
        person=person,
        on=on,
        regime=regime,
        crossings=crossings,
        exempt=exempt,
        assessment=assessment,
        record_problems=rules.validate(stays),
    )


# --- Writes --------------------------------------------------------------------------------------


class HistoryError(Exception):
    """The change would make the record of crossings wrong; ``errors`` are (field, message)."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def _lock_person(person: User) -> None:
    # Serialises every change to one person's record, so two requests cannot each add half of
    # an overlap.
    User.objects.select_for_update().filter(pk=person.pk).first()


def _check_candidate(others: Sequence[Crossing], candidate: rules.Stay, *, on: date) -> None:
    stays = [c.as_stay() for c in others] + [candidate]
    subject = len(stays) - 1
    errors: list[tuple[str | None, str]] = []
    for problem in rules.validate(stays, today=on):
        if subject in (problem.index, problem.other):
            described = problems.describe(problem, stays, subject=subject, today=on)
            if described not in errors:
                errors.append(described)
    if errors:
        raise HistoryError(errors)


def crossing_create(
    *, person: User, entry: date, exit: date | None, note: str = "", on: date | None = None
) -> Crossing:
    """Record a stay after checking it against the person's whole history.

    Raises ``HistoryError`` (nothing saved) for a stay that is wrong in itself or with the
    others: exit before entry, overlap, duplicate, second ongoing stay, future or pre-1991 date.
    """
    on = on or today()
    with transaction.atomic():
        _lock_person(person)
        others = list(Crossing.objects.filter(person=person))
        _check_candidate(others, rules.Stay(entry, exit), on=on)
        crossing = Crossing.objects.create(person=person, entry=entry, exit=exit, note=note)
        record_changed(person=person, on=on)
    return crossing


def crossing_update(
    *, crossing: Crossing, entry: date, exit: date | None, note: str = "", on: date | None = None
) -> Crossing:
    """Change a recorded stay; the same checks as ``crossing_create``."""
    on = on or today()
    with transaction.atomic():
        _lock_person(crossing.person)
        others = list(Crossing.objects.filter(person_id=crossing.person_id).exclude(pk=crossing.pk))
        _check_candidate(others, rules.Stay(entry, exit), on=on)
        crossing.entry, crossing.exit, crossing.note = entry, exit, note
        crossing.save(update_fields=["entry", "exit", "note", "updated_at"])
        record_changed(person=crossing.person, on=on)
    return crossing


def crossing_delete(*, crossing: Crossing, on: date | None = None) -> None:
    """Remove a recorded stay."""
    with transaction.atomic():
        _lock_person(crossing.person)
        person = crossing.person
        crossing.delete()
        record_changed(person=person, on=on or today())


def crossings_delete(*, crossings: QuerySet[Crossing], on: date | None = None) -> int:
    """Remove many recorded stays at once (the admin's "delete selected"); returns how many.

    Each person concerned has their stored status renewed, as ``crossing_delete`` does.
    """
    on = on or today()
    with transaction.atomic():
        people = _lock_people(crossings.values_list("person_id", flat=True))
        # By primary key: the admin's queryset may be one that cannot delete (distinct).
        deleted, _ = Crossing.objects.filter(pk__in=crossings.values("pk")).delete()
        for person in people:
            record_changed(person=person, on=on)
    return deleted


def statuses_refresh(*, person_ids: Iterable[int], on: date | None = None) -> None:
    """Renew the stored status of these people, after a write outside ``crossing_*`` (the
    admin's save)."""
    on = on or today()
    with transaction.atomic():
        for person in _lock_people(person_ids):
            record_changed(person=person, on=on)


def _lock_people(person_ids: Iterable[int]) -> list[User]:
    # In a fixed order, so that two writers cannot wait on each other.
    return list(User.objects.select_for_update().filter(pk__in=set(person_ids)).order_by("pk"))


# --- Stored statuses -----------------------------------------------------------------------------

STATUS_FIELDS = [  # what an upsert replaces
    "on",
    "regime",
    "max_days",
    "days_in_window",
    "days_remaining",
    "in_country",
    "latest_exit_date",
    "violation_count",
    "first_violation_date",
    "updated_at",
]


def status_row(
    person_id: int, regime: str, limits: rules.Limits, a: rules.Assessment, now: Any
) -> tuple[Any, ...]:
    """The values of one ``StayStatus`` row, in ``STATUS_COLUMNS`` order."""
    first = a.violations[0].first_day if a.violations else None
    return (
        person_id,
        a.on,
        regime,
        limits.max_days,
        a.days_in_window,
        a.days_remaining,
        a.in_country,
        a.latest_exit_date,
        len(a.violations),
        first,
        now,
    )


STATUS_COLUMNS = ["person_id", *STATUS_FIELDS]
# What a new status is compared on with the stored one: a daily scan writes only the statuses
# whose values changed, not every row with a new date. ``on`` says since when the status holds;
# it is compared too while there is a must-leave-by date (``StayStatus.days_to_leave``).
STATUS_COMPARED = STATUS_FIELDS[1:-1]


def status_unchanged(row: tuple[Any, ...], stored: tuple[Any, ...]) -> bool:
    """Whether ``row`` (of ``status_row``) says what ``stored`` says: ``stored`` holds the
    person id, the ``STATUS_COMPARED`` values and ``on``, in that order."""
    return row[2:-1] == stored[1:-1] and (row[7] is None or row[1] == stored[-1])


def status_upsert(rows: list[tuple[Any, ...]], *, copy: bool = False) -> None:
    """Insert or update many statuses in one statement.

    On PostgreSQL, one ``INSERT ... SELECT FROM unnest(...) ON CONFLICT`` with a column array
    per field: building model instances for 100,000 rows a day would cost more than the
    statement itself. With ``copy`` (the daily scan's batches of thousands), the rows are sent
    with ``COPY`` into a temporary table first, which costs this process a third of the
    arrays' encoding; not for one person's refresh, where the table would cost more than it
    saves. Elsewhere, ``bulk_create(update_conflicts=True)``.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        _status_bulk_create([StayStatus(**dict(zip(STATUS_COLUMNS, r, strict=True))) for r in rows])
        return
    q = connection.ops.quote_name
    table = q(StayStatus._meta.db_table)
    columns = ", ".join(q(c) for c in STATUS_COLUMNS)
    updates = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in STATUS_FIELDS)
    conflict = f"ON CONFLICT ({q('person_id')}) DO UPDATE SET {updates}"
    if copy:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_STATUS_BATCH}")
            cursor.execute(f"CREATE TEMPORARY TABLE {_STATUS_BATCH} (LIKE {table}) ON COMMIT DROP")
            with cursor.cursor.copy(f"COPY {_STATUS_BATCH} ({columns}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_STATUS_BATCH} {conflict}"
            )
        return
    fields = [StayStatus._meta.get_field(c.removesuffix("_id")) for c in STATUS_COLUMNS]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) {conflict}",
            [list(column) for column in zip(*rows, strict=True)],
        )


_STATUS_BATCH = "stays_status_batch"  # the temporary table of ``status_upsert(copy=True)``


def _status_bulk_create(statuses: list[StayStatus]) -> None:
    StayStatus.objects.bulk_create(
        statuses, update_conflicts=True, unique_fields=["person"], update_fields=STATUS_FIELDS
    )


def record_changed(*, person: User, on: date | None = None) -> None:
    """What follows any change to a person's crossings, whoever made it and however (the form,
    a CSV import, the admin): the stored status is renewed and the sponsoring organisation's
    arrival registrations follow the recorded entries (``arrivals.services``). Every writer
    calls this, inside its transaction."""
    status_refresh(person=person, on=on)
    exempt = permit_periods(person.pk)
    registrations_sync(
        person=person,
        entries=list(Crossing.objects.filter(person=person).values_list("pk", "entry")),
        covered=lambda day: covered_on(exempt, day) is not None,
    )


def status_refresh(*, person: User, on: date | None = None) -> StayStatus | None:
    """Store the person's status now (after a change), as the daily scan would.

    People the scan leaves out (no limits apply, a permit covers today, no crossings) have
    no status.
    """
    overview = person_overview(person, on=on)
    limits = overview.limits
    status = None
    if limits is None or overview.permit_now is not None or not overview.crossings:
        StayStatus.objects.filter(person=person).delete()
    else:
        a = current_assessment(overview.stays, overview.on, limits, exempt=overview.exempt)
        row = status_row(person.pk, overview.regime.regime, limits, a, clock.real_now())
        stored = None
        if webhooks.listeners([person.pk]):
            stored = (
                StayStatus.objects.filter(person=person)
                .values_list("person_id", *STATUS_COMPARED, "on")
                .first()
            )
            if stored is None or not status_unchanged(row, stored):
                webhooks.announce(status_events([row]))
        status_upsert([row])
        status = StayStatus(**dict(zip(STATUS_COLUMNS, row, strict=True)))
    return status


def status_events(rows: Iterable[tuple[Any, ...]]) -> list[webhooks.Event]:
    """The webhook events of new or changed statuses (rows of ``status_row``)."""
    events = []
    for person_id, on, _regime, max_days, used, left, inside, leave_by, violations, *_ in rows:
        must_leave_by = leave_by if inside else None
        events.append(
            webhooks.Event(
                person_id,
                webhooks.STAY_STATUS,
                f"stay:{person_id}:{on}:{used}:{left}:{inside}:{must_leave_by}:{violations}",
                {
                    "on": on,
                    "days_used": used,
                    "days_left": left,
                    "max_days": max_days,
                    "in_country": inside,
                    "must_leave_by": must_leave_by,
                    "violations": violations,
                },
            )
        )
    return events


def statuses_for(person_ids: Iterable[int]) -> dict[int, StayStatus]:
    """The stored statuses of these people, by person id (one query); absent: no status."""
    return StayStatus.objects.in_bulk(list(person_ids))


# --- Planner -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LongestStay:
    entry: date
    days: int
    last_day: date | None  # None: no short-stay limit ends the trip (a permit covers it)


def plan_longest_stay(overview: Overview, entry: date) -> LongestStay:
    """The longest trip for someone entering on ``entry``."""
    assert overview.limits is not None
    days = rules.longest_stay(overview.stays, entry, overview.limits, exempt=overview.exempt)
    if days > (date.max - entry).days:  # permits cover the trip to the end of the calendar
        return LongestStay(entry, days, None)
    return LongestStay(entry, days, entry + timedelta(days=days - 1) if days else None)


def plan_earliest_entry(overview: Overview, length: int) -> date | None:
    """The first day from today on which a trip of ``length`` days could begin."""
    assert overview.limits is not None
    return rules.earliest_entry(
        overview.stays, length, overview.limits, not_before=overview.on, exempt=overview.exempt
    )


# --- Chart ---------------------------------------------------------------------------------------


def window_series(overview: Overview, *, days: int = CHART_DAYS) -> list[tuple[date, int]]:
    """Days used in the rolling period, for each of the last ``days`` days."""
    assert overview.limits is not None
    start = overview.on - timedelta(days=days - 1)
    return rules.window_series(
        overview.stays, start, overview.on, overview.limits, exempt=overview.exempt
    )


# --- Calendar feed -------------------------------------------------------------------------------


def calendar_feed(*, person: User) -> CalendarFeed:
    """The person's calendar feed, made on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(person=person)
    return feed


def calendar_feed_regenerate(*, person: User) -> CalendarFeed:
    """A new private address: the old one stops working."""

    feed, created = CalendarFeed.objects.get_or_create(person=person)
    if not created:
        feed.token = new_token()
        feed.save(update_fields=["token", "created_at"])
    return feed
