"""Short-stay rules for visa-free foreigners: the 30/90-day single stay and the 90/180 rule.

Plain Python, standard library only (no Django), so it can be tested and reused anywhere.

Counting (as in the Schengen rule of the same shape):

* the day of entry and the day of exit are both days of presence;
* the period checked on day ``d`` is the ``window`` days ending on ``d``, ``d`` included
  (``d - window + 1 .. d``);
* the 90/180 rule is broken on a day of presence on which the days of presence in its
  period exceed ``max_days`` (nobody breaks a stay rule while abroad, so a day spent
  outside the country, or under a residence permit, is never a day of violation);
* a day shared by two records (same-day exit and re-entry) counts once, and each record is
  its own single stay;
* days covered by a residence permit (``exempt``) are not days of presence, and the
  single-stay limit applies to each part of a record outside the permit periods (a part
  starting the day after a permit ends counts from that day);
* only days up to the date checked count; an ongoing stay (``exit=None``) runs to it;
* the 90/180 rule applies from its start (``Limits.rolling_from``, the rules of 27 January
  2023: before them there was no such limit): days of presence before that day count toward
  no period and are never days of violation; the single-stay limit is not affected.

Records that :func:`validate` would reject are still handled without error: overlapping
records are joined for the 90/180 count (a day counts once), each record is its own single
stay, and records whose exit precedes their entry are skipped.

Every computation merges presence into disjoint day intervals and answers window counts
with prefix sums and ``bisect``, so it costs ``O(n log n)`` in the number of stays and
permits, never ``O(days spanned x stays)``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "EAEU",
    "VISA_FREE",
    "Assessment",
    "Limits",
    "Period",
    "RecordProblem",
    "Stay",
    "Violation",
    "assess",
    "days_in_window",
    "earliest_entry",
    "longest_stay",
    "validate",
    "window_series",
]

ViolationKind = Literal["single_stay", "rolling_90_180"]
ProblemCode = Literal[
    "exit_before_entry", "overlap", "duplicate", "second_ongoing", "in_future", "too_early"
]

FIRST_RECORD_DATE = date(1991, 12, 16)  # independence of Kazakhstan: no earlier crossing
_MAX_ORD = date.max.toordinal()
_Interval = tuple[int, int]  # inclusive day ordinals


@dataclass(frozen=True)
class Stay:
    """One entry-to-exit record; ``exit=None`` means the person is still in the country."""

    entry: date
    exit: date | None = None


@dataclass(frozen=True)
class Limits:
    """Longest single stay, and at most ``max_days`` days in any ``window``-day period.

    ``rolling_from`` is the first day the period limit applies (None: always); presence before
    it counts toward no period.
    """

    single_stay: int
    window: int = 180
    max_days: int = 90
    rolling_from: date | None = None

    def __post_init__(self) -> None:
        if self.single_stay < 1 or self.window < 1 or self.max_days < 1:
            raise ValueError("limits must be positive")


VISA_FREE = Limits(single_stay=30)
EAEU = Limits(single_stay=90)


@dataclass(frozen=True)
class Period:
    """Days covered by a valid residence permit, both ends included.

    A period whose end precedes its start covers nothing.
    """

    start: date
    end: date


@dataclass(frozen=True)
class Violation:
    """One run of consecutive days on which a rule was broken."""

    kind: ViolationKind
    first_day: date  # first day on which the rule is broken
    last_day: date  # last day of this run of broken days (never after the date checked)
    days_over: int  # days of presence in the run on which the rule was broken


@dataclass(frozen=True)
class RecordProblem:
    """An error in the record of crossings; ``code`` is stable, templates word it."""

    code: ProblemCode
    index: int  # index in the input list of the offending stay
    other: int | None = None  # the other stay involved (overlap/duplicate/second_ongoing)


@dataclass(frozen=True)
class Assessment:
    """The state of a person's short-stay allowance on the date ``on``."""

    on: date
    days_in_window: int
    days_remaining: int
    in_country: bool
    latest_exit_date: date | None
    violations: tuple[Violation, ...]
    rolling_violation: bool
    first_violation_date: date | None
    single_stay_violation: bool
    max_single_stay_days: int


# --------------------------------------------------------------------------- helpers


def _d(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def _merge(intervals: Iterable[_Interval]) -> list[_Interval]:
    """Sorted, disjoint, non-adjacent union of inclusive intervals (empty ones dropped)."""
    out: list[_Interval] = []
    for s, e in sorted(iv for iv in intervals if iv[0] <= iv[1]):
        if out and s <= out[-1][1] + 1:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class _Cover:
    """Merged permit periods, to cut them out of presence intervals."""

    __slots__ = ("starts", "ends")

    def __init__(self, periods: Sequence[Period]) -> None:
        merged = _merge((p.start.toordinal(), p.end.toordinal()) for p in periods)
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def pieces(self, a: int, b: int) -> list[_Interval]:
        """The parts of ``[a, b]`` outside every permit period, in order."""
        out: list[_Interval] = []
        i = bisect_left(self.ends, a)
        cur = a
        while i < len(self.starts) and self.starts[i] <= b:
            if self.starts[i] > cur:
                out.append((cur, self.starts[i] - 1))
            cur = self.ends[i] + 1
            i += 1
        if cur <= b:
            out.append((cur, b))
        return out

    def subtract(self, merged: list[_Interval]) -> list[_Interval]:
        """Disjoint sorted intervals minus permit periods (still disjoint and sorted)."""
        if not self.starts:
            return merged
        return [piece for a, b in merged for piece in self.pieces(a, b)]

    def last_end(self) -> int | None:
        return self.ends[-1] if self.ends else None


class _Timeline:
    """Days of presence as disjoint sorted intervals with prefix sums."""

    __slots__ = ("starts", "ends", "cum")

    def __init__(self, intervals: list[_Interval]) -> None:
        self.starts = [s for s, _ in intervals]
        self.ends = [e for _, e in intervals]
        self.cum = [0]
        for s, e in intervals:
            self.cum.append(self.cum[-1] + e - s + 1)

    def upto(self, x: int) -> int:
        """Days of presence on or before day ``x``."""
        i = bisect_right(self.starts, x) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(x, self.ends[i]) - self.starts[i] + 1

    def present(self, x: int) -> bool:
        i = bisect_right(self.starts, x) - 1
        return i >= 0 and x <= self.ends[i]

    def window(self, d: int, window: int) -> int:
        """Days of presence in ``[d - window + 1, d]``."""
        return self.upto(d) - self.upto(d - window)

    def series(self, lo: int, hi: int, window: int) -> list[int]:
        """``window(d)`` for every ``d`` in ``[lo, hi]``, in ``O(log n + days + window)``."""
        if lo > hi:
            return []
        base = lo - window + 1  # first day any of these windows can see
        marks = bytearray(hi - base + 1)
        i = bisect_left(self.ends, base)
        while i < len(self.starts) and self.starts[i] <= hi:
            s, e = max(self.starts[i], base), min(self.ends[i], hi)
            marks[s - base : e - base + 1] = b"\x01" * (e - s + 1)
            i += 1
        value = sum(marks[: lo - base + 1])
        out = [value]
        for d in range(lo + 1, hi + 1):
            value += marks[d - base] - marks[d - window - base]
            out.append(value)
        return out


def _clip(stays: Sequence[Stay], last: int) -> list[tuple[int, int, int]]:
    """``(index, first day, last day)`` of each record's days up to ``last``.

    An ongoing record runs to ``last``; records starting after ``last`` and records whose
    exit precedes their entry are left out.
    """
    out: list[tuple[int, int, int]] = []
    for i, stay in enumerate(stays):
        a = stay.entry.toordinal()
        b = last if stay.exit is None else min(stay.exit.toordinal(), last)
        if a <= b:
            out.append((i, a, b))
    return out


def _presence(intervals: Iterable[_Interval], cover: _Cover, limits: Limits) -> _Timeline:
    """The days of presence the period limit counts: outside permits, from its start on."""
    if limits.rolling_from is not None:
        since = limits.rolling_from.toordinal()
        intervals = ((max(a, since), b) for a, b in intervals)
    return _Timeline(cover.subtract(_merge(intervals)))


def _rolling_runs(tl: _Timeline, limits: Limits, lo: int, hi: int) -> list[_Interval]:
    """Maximal runs of days in ``[lo, hi]`` that are days of presence and over the limit.

    The window count ``f(d)`` changes slope only where ``d`` or ``d - window`` crosses an
    interval boundary, so it is evaluated at those breakpoints only. On a segment where the
    person is present its slope is 0 or +1, so the days over the limit are a tail of it.
    """
    w, m = limits.window, limits.max_days
    if lo > hi or tl.cum[-1] <= m:  # no window holds more days than there are in all
        return []
    points = {lo}
    for s, e in zip(tl.starts, tl.ends, strict=True):
        for p in (s, e + 1, s + w, e + 1 + w):
            if lo < p <= hi:
                points.add(p)
    bps = sorted(points)
    runs: list[_Interval] = []
    for k, b in enumerate(bps):
        if not tl.present(b):
            continue
        seg_end = bps[k + 1] - 1 if k + 1 < len(bps) else hi
        value = tl.window(b, w)
        if tl.present(b - w):  # slope 0: a day enters and a day leaves the window
            if value <= m:
                continue
            first = b
        else:  # slope +1
            first = b + max(0, m - value + 1)
            if first > seg_end:
                continue
        if runs and runs[-1][1] + 1 == first:
            runs[-1] = (runs[-1][0], seg_end)
        else:
            runs.append((first, seg_end))
    return runs


def _first_violation_on_trip(
    others: list[_Interval], start: int, cover: _Cover, limits: Limits
) -> int | None:
    """First day ``>= start`` on which either rule is broken, if the person enters (or is)
    in the country on ``start`` and stays on continuously; ``others`` is the rest of the
    presence. ``None`` when no rule is ever broken (permits cover up to ``date.max``).
    """
    last_end = cover.last_end()
    base = start if last_end is None else max(start, last_end + 1)
    # After the last permit, a single stay is broken within ``single_stay`` days at most.
    hi = min(_MAX_ORD, base + limits.single_stay)
    tl = _presence([*others, (start, hi)], cover, limits)
    runs = _rolling_runs(tl, limits, start, hi)
    first = runs[0][0] if runs else None
    for ps, pe in cover.pieces(start, hi):
        if pe - ps + 1 > limits.single_stay:
            cand = ps + limits.single_stay
            first = cand if first is None else min(first, cand)
            break
    return first


# --------------------------------------------------------------------------- public API


def validate(
    stays: Sequence[Stay],
    *,
    today: date | None = None,
    earliest: date = FIRST_RECORD_DATE,
) -> list[RecordProblem]:
    """Check a record of crossings and return its problems (empty list when it is sound).

    The stays may come in any order; ``index``/``other`` are positions in ``stays``.
    Problems come sorted by ``index``. A stay may have several problems.

    * ``exit_before_entry``: ``exit < entry``.
    * ``too_early``: entry or exit before ``earliest`` (``earliest`` itself is fine).
    * ``in_future``: when ``today`` is given, entry or exit after ``today`` (``today``
      itself is fine): a crossing already made cannot be in the future.
    * ``duplicate``: same entry and exit as an earlier stay in the list (``other``); a
      duplicate is not also reported as an overlap or a second ongoing stay.
    * ``second_ongoing``: another ongoing stay (``exit=None``) has an earlier entry
      (``other``, the earliest-entered ongoing stay); not also reported as an overlap.
    * ``overlap``: the stays cannot be put in time order with each entry on or after the
      previous exit. Two stays may share only a same-day exit/re-entry day: ``[a, b]`` and
      ``[b, c]`` are fine, and so is a same-day trip ``[b, b]`` between them (left on
      ``b``, came and went on ``b``, came back on ``b``); ``[a, c]`` and ``[b, b]`` with
      ``a < b < c`` overlap. An ongoing stay overlaps any stay entered after it. ``other``
      is the earlier-entered stay reaching furthest. Stays with ``exit < entry`` are left
      out of this check.

    Runs in ``O(n log n)``.
    """
    problems: list[RecordProblem] = []
    for i, stay in enumerate(stays):
        if stay.exit is not None and stay.exit < stay.entry:
            problems.append(RecordProblem("exit_before_entry", i, None))
        if stay.entry < earliest or (stay.exit is not None and stay.exit < earliest):
            problems.append(RecordProblem("too_early", i, None))
        if today is not None and (
            stay.entry > today or (stay.exit is not None and stay.exit > today)
        ):
            problems.append(RecordProblem("in_future", i, None))

    seen: dict[tuple[date, date | None], int] = {}
    skip: set[int] = set()
    for i, stay in enumerate(stays):
        key = (stay.entry, stay.exit)
        if key in seen:
            problems.append(RecordProblem("duplicate", i, seen[key]))
            skip.add(i)
        else:
            seen[key] = i
        if stay.exit is not None and stay.exit < stay.entry:
            skip.add(i)

    def span(i: int) -> tuple[int, int, int]:
        stay = stays[i]
        b = _MAX_ORD + 1 if stay.exit is None else stay.exit.toordinal()
        return (stay.entry.toordinal(), b, i)

    first_ongoing: int | None = None
    reach = 0
    reach_index: int | None = None
    for a, b, i in sorted(span(i) for i in range(len(stays)) if i not in skip):
        if stays[i].exit is None:
            if first_ongoing is not None:
                problems.append(RecordProblem("second_ongoing", i, first_ongoing))
                continue
            first_ongoing = i
        if reach_index is not None and a < reach:
            problems.append(RecordProblem("overlap", i, reach_index))
        if reach_index is None or b > reach:
            reach, reach_index = b, i

    order = {
        "exit_before_entry": 0,
        "too_early": 1,
        "in_future": 2,
        "duplicate": 3,
        "second_ongoing": 4,
        "overlap": 5,
    }
    problems.sort(key=lambda p: (p.index, order[p.code]))
    return problems


def days_in_window(
    stays: Sequence[Stay], on: date, limits: Limits, *, exempt: Sequence[Period] = ()
) -> int:
    """Days of presence in the ``limits.window`` days ending on ``on`` (``on`` included).

    Entry and exit days count, a shared same-day exit/re-entry day counts once, permit days
    do not count, days after ``on`` are ignored and an ongoing stay runs to ``on``.
    """
    d = on.toordinal()
    tl = _presence(((a, b) for _, a, b in _clip(stays, d)), _Cover(exempt), limits)
    return tl.window(d, limits.window)


def assess(
    stays: Sequence[Stay], on: date, limits: Limits, *, exempt: Sequence[Period] = ()
) -> Assessment:
    """Everything a person needs to be told on ``on`` (see :class:`Assessment`).

    Only days up to ``on`` count; stays entered after ``on`` are ignored.

    * ``days_remaining`` is the headroom ``max(0, max_days - days_in_window)``, not the
      longest trip possible (use :func:`longest_stay` for that).
    * ``in_country``: some stay covers ``on`` (ongoing, or exit on or after ``on``).
    * ``latest_exit_date``: only when an ongoing stay (``exit=None``) has begun by ``on``
      (the latest-entered one if the record wrongly has several): the last day the person
      may be present if they stay on continuously, i.e. the day before the first day of
      this stay on which either rule is broken. It is before ``on`` if a rule is already
      broken. It is never before the entry: a person who entered with no day left (a rule
      broken on the entry day itself) had to leave that same day, so the answer is the entry
      day (a day of violation, listed in ``violations``), never a date before they came.
      Permit periods,
      future ones too, are taken into account: while a permit covers the stay no rule
      applies, and the single stay restarts the day after the permit ends. ``None`` when
      there is no ongoing stay, or when permits cover it up to ``date.max`` (no end).
    * ``violations``: every run of broken days up to ``on``, sorted by ``first_day``.
      A single-stay violation starts on day ``single_stay + 1`` of a record (or of a part
      of it outside permits) and lasts to its end (or ``on``). A 90/180 violation is a run
      of consecutive days of presence with more than ``max_days`` days in their window;
      a day abroad or under a permit is never a day of violation, so leaving ends a run.
    * ``max_single_stay_days``: the longest record (both ends counted, an ongoing one to
      ``on``, days after ``on`` left out); with permits, the longest part of a record
      outside permit periods, the quantity the single-stay limit applies to.
    """
    d_on = on.toordinal()
    cover = _Cover(exempt)
    records = _clip(stays, d_on)
    tl = _presence(((a, b) for _, a, b in records), cover, limits)
    used = tl.window(d_on, limits.window)

    violations: list[Violation] = []
    longest = 0
    for _, a, b in records:
        for ps, pe in cover.pieces(a, b):
            length = pe - ps + 1
            longest = max(longest, length)
            if length > limits.single_stay:
                violations.append(
                    Violation(
                        "single_stay",
                        _d(ps + limits.single_stay),
                        _d(pe),
                        length - limits.single_stay,
                    )
                )
    single_broken = bool(violations)
    runs = _rolling_runs(tl, limits, tl.starts[0] if tl.starts else d_on, d_on)
    for first, last in runs:
        violations.append(Violation("rolling_90_180", _d(first), _d(last), last - first + 1))
    violations.sort(key=lambda v: (v.first_day, v.kind, v.last_day))

    in_country = any(stay.entry <= on and (stay.exit is None or stay.exit >= on) for stay in stays)

    latest: date | None = None
    ongoing = [(a, i) for i, a, _ in records if stays[i].exit is None]
    if ongoing:
        start, chosen = max(ongoing)
        others = [(a, b) for i, a, b in records if i != chosen]
        first_bad = _first_violation_on_trip(others, start, cover, limits)
        latest = None if first_bad is None else _d(max(first_bad - 1, start))

    return Assessment(
        on=on,
        days_in_window=used,
        days_remaining=max(0, limits.max_days - used),
        in_country=in_country,
        latest_exit_date=latest,
        violations=tuple(violations),
        rolling_violation=bool(runs),
        first_violation_date=_d(runs[0][0]) if runs else None,
        single_stay_violation=single_broken,
        max_single_stay_days=longest,
    )


def longest_stay(
    stays: Sequence[Stay], entry: date, limits: Limits, *, exempt: Sequence[Period] = ()
) -> int:
    """Longest trip, in days with ``entry`` included, that a person entering on ``entry``
    can make without breaking either rule on any day of the trip; 0 if even the entry day
    is not allowed.

    The trip is a new record (a new single stay). Recorded days after ``entry`` are
    ignored and an ongoing record is taken to end on ``entry`` (a same-day exit and
    re-entry, so that day counts once). Days of the trip covered by a permit are not days
    of presence; the single stay restarts the day after a permit ends. The answer is
    found by working forward (old days roll out of the window while the trip goes on), so
    it may exceed the headroom ``max_days - days used``. If permits cover the trip up to
    ``date.max``, the days up to ``date.max`` are returned.
    """
    t0 = entry.toordinal()
    others = [(a, b) for _, a, b in _clip(stays, t0)]
    first_bad = _first_violation_on_trip(others, t0, _Cover(exempt), limits)
    return (_MAX_ORD + 1 - t0) if first_bad is None else first_bad - t0


def earliest_entry(
    stays: Sequence[Stay],
    length: int,
    limits: Limits,
    *,
    not_before: date,
    exempt: Sequence[Period] = (),
) -> date | None:
    """Earliest date ``>= not_before`` on which a trip of ``length`` days (entry and exit
    included) could begin without breaking either rule on any of its days.

    ``None`` when ``length`` exceeds ``single_stay`` or ``max_days`` (such a trip is never
    allowed on the short-stay rules alone, even if a permit would cover part of it).
    Recorded days after ``not_before`` are ignored and an ongoing record is taken to end
    on ``not_before``: the person is assumed abroad from then until the trip. Permit days
    are not days of presence. Raises ``ValueError`` if ``length < 1``.

    An answer always exists within ``window`` days of ``not_before`` (by then the recorded
    days have left every window of the trip); each candidate is checked day by day in
    ``O(1)`` per day after one ``O(n log n)`` set-up.
    """
    if length < 1:
        raise ValueError("length must be at least 1")
    if length > limits.single_stay or length > limits.max_days:
        return None
    w, m = limits.window, limits.max_days
    nb = not_before.toordinal()
    cover = _Cover(exempt)
    past = _presence(((a, b) for _, a, b in _clip(stays, nb)), cover, limits)
    hi = min(_MAX_ORD, nb + w + length - 1)
    past_count = past.series(nb, hi, w)  # recorded presence in the window of each day
    free = bytearray(b"\x01") * (hi - nb + 1)  # 1: the period limit counts day nb + k
    i = bisect_left(cover.ends, nb)
    while i < len(cover.starts) and cover.starts[i] <= hi:
        s, e = max(cover.starts[i], nb), min(cover.ends[i], hi)
        free[s - nb : e - nb + 1] = bytes(e - s + 1)
        i += 1
    if limits.rolling_from is not None and limits.rolling_from.toordinal() > nb:
        # Before the period limit's start, trip days are neither counted nor checked by it.
        before = min(limits.rolling_from.toordinal(), hi + 1) - nb
        free[:before] = bytes(before)
    # prefix[k]: days among nb .. nb + k - 1 a trip would add (nb may already be recorded,
    # as a same-day exit and re-entry: it then counts once).
    prefix = [0]
    for k, is_free in enumerate(free):
        prefix.append(prefix[-1] + (1 if is_free and not (k == 0 and past.present(nb)) else 0))

    for t in range(nb, min(_MAX_ORD - length + 1, nb + w) + 1):
        for d in range(t, t + length):
            k = d - nb
            if not free[k]:
                continue  # under a permit, or before the period limit's start
            if past_count[k] + prefix[k + 1] - prefix[max(t, d - w + 1) - nb] > m:
                break
        else:
            return _d(t)
    return None  # only reachable next to date.max


def window_series(
    stays: Sequence[Stay],
    start: date,
    end: date,
    limits: Limits,
    *,
    exempt: Sequence[Period] = (),
) -> list[tuple[date, int]]:
    """``(day, days of presence in that day's window)`` for every day from ``start`` to
    ``end`` inclusive (empty if ``start > end``), e.g. for a chart of the last 365 days.

    Each value equals ``days_in_window(stays, day, limits, exempt=exempt)``; an ongoing
    stay runs to the day in question. Costs ``O(n log n + days + window)``.
    """
    lo, hi = start.toordinal(), end.toordinal()
    if lo > hi:
        return []
    tl = _presence(((a, b) for _, a, b in _clip(stays, hi)), _Cover(exempt), limits)
    values = tl.series(lo, hi, limits.window)
    return [(_d(lo + k), v) for k, v in enumerate(values)]
