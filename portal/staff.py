"""What an employer sees of the people it sponsors: one annotated query, sorted and filtered
in the database, so the dashboard costs the same number of queries for 10 or 1,000 people.

Never documents: only the facts listed in ``STAFF_COLUMNS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from permits.models import Application, Permit, permit_rules
from professions.models import Profession

from .models import Employer, Sponsorship

ATTENTION_PERMIT_DAYS = 90
ATTENTION_LEAVE_DAYS = 14

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


# What the table shows of each person's latest application and latest permit: annotation name
# -> field. The table reads them for its page only (``attach_latest``); the database computes
# one (a correlated subquery per row) only when a filter or the sort needs it.
LATEST_APPLICATION = {
    "app_id": "pk",
    "app_number": "number",
    "app_status": "status",
    "app_submitted": "submitted_at",
    "app_decided": "decided_at",
    "app_profession": "profession_id",
    "app_profession_other": "profession_other",
    "passport_expiry": "passport_expiry",
}
LATEST_PERMIT = {"permit_number": "number", "permit_until": "valid_until"}
FACTS = [*LATEST_APPLICATION, *LATEST_PERMIT]


def staff_queryset(
    employer: Employer, annotations: Iterable[str] | None = None
) -> QuerySet[Sponsorship]:
    """Active sponsorships of ``employer`` with each person's latest application and permit.

    ``annotations`` names the facts (``FACTS``) to compute in the database, all by default:
    each is a correlated subquery per row, so the table asks only for those its filter or
    sort uses and reads the others for the rows it shows.
    """

    wanted = set(FACTS if annotations is None else annotations)
    latest = Application.objects.filter(applicant_id=OuterRef("person_id")).order_by(
        "-created_at", "-pk"
    )
    permit = Permit.objects.filter(application__applicant_id=OuterRef("person_id")).order_by(
        "-issue_date", "-pk"
    )
    subqueries = {
        **{
            name: Subquery(latest.values(field)[:1])
            for name, field in LATEST_APPLICATION.items()
            if name in wanted
        },
        **{
            name: Subquery(permit.values(field)[:1])
            for name, field in LATEST_PERMIT.items()
            if name in wanted
        },
    }
    return (
        Sponsorship.objects.filter(employer=employer, status=Sponsorship.Status.ACTIVE)
        .select_related("person", "person__stay_status")
        .annotate(**subqueries)
    )


@dataclass
class Latest:
    """Each person's latest application and latest permit, read in two plain queries."""

    application_facts: tuple[str, ...]  # names of LATEST_APPLICATION, in the values' order
    permit_facts: tuple[str, ...]  # names of LATEST_PERMIT
    applications: dict[int, tuple[Any, ...]]  # person id -> values
    permits: dict[int, tuple[Any, ...]]  # person id -> values

    def attach(self, rows: Iterable[Any]) -> None:
        """Give each row the facts the annotations of ``staff_queryset`` would give it."""
        no_application = (None,) * len(self.application_facts)
        no_permit = (None,) * len(self.permit_facts)
        for row in rows:
            values = self.applications.get(row.person_id, no_application)
            for name, value in zip(self.application_facts, values, strict=True):
                setattr(row, name, value)
            values = self.permits.get(row.person_id, no_permit)
            for name, value in zip(self.permit_facts, values, strict=True):
                setattr(row, name, value)


def latest_of(
    people: Any,
    application_facts: Iterable[str] = tuple(LATEST_APPLICATION),
    permit_facts: Iterable[str] = tuple(LATEST_PERMIT),
) -> Latest:
    """The latest application and permit of ``people`` (a queryset of person ids or a list):
    two indexed queries, whatever their number, instead of a lookup per person and fact.
    Only the facts named are read."""

    application_facts, permit_facts = tuple(application_facts), tuple(permit_facts)
    applications: dict[int, tuple[Any, ...]] = {}
    for applicant_id, *values in (
        ()
        if not application_facts
        else Application.objects.filter(applicant_id__in=people)
        .order_by("applicant_id", "-created_at", "-pk")
        .values_list("applicant_id", *(LATEST_APPLICATION[f] for f in application_facts))
    ):
        applications.setdefault(applicant_id, tuple(values))
    permits: dict[int, tuple[Any, ...]] = {}
    for applicant_id, *values in (
        ()
        if not permit_facts
        else Permit.objects.filter(application__applicant_id__in=people)
        .order_by("application__applicant_id", "-issue_date", "-pk")
        .values_list("application__applicant_id", *(LATEST_PERMIT[f] for f in permit_facts))
    ):
        permits.setdefault(applicant_id, tuple(values))
    return Latest(application_facts, permit_facts, applications, permits)


def attach_latest(rows: list[Any]) -> None:
    """Give the rows (of ``staff_queryset``) their latest application, permit and profession:
    two queries for the rows shown (the application with its profession, the permit)."""

    people = [r.person_id for r in rows]
    if not people:
        return
    latest: dict[int, Any] = {}

    titles = [
        f"profession__{build_localized_fieldname('title', code)}"
        for code, _name in settings.LANGUAGES
    ]
    for application in (
        Application.objects.filter(applicant_id__in=people)
        .select_related("profession")
        .only(
            "applicant_id", "created_at", *LATEST_APPLICATION.values(), "profession__title", *titles
        )
        .order_by("applicant_id", "-created_at", "-pk")
    ):
        latest.setdefault(application.applicant_id, application)
    permits = latest_of(people, application_facts=()).permits
    no_permit = (None,) * len(LATEST_PERMIT)
    for row in rows:
        application = latest.get(row.person_id)
        for name, field in LATEST_APPLICATION.items():
            setattr(row, name, None if application is None else getattr(application, field))
        row.profession = None if application is None else application.profession
        for name, value in zip(LATEST_PERMIT, permits.get(row.person_id, no_permit), strict=True):
            setattr(row, name, value)


# The facts each attention filter reads.
ATTENTION_NEEDS = {
    "permit_expiring": {"permit_until"},
    "passport_before_permit": {"permit_until", "passport_expiry"},
    "must_leave": {"permit_until"},
    "violations": set(),
}


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
            passport_expiry__lte=F("permit_until") + permit_rules().passport_margin,
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


def needs_attention(row: Any, on: date, *, passport_margin: timedelta) -> set[str]:
    """The kinds of ``ATTENTION`` one row falls under: the same rules as ``filter_attention``,
    applied in Python so the dashboard reads the staff once for its counts and lists.
    ``passport_margin`` is that of ``permit_rules()``."""
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
    active = Sponsorship.objects.filter(employer=employer, status=Sponsorship.Status.ACTIVE)
    # The people as a subquery, not a list of a thousand parameters to bind and parse.
    latest = latest_of(
        active.values("person_id"), ("app_status", "passport_expiry"), ("permit_until",)
    )
    counts: dict[str | None, int] = {}
    attention: dict[str, list[Any]] = {kind: [] for kind in ATTENTION}
    passport_margin = permit_rules().passport_margin
    for pk, person_id, name, in_country, leave_by, violations in active.order_by(
        "person__full_name", "pk"
    ).values_list(
        "pk",
        "person_id",
        "person__full_name",
        "person__stay_status__in_country",
        "person__stay_status__latest_exit_date",
        "person__stay_status__violation_count",
    ):
        application = latest.applications.get(person_id)
        permit = latest.permits.get(person_id)
        row = SimpleNamespace(
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
            app_status=application[0] if application else None,
            passport_expiry=application[1] if application else None,
            permit_until=permit[0] if permit else None,
        )
        counts[row.app_status] = counts.get(row.app_status, 0) + 1
        for kind in needs_attention(row, on, passport_margin=passport_margin):
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
    """Rows for the table, filtered and sorted as ``params`` (a QueryDict) asks.

    The rows carry in the database only the facts their filter and sort use; give the rows
    shown the others with ``attach_latest`` (or ``Overview.latest``).
    """
    filters: dict[str, str] = {}
    needed: set[str] = set()
    status = params.get("status", "")
    if status:
        filters["status"] = status
        needed.add("app_status")
    citizenship = params.get("citizenship", "")[:2].upper()
    if citizenship:
        filters["citizenship"] = citizenship
    attention = params.get("attention", "")
    if attention in ATTENTION:
        filters["attention"] = attention
        needed |= ATTENTION_NEEDS[attention]
    query = params.get("q", "").strip()[:100]
    if query:
        filters["q"] = query
        needed.add("app_number")
    sort = params.get("sort", "name")
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "name", False
    if SORTS[key] in FACTS:
        needed.add(SORTS[key])
    rows = staff_queryset(employer, needed)
    if status == "none":
        rows = rows.filter(app_status__isnull=True)
    elif status:
        rows = rows.filter(app_status=status)
    if citizenship:
        rows = rows.filter(person__citizenship=citizenship)
    if attention in ATTENTION:
        rows = filter_attention(rows, attention, on)
    if query:
        rows = rows.filter(
            Q(person__full_name__icontains=query)
            | Q(person__email__icontains=query)
            | Q(app_number__icontains=query)
        )
    expression = F(SORTS[key])
    rows = rows.order_by(
        expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True),
        "person__full_name",
        "pk",
    )
    return StaffTable(rows=rows, sort=key, descending=descending, filters=filters)


def profession_titles(ids: Iterable[int]) -> dict[int, Any]:
    """The title (in the reader's language) of each profession, reading only the titles."""

    ids = {i for i in ids if i}
    if not ids:
        return {}
    titles = [build_localized_fieldname("title", code) for code, _name in settings.LANGUAGES]
    return {p.pk: p.title for p in Profession.objects.only("title", *titles).filter(pk__in=ids)}
