"""What an employer sees of the people it sponsors: one projection of its staff, ``staff_rows``,
that the dashboard, the CSV export, the monthly report (page and PDF) and the API all read.

The rows are plain values read in one query whatever the number of people: the active
sponsorships joined to the person, their stored stay status, their newest application and
their newest application with a permit (flags kept by ``permits.services``, so each join finds
one row by an index instead of looking for the newest among many). Filtering, sorting,
counting and the needs-attention rules then work on those rows in Python, each rule written
once here (``Attention``); an organisation sponsors at most a few thousand people, a few
milliseconds of plain values. The dashboard's read is a fixed statement (``_FACTS_STATEMENT``)
and each row is made from its values in one assignment (``StaffRow.of_values``): at a thousand
people the ORM's query building and the dataclass's keyword ``__init__`` were a third of the
page.

Never documents: only the facts of ``StaffRow``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db.models import (
    FilteredRelation,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from permits.models import Application, Permit, permit_rules
from permits.states import Status
from portal.core.countries import country_name
from portal.core.statements import Alias, Statement
from portal.organisations.models import Employer, Sponsorship
from stays.models import StayStatus

ATTENTION_PERMIT_DAYS = 90
ATTENTION_LEAVE_DAYS = 14
# The languages a profession's title is kept in (modeltranslation's columns).
TITLE_LANGUAGES = list(AVAILABLE_LANGUAGES)

ATTENTION = {
    "permit_expiring": _("Permits that expire within 90 days"),
    "passport_before_permit": _("Passports that expire before or soon after the permit"),
    "must_leave": _("Must leave within 14 days"),
    "violations": _("Stay violations"),
}


@dataclass(slots=True)
class StaffRow:
    """One sponsored person as the employer sees them today."""

    sponsorship_id: int
    person_id: int
    name: str
    email: str
    citizenship: str  # ISO code ("" when not given)
    # The latest application (None without one).
    app_number: str | None = None
    app_status: str | None = None
    submitted_on: date | None = None  # the day in Almaty (``complete``)
    decided_on: date | None = None
    app_submitted: datetime | None = None  # the moments (``complete(moments=True)``)
    app_decided: datetime | None = None
    profession_id: int | None = None
    profession_other: str = ""
    passport_expiry: date | None = None
    # The latest permit.
    permit_number: str | None = None
    permit_until: date | None = None
    permit_revoked_on: date | None = None
    # The stored stay status (has_status False: none stored, the stay figures are None).
    has_status: bool = False
    in_country: bool = False
    days_used: int | None = None
    days_left: int | None = None
    latest_exit_date: date | None = None
    violations: int = 0
    profession: str = ""  # the title in the reader's language, or what the person typed
    attention: frozenset[str] = field(default_factory=frozenset)
    # The last change to what the row says: the sponsorship began, the latest application
    # changed (its state, a permit issued or revoked with it), the stored stay status changed.
    updated_at: datetime | None = None
    # Addresses the dashboard works out once for the rows it shows.
    person_url: str = ""
    end_url: str = ""

    @classmethod
    def of_values(cls, values: Sequence[Any]) -> StaffRow:
        """The row of the first ``_FACTS`` values of ``staff_rows``'s query, in its order: the
        generated ``__init__`` with keywords costs six times as much, a tenth of the employer
        dashboard at a thousand people."""
        row = cls.__new__(cls)
        (
            row.sponsorship_id,
            row.person_id,
            row.name,
            row.email,
            citizenship,
            row.app_number,
            row.app_status,
            row.passport_expiry,
            row.permit_number,
            row.permit_until,
            row.permit_revoked_on,
            in_country,
            row.days_used,
            row.days_left,
            row.latest_exit_date,
            violations,
        ) = values[:_FACTS]
        row.citizenship = str(citizenship or "")
        row.has_status = in_country is not None
        row.in_country = bool(in_country)
        row.violations = violations or 0
        row.submitted_on = row.decided_on = row.app_submitted = row.app_decided = None
        row.profession_id = row.updated_at = None
        row.profession_other = row.profession = row.person_url = row.end_url = ""
        row.attention = _NONE
        return row

    @property
    def citizenship_name(self) -> str:
        return country_name(self.citizenship)

    @property
    def status_label(self) -> str:
        return str(Status(self.app_status).label if self.app_status else _("No application"))

    @property
    def must_leave_by(self) -> date | None:
        """The last day of the stay under way (only while the person is in the country)."""
        return self.latest_exit_date if self.in_country else None


# The facts every row is read with (``StaffRow.of_values``), first in ``staff_rows``'s query.
_FACTS = 16

# Where the row's facts are, from an active sponsorship of ``staffed()``.
_STAY = "person__stay_status__"
_PERMIT_UNTIL = "held__permit__valid_until"
_PASSPORT = "latest__passport_expiry"


def staffed(employer: Employer) -> QuerySet[Sponsorship]:
    """The people ``employer`` actively sponsors, each with their newest application (``latest``)
    and their newest application with a permit (``held``) joined, one row per person."""
    return Sponsorship.objects.filter(employer=employer, status=Sponsorship.Status.ACTIVE).alias(
        latest=FilteredRelation(
            "person__applications", condition=Q(person__applications__is_latest=True)
        ),
        held=FilteredRelation(
            "person__applications", condition=Q(person__applications__holds_latest_permit=True)
        ),
    )


class Attention:
    """The kinds of ``ATTENTION`` a row falls under on ``on``: the one home of these rules, for
    many rows on one day (the day's horizons worked out once). ``passport_margin`` is that of
    ``permits.models.permit_rules()``. (As query expressions they cost more to build through the
    ORM, about 2 ms a page, than they save: the rows are read whole anyway.)"""

    __slots__ = ("on", "margin", "permit_horizon", "leave_horizon")

    def __init__(self, on: date, passport_margin: timedelta) -> None:
        self.on = on
        self.margin = passport_margin
        self.permit_horizon = on + timedelta(days=ATTENTION_PERMIT_DAYS)
        self.leave_horizon = on + timedelta(days=ATTENTION_LEAVE_DAYS)

    def of(self, row: StaffRow) -> frozenset[str]:
        on = self.on
        kinds = []
        until, passport = row.permit_until, row.passport_expiry
        valid = until is not None and until >= on
        if until is not None and valid:
            if until <= self.permit_horizon:
                kinds.append("permit_expiring")
            if passport is not None and on <= passport <= until + self.margin:
                kinds.append("passport_before_permit")
        if row.has_status:
            if (
                not valid
                and row.in_country
                and row.latest_exit_date is not None
                and row.latest_exit_date <= self.leave_horizon
            ):
                kinds.append("must_leave")
            if row.violations > 0:
                kinds.append("violations")
        return frozenset(kinds) if kinds else _NONE


_NONE: frozenset[str] = frozenset()


# ``staff_rows``'s query without ``changes`` or ``shown`` (the dashboard's, on every visit), as a
# fixed statement (``portal.core.statements``): the same joins as ``staffed()``, read in the
# order of ``StaffRow.of_values``; built through the ORM it cost 1.8 ms a visit. The person's rows
# are joined on the sponsorship's ``person`` (not on the user's key, as the ORM writes it): the
# same rows, and PostgreSQL's planner then finds a third cheaper plan (the database's CPU time
# at 32 people 2.1 -> 1.1 ms, at 1,000 people 7.8 -> 5.8 ms).
# The flags are conditions of their own, not compared with a value: a connection prepares the
# statement and plans it once for any values, and that plan can read the partial indexes on
# the flags only if the statement names the flags as their conditions say.
# ``tests/portal/test_staff_attention.py`` holds it to the ORM's query.
_FACTS_STATEMENT = Statement(
    "SELECT {s.id}, {s.person}, {u.full_name}, {u.email}, {u.citizenship},"
    " {latest.number}, {latest.status}, {latest.passport_expiry},"
    " {p.number}, {p.valid_until}, {p.revoked_on},"
    " {st.in_country}, {st.days_in_window}, {st.days_remaining}, {st.latest_exit_date},"
    " {st.violation_count}"
    " FROM {s} LEFT JOIN {u} ON {u.id} = {s.person}"
    " LEFT JOIN {st} ON {st.person} = {s.person}"
    " LEFT JOIN {latest} ON {latest.applicant} = {s.person} AND {latest.is_latest}"
    " LEFT JOIN {held} ON {held.applicant} = {s.person} AND {held.holds_latest_permit}"
    " LEFT JOIN {p} ON {p.application} = {held.id}"
    " WHERE {s.employer} = %s AND {s.status} = %s"
    " ORDER BY {s.id}",
    s=Sponsorship,
    u=Sponsorship._meta.get_field("person").related_model,
    st=StayStatus,
    latest=Alias(Application, "latest"),
    held=Alias(Application, "held"),
    p=Permit,
)


def _facts(employer: Employer) -> list[Any]:
    return _FACTS_STATEMENT.all([employer.pk, Sponsorship.Status.ACTIVE.value])


def staff_rows(
    employer: Employer, on: date, *, changes: bool = False, shown: bool = False
) -> list[StaffRow]:
    """Every person ``employer`` actively sponsors, by name, with what the table filters, sorts
    and judges: one query (and that of ``permit_rules``). ``shown`` adds, in the same query,
    what is shown besides (what ``complete`` adds to the rows of a page). ``changes`` adds
    ``updated_at`` (the API's "updated since"); the pages do without it, which spares reading
    and parsing a moment per person."""
    rules = Attention(on, permit_rules().passport_margin)
    of_values = StaffRow.of_values
    values = list(_staff_query(employer, changes=changes, shown=shown))
    rows = [of_values(v) for v in values]
    if changes or shown:
        for row, v in zip(rows, values, strict=True):
            rest = v[_FACTS:]
            if changes:
                row.updated_at, *rest = rest
            if shown:
                _show(row, rest, moments=False)
    judge = rules.of
    for row in rows:
        row.attention = judge(row)
    # By name as a reader compares names, whatever case they were typed in (a database's order
    # depends on its collation), and the same names in the order the sponsorships began (the
    # query's): the same order on every database.
    rows.sort(key=_folded_name)
    return rows


def _folded_name(row: StaffRow) -> str:
    return row.name.casefold()


def _staff_query(employer: Employer, *, changes: bool, shown: bool) -> Iterable[Sequence[Any]]:
    """The values of ``staff_rows``: the facts (``_FACTS``), then what ``changes`` and ``shown``
    add."""
    if not (changes or shown):
        return _facts(employer)
    began = Coalesce("accepted_at", "created_at")
    # One moment per row, worked out by the database (Greatest is NULL on SQLite if any is).
    changed = (
        Greatest(
            began,
            Coalesce(f"{_STAY}updated_at", began),
            Coalesce("latest__updated_at", began),
        ),
    ) * changes
    return (
        staffed(employer)
        .order_by("pk")
        .values_list(
            "pk",
            "person_id",
            "person__full_name",
            "person__email",
            "person__citizenship",
            "latest__number",
            "latest__status",
            _PASSPORT,
            "held__permit__number",
            _PERMIT_UNTIL,
            "held__permit__revoked_on",
            f"{_STAY}in_country",
            f"{_STAY}days_in_window",
            f"{_STAY}days_remaining",
            f"{_STAY}latest_exit_date",
            f"{_STAY}violation_count",
            *changed,
            *(_shown_columns("latest__", moments=False) if shown else ()),
        )
    )


def _shown_columns(prefix: str, *, moments: bool) -> list[Any]:
    """What is shown of an application besides its state (``_show`` reads them), from the
    application at ``prefix``: the days in Almaty it was submitted and decided (worked out by
    the database: a date is cheap to read, a moment with its time zone is not), the moments
    themselves if ``moments``, and its profession's title in the reader's language and the
    fallback languages (as modeltranslation reads it)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order = [language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES]
    titles = [build_localized_fieldname("title", code) for code in dict.fromkeys(order)]
    almaty = timezone.get_default_timezone()
    return [
        TruncDate(f"{prefix}submitted_at", tzinfo=almaty),
        TruncDate(f"{prefix}decided_at", tzinfo=almaty),
        f"{prefix}profession_id",
        f"{prefix}profession_other",
        *((f"{prefix}submitted_at", f"{prefix}decided_at") if moments else ()),
        f"{prefix}profession__title",
        *(f"{prefix}profession__{title}" for title in titles),
    ]


def _show(row: StaffRow, facts: Iterable[Any], *, moments: bool) -> None:
    row.submitted_on, row.decided_on, row.profession_id, other, *rest = facts
    if moments:
        row.app_submitted, row.app_decided, *rest = rest
    default, *localised = rest
    row.profession_other = other or ""
    if row.profession_id:
        row.profession = next((t for t in localised if t), default)
    else:
        row.profession = row.profession_other


# What ``complete`` reads of the newest applications of a page of people (the ``PEOPLE``
# placeholder: a parameter per person): their moments and their profession's title in every
# language.
_SHOWN_SQL = (
    "SELECT {a.applicant}, {a.submitted_at}, {a.decided_at}, {a.profession},"
    " {a.profession_other}, {pr.title}, "
    + ", ".join(f"{{pr.{build_localized_fieldname('title', code)}}}" for code in TITLE_LANGUAGES)
    + " FROM {a} LEFT JOIN {pr} ON {pr.id} = {a.profession}"
    " WHERE {a.is_latest} AND {a.applicant} IN (PEOPLE)"
)


@lru_cache(maxsize=64)
def _shown_statement(people: int) -> Statement:
    """``_SHOWN_SQL`` for ``people`` people (a page has at most a few dozen)."""
    return Statement(
        _SHOWN_SQL.replace("PEOPLE", ", ".join(["%s"] * people)),
        a=Application,
        pr=Application._meta.get_field("profession").related_model,
    )


def _moment(value: datetime | None) -> datetime | None:
    """A stored moment, aware (SQLite gives it in UTC without the zone)."""
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def complete(rows: list[StaffRow], *, moments: bool = False) -> list[StaffRow]:
    """Give ``rows`` (of ``staff_rows`` without ``shown``) what is shown of their newest
    application besides its state (what ``_shown_columns`` reads in ``staff_rows``): one fixed
    statement (built through the ORM it was a tenth of the dashboard). ``moments`` adds the
    exact moments (the API's). ``test_staff_attention.py`` holds the two to each other."""
    if not rows:
        return rows
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order = [
        TITLE_LANGUAGES.index(code)
        for code in dict.fromkeys([language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES])
        if code in TITLE_LANGUAGES
    ]
    almaty = timezone.get_default_timezone()
    people = list(dict.fromkeys(r.person_id for r in rows))
    shown = {}
    for person_id, submitted, decided, profession, other, default, *titles in _shown_statement(
        len(people)
    ).all(people):
        submitted, decided = _moment(submitted), _moment(decided)
        shown[person_id] = [
            submitted and submitted.astimezone(almaty).date(),
            decided and decided.astimezone(almaty).date(),
            profession,
            other,
            *((submitted, decided) if moments else ()),
            default,
            *(titles[index] for index in order),
        ]
    for row in rows:
        facts = shown.get(row.person_id)
        if facts is not None:
            _show(row, facts, moments=moments)
    return rows


@dataclass
class Overview:
    counts: list[tuple[str | None, int]]  # application state (None: no application), people
    attention: dict[str, list[StaffRow]]


def overview(rows: Iterable[StaffRow]) -> Overview:
    """Counts by application state and the needs-attention lists of ``staff_rows``."""
    counts: dict[str | None, int] = {}
    attention: dict[str, list[StaffRow]] = {kind: [] for kind in ATTENTION}
    for row in rows:
        counts[row.app_status] = counts.get(row.app_status, 0) + 1
        for kind in row.attention:
            attention[kind].append(row)
    ordered = sorted(counts.items(), key=lambda item: (item[0] is not None, item[0] or ""))
    return Overview(counts=ordered, attention=attention)


# sort key -> the row's value
SORTS: dict[str, Any] = {
    "name": lambda r: r.name.casefold(),
    "citizenship": lambda r: r.citizenship or None,
    "status": lambda r: r.app_status,
    "permit": lambda r: r.permit_until,
    "passport": lambda r: r.passport_expiry,
    "days_left": lambda r: r.days_left,
    "leave_by": lambda r: r.latest_exit_date,
}


@dataclass
class StaffTable:
    rows: list[StaffRow]
    sort: str
    descending: bool
    filters: dict[str, str]


def select(rows: list[StaffRow], params: Mapping[str, str]) -> StaffTable:
    """The rows ``params`` (a QueryDict: status, citizenship, attention, q, sort) asks for of
    ``rows`` (``staff_rows``'s, in its order: by name), sorted; a missing value sorts last
    whichever the direction."""
    filters: dict[str, str] = {}
    status = params.get("status", "")
    if status:
        filters["status"] = status
        wanted = None if status == "none" else status
        rows = [r for r in rows if r.app_status == wanted]
    citizenship = params.get("citizenship", "")[:2].upper()
    if citizenship:
        filters["citizenship"] = citizenship
        rows = [r for r in rows if r.citizenship == citizenship]
    attention = params.get("attention", "")
    if attention in ATTENTION:
        filters["attention"] = attention
        rows = [r for r in rows if attention in r.attention]
    query = params.get("q", "").strip()[:100]
    if query:
        filters["q"] = query
        needle = query.casefold()
        rows = [
            r
            for r in rows
            if needle in r.name.casefold()
            or needle in r.email.casefold()
            or needle in (r.app_number or "").casefold()
        ]
    sort = params.get("sort", "name")
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "name", False
    if key == "name" and not descending:  # the order ``staff_rows`` gives
        return StaffTable(rows=list(rows), sort=key, descending=False, filters=filters)
    value = SORTS[key]
    # Rows come by name; sorting is stable, so equal values stay in name order. Each row's
    # value is read once.
    present, missing = [], []
    for r in rows:
        v = value(r)
        if v is None:
            missing.append(r)
        else:
            present.append((v, r))
    present.sort(key=itemgetter(0), reverse=descending)
    ordered = [r for _, r in present]
    ordered += missing
    return StaffTable(rows=ordered, sort=key, descending=descending, filters=filters)
