"""What an employer sees of the people it sponsors: one annotated query, sorted and filtered
in the database, so the dashboard costs the same number of queries for 10 or 1,000 people.

Never documents: only the facts listed in ``STAFF_COLUMNS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from permits.models import Application, Permit
from professions.models import Profession

from .models import Employer, Sponsorship

ATTENTION_PERMIT_DAYS = 90
ATTENTION_LEAVE_DAYS = 14
PASSPORT_MARGIN = timedelta(days=183)

# sort key -> database expression
SORTS: dict[str, str] = {
    "name": "person__full_name",
    "citizenship": "person__citizenship",
    "status": "app_status",
    "permit": "permit_until",
    "passport": "passport_expiry",
    "days_left": "person__stay_status__days_remaining",
    "leave_by": "person__stay_status__latest_exit_date",
}

ATTENTION = {
    "permit_expiring": _("Permits that expire within 90 days"),
    "passport_before_permit": _("Passports that expire before or soon after the permit"),
    "must_leave": _("Must leave within 14 days"),
    "violations": _("Stay violations"),
}


def staff_queryset(employer: Employer) -> QuerySet[Sponsorship]:
    """Active sponsorships of ``employer`` with each person's latest application and permit."""

    latest = Application.objects.filter(applicant_id=OuterRef("person_id")).order_by(
        "-created_at", "-pk"
    )
    permit = Permit.objects.filter(application__applicant_id=OuterRef("person_id")).order_by(
        "-issue_date", "-pk"
    )
    return (
        Sponsorship.objects.filter(employer=employer, status=Sponsorship.Status.ACTIVE)
        .select_related("person", "person__stay_status")
        .annotate(
            app_id=Subquery(latest.values("pk")[:1]),
            app_number=Subquery(latest.values("number")[:1]),
            app_status=Subquery(latest.values("status")[:1]),
            app_submitted=Subquery(latest.values("submitted_at")[:1]),
            app_decided=Subquery(latest.values("decided_at")[:1]),
            app_profession=Subquery(latest.values("profession_id")[:1]),
            app_profession_other=Subquery(latest.values("profession_other")[:1]),
            passport_expiry=Subquery(latest.values("passport_expiry")[:1]),
            permit_number=Subquery(permit.values("number")[:1]),
            permit_until=Subquery(permit.values("valid_until")[:1]),
        )
    )


def filter_attention(rows: QuerySet[Sponsorship], kind: str, on: date) -> QuerySet[Sponsorship]:
    """The rows that need attention of one kind (see ``ATTENTION``)."""
    if kind == "permit_expiring":
        return rows.filter(
            permit_until__gte=on, permit_until__lte=on + timedelta(days=ATTENTION_PERMIT_DAYS)
        )
    if kind == "passport_before_permit":
        return rows.filter(
            permit_until__gte=on,
            passport_expiry__gte=on,
            passport_expiry__lte=F("permit_until") + PASSPORT_MARGIN,
        )
    if kind == "must_leave":
        return rows.filter(
            Q(permit_until__isnull=True) | Q(permit_until__lt=on),
            person__stay_status__in_country=True,
            person__stay_status__latest_exit_date__lte=on + timedelta(days=ATTENTION_LEAVE_DAYS),
        )
    if kind == "violations":
        return rows.filter(person__stay_status__violation_count__gt=0)
    raise ValueError(kind)


def needs_attention(row: Any, on: date) -> set[str]:
    """The kinds of ``ATTENTION`` one row falls under: the same rules as ``filter_attention``,
    applied in Python so the dashboard reads the staff once for its counts and lists."""
    kinds = set()
    until, passport = row.permit_until, row.passport_expiry
    if until is not None and on <= until <= on + timedelta(days=ATTENTION_PERMIT_DAYS):
        kinds.add("permit_expiring")
    if (
        until is not None
        and until >= on
        and passport is not None
        and on <= passport <= until + PASSPORT_MARGIN
    ):
        kinds.add("passport_before_permit")
    status = getattr(row.person, "stay_status", None)
    if status is not None:
        if (
            (until is None or until < on)
            and status.in_country
            and status.latest_exit_date is not None
            and status.latest_exit_date <= on + timedelta(days=ATTENTION_LEAVE_DAYS)
        ):
            kinds.add("must_leave")
        if status.violation_count > 0:
            kinds.add("violations")
    return kinds


@dataclass
class Overview:
    counts: list[tuple[str | None, int]]
    attention: dict[str, list[Any]]


def overview(employer: Employer, on: date) -> Overview:
    """Counts by application state and the needs-attention lists, from one read of the staff.

    Three plain indexed queries (people, their applications, their permits) rather than the
    table's correlated subqueries, which cost a thousand lookups each for a thousand people.
    """

    # Plain values, not model instances: a thousand people cost milliseconds, not a tenth of
    # a second. Each row offers what ``needs_attention`` and the dashboard lists read.
    rows = [
        SimpleNamespace(
            pk=pk,
            person_id=person_id,
            person=SimpleNamespace(
                full_name=name,
                stay_status=None
                if in_country is None
                else SimpleNamespace(
                    in_country=in_country,
                    latest_exit_date=leave_by,
                    violation_count=violations,
                ),
            ),
        )
        for pk, person_id, name, in_country, leave_by, violations in (
            Sponsorship.objects.filter(employer=employer, status=Sponsorship.Status.ACTIVE)
            .order_by("person__full_name", "pk")
            .values_list(
                "pk",
                "person_id",
                "person__full_name",
                "person__stay_status__in_country",
                "person__stay_status__latest_exit_date",
                "person__stay_status__violation_count",
            )
        )
    ]
    # The people as a subquery, not a list of a thousand parameters to bind and parse.
    people = Sponsorship.objects.filter(employer=employer, status=Sponsorship.Status.ACTIVE).values(
        "person_id"
    )
    latest: dict[int, tuple[str, date | None]] = {}
    for applicant_id, status, passport in (
        Application.objects.filter(applicant_id__in=people)
        .order_by("applicant_id", "-created_at", "-pk")
        .values_list("applicant_id", "status", "passport_expiry")
    ):
        latest.setdefault(applicant_id, (status, passport))
    permits: dict[int, date] = {}
    for applicant_id, until in (
        Permit.objects.filter(application__applicant_id__in=people)
        .order_by("application__applicant_id", "-issue_date", "-pk")
        .values_list("application__applicant_id", "valid_until")
    ):
        permits.setdefault(applicant_id, until)
    counts: dict[str | None, int] = {}
    attention: dict[str, list[Any]] = {kind: [] for kind in ATTENTION}
    for row in rows:
        row.app_status, row.passport_expiry = latest.get(row.person_id, (None, None))
        row.permit_until = permits.get(row.person_id)
        counts[row.app_status] = counts.get(row.app_status, 0) + 1
        for kind in needs_attention(row, on):
            attention[kind].append(row)
    ordered = sorted(counts.items(), key=lambda item: (item[0] is not None, item[0] or ""))
    return Overview(counts=ordered, attention=attention)


@dataclass
class StaffTable:
    rows: QuerySet[Sponsorship]
    sort: str
    descending: bool
    filters: dict[str, str]


def staff_table(employer: Employer, params: Any, on: date) -> StaffTable:
    """Rows for the table, filtered and sorted as ``params`` (a QueryDict) asks."""
    rows = staff_queryset(employer)
    filters: dict[str, str] = {}
    status = params.get("status", "")
    if status == "none":
        rows = rows.filter(app_status__isnull=True)
    elif status:
        rows = rows.filter(app_status=status)
    if status:
        filters["status"] = status
    citizenship = params.get("citizenship", "")[:2].upper()
    if citizenship:
        rows = rows.filter(person__citizenship=citizenship)
        filters["citizenship"] = citizenship
    attention = params.get("attention", "")
    if attention in ATTENTION:
        rows = filter_attention(rows, attention, on)
        filters["attention"] = attention
    query = params.get("q", "").strip()[:100]
    if query:
        rows = rows.filter(
            Q(person__full_name__icontains=query)
            | Q(person__email__icontains=query)
            | Q(app_number__icontains=query)
        )
        filters["q"] = query
    sort = params.get("sort", "name")
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "name", False
    expression = F(SORTS[key])
    rows = rows.order_by(
        expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True),
        "person__full_name",
        "pk",
    )
    return StaffTable(rows=rows, sort=key, descending=descending, filters=filters)


def attach_professions(rows: list[Sponsorship]) -> None:
    """Give each row its profession (one query for the page)."""

    ids = {r.app_profession for r in rows if r.app_profession}
    professions = Profession.objects.in_bulk(ids) if ids else {}
    for row in rows:
        row.profession = professions.get(row.app_profession)
