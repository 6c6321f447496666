"""What an employer sees of the people it sponsors: one projection of its staff, ``staff_rows``,
that the dashboard, the CSV export and the monthly report (page and PDF) all read.

The rows are plain values read in four queries whatever the number of people (the people with
their stay status, everyone's latest application, everyone's latest permit, the titles of the
professions named), so 10 or 1,000 people cost the same number of queries and no correlated
subquery runs per person. Filtering, sorting, the counts and the needs-attention lists then work
on those rows in Python, each rule written once here (``attention_of``); an organisation
sponsors at most a few thousand people, a few milliseconds of plain tuples.

Never documents: only the facts of ``StaffRow``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from permits.models import Application, Permit, permit_rules
from permits.states import Status
from portal.core.countries import country_name
from portal.organisations.models import Employer, Sponsorship

ATTENTION_PERMIT_DAYS = 90
ATTENTION_LEAVE_DAYS = 14

ATTENTION = {
    "permit_expiring": _("Permits that expire within 90 days"),
    "passport_before_permit": _("Passports that expire before or soon after the permit"),
    "must_leave": _("Must leave within 14 days"),
    "violations": _("Stay violations"),
}


@dataclass
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


def attention_of(row: StaffRow, on: date, passport_margin: timedelta) -> frozenset[str]:
    """The kinds of ``ATTENTION`` a row falls under on ``on``: the one home of these rules.
    ``passport_margin`` is that of ``permits.models.permit_rules()``."""
    kinds = set()
    until, passport = row.permit_until, row.passport_expiry
    if until is not None and on <= until <= on + timedelta(days=ATTENTION_PERMIT_DAYS):
        kinds.add("permit_expiring")
    if (
        until is not None
        and until >= on
        and passport is not None
        and on <= passport <= until + passport_margin
    ):
        kinds.add("passport_before_permit")
    if row.has_status:
        if (
            (until is None or until < on)
            and row.in_country
            and row.latest_exit_date is not None
            and row.latest_exit_date <= on + timedelta(days=ATTENTION_LEAVE_DAYS)
        ):
            kinds.add("must_leave")
        if row.violations > 0:
            kinds.add("violations")
    return frozenset(kinds)


# The latest application's fields every row needs (to filter, sort, count and judge attention);
# ``complete`` adds those only shown.
_APPLICATION_FACTS = ("number", "status", "passport_expiry")


def _latest(queryset: Any, person: str, order: tuple[str, ...], fields: Iterable[Any]) -> dict:
    """The first row per person of ``queryset`` in ``order``: person id -> values of ``fields``."""
    latest: dict[int, tuple[Any, ...]] = {}
    for person_id, *values in queryset.order_by(person, *order).values_list(person, *fields):
        latest.setdefault(person_id, tuple(values))
    return latest


def staff_rows(employer: Employer, on: date, *, changes: bool = False) -> list[StaffRow]:
    """Every person ``employer`` actively sponsors, by name, with what the table filters, sorts
    and judges: three queries in all. ``complete`` adds what is shown of the rows shown.
    ``changes`` adds ``updated_at`` (the API's "updated since"); the pages do without it, which
    spares reading and parsing a moment per person and per application."""
    active = Sponsorship.objects.filter(employer=employer, status=Sponsorship.Status.ACTIVE)
    began = Coalesce("accepted_at", "created_at")
    # One moment per row, worked out by the database (Greatest is NULL on SQLite if either is).
    changed = (Greatest(began, Coalesce("person__stay_status__updated_at", began)),) * changes
    rows = [
        StaffRow(
            sponsorship_id=pk,
            person_id=person_id,
            name=name,
            email=email,
            citizenship=str(citizenship or ""),
            has_status=stay[0] is not None,
            in_country=bool(stay[0]),
            days_used=stay[1],
            days_left=stay[2],
            latest_exit_date=stay[3],
            violations=stay[4] or 0,
            updated_at=stay[5] if changes else None,
        )
        for pk, person_id, name, email, citizenship, *stay in (
            active.order_by("person__full_name", "pk").values_list(
                "pk",
                "person_id",
                "person__full_name",
                "person__email",
                "person__citizenship",
                "person__stay_status__in_country",
                "person__stay_status__days_in_window",
                "person__stay_status__days_remaining",
                "person__stay_status__latest_exit_date",
                "person__stay_status__violation_count",
                *changed,
            )
        )
    ]
    if not rows:
        return rows
    # The people as a subquery, not a list of a thousand parameters to bind and parse.
    people = active.values("person_id")
    applications = _latest(
        Application.objects.filter(applicant_id__in=people),
        "applicant_id",
        ("-created_at", "-pk"),
        (*_APPLICATION_FACTS, "updated_at") if changes else _APPLICATION_FACTS,
    )
    permits = _latest(
        Permit.objects.filter(application__applicant_id__in=people),
        "application__applicant_id",
        ("-issue_date", "-pk"),
        ("number", "valid_until", "revoked_on"),
    )
    margin = permit_rules().passport_margin
    for row in rows:
        application = applications.get(row.person_id)
        if application is not None:
            row.app_number, row.app_status, row.passport_expiry, *moment = application
            if moment and (row.updated_at is None or moment[0] > row.updated_at):
                row.updated_at = moment[0]
        permit = permits.get(row.person_id)
        if permit is not None:
            row.permit_number, row.permit_until, row.permit_revoked_on = permit
        row.attention = attention_of(row, on, margin)
    return rows


def complete(rows: list[StaffRow], *, moments: bool = False) -> list[StaffRow]:
    """Give ``rows`` (of ``staff_rows``) what is shown besides: the days in Almaty their latest
    application was submitted and decided, and its profession in the reader's language (or the
    first fallback language that has a title, as modeltranslation reads it). One query.
    ``moments`` adds the exact moments (the API's); the pages show days, which the database
    works out (a date is cheap to read, a moment with its time zone is not)."""
    if not rows:
        return rows
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order = [language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES]
    titles = [f"profession__{build_localized_fieldname('title', c)}" for c in dict.fromkeys(order)]
    almaty = timezone.get_default_timezone()
    shown = _latest(
        Application.objects.filter(applicant_id__in=[r.person_id for r in rows]),
        "applicant_id",
        ("-created_at", "-pk"),
        (
            TruncDate("submitted_at", tzinfo=almaty),
            TruncDate("decided_at", tzinfo=almaty),
            "profession_id",
            "profession_other",
            *(("submitted_at", "decided_at") if moments else ()),
            "profession__title",
            *titles,
        ),
    )
    for row in rows:
        facts = shown.get(row.person_id)
        if facts is None:
            continue
        row.submitted_on, row.decided_on, row.profession_id, other, *rest = facts
        if moments:
            row.app_submitted, row.app_decided, *rest = rest
        default, *localised = rest
        row.profession_other = other or ""
        if row.profession_id:
            row.profession = next((t for t in localised if t), default)
        else:
            row.profession = row.profession_other
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
    """The rows ``params`` (a QueryDict: status, citizenship, attention, q, sort) asks for,
    sorted; a missing value sorts last whichever the direction."""
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
    value = SORTS[key]
    # Rows come by name; sorting is stable, so equal values stay in name order.
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=value, reverse=descending)
    return StaffTable(rows=present + missing, sort=key, descending=descending, filters=filters)
