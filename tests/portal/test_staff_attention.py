"""The needs-attention rules of the employer's staff table (``staff.Attention``), read
through the one query of ``staff.staff_rows``: each kind at its boundaries, on SQLite and
PostgreSQL alike, against the rules as the domain states them; and that query's joins find each
person's newest application and newest permit (``permits.services`` keeps the flags)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from permits.models import Application, Permit, PermitRules, permit_rules
from permits.services import application_create, permit_issue
from portal.accounts.models import User
from portal.core import clock
from portal.organisations.models import Sponsorship
from portal.workspace import staff
from stays.models import StayStatus

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 2)
MARGIN = 180


def expected(until, passport, stay, on=ON, margin=MARGIN):
    """The rules in words (DOMAIN.md, issue 11): what the table must flag."""
    kinds = set()
    if until is not None and on <= until <= on + timedelta(days=90):
        kinds.add("permit_expiring")
    if until is not None and until >= on and passport is not None:
        if on <= passport <= until + timedelta(days=margin):
            kinds.add("passport_before_permit")
    if stay is not None:
        in_country, exit_date, violations = stay
        if (until is None or until < on) and in_country and exit_date <= on + timedelta(days=14):
            kinds.add("must_leave")
        if violations:
            kinds.add("violations")
    return frozenset(kinds)


D = timedelta
CASES = [
    # permit valid until, passport expiry, stored stay (in country, must leave by, violations)
    (None, None, None),
    (ON, ON + D(3000), None),
    (ON + D(90), ON + D(3000), None),
    (ON + D(91), ON + D(3000), None),
    (ON - D(1), ON + D(3000), None),
    (ON + D(400), ON + D(400 + MARGIN), None),  # the margin's last day
    (ON + D(400), ON + D(400 + MARGIN + 1), None),
    (ON + D(400), ON - D(1), None),  # an expired passport is not "before the permit"
    (ON + D(400), ON, None),
    (ON - D(1), ON + D(100), None),  # the permit ended
    (None, None, (True, ON + D(14), 0)),
    (None, None, (True, ON + D(15), 0)),
    (None, None, (False, ON + D(3), 0)),
    (ON - D(1), None, (True, ON, 0)),  # the permit ended: the short-stay rules again
    (ON, None, (True, ON, 0)),  # still valid today
    (None, None, (True, ON + D(30), 2)),
    (ON + D(10), ON + D(20), (False, None, 1)),
]


def _person(employer, n, until, passport, stay):
    person = User.objects.create_user(
        email=f"p{n}@example.kz", password=None, full_name=f"Person {n:02d}", kind="applicant"
    )
    Sponsorship.objects.create(
        employer=employer, person=person, email=person.email, status="active"
    )
    if until is not None or passport is not None:
        app = application_create(applicant=person, passport_expiry=passport, status="approved")
        if until is not None:
            Permit.objects.create(
                application=app, number=f"KZ-{n}", issue_date=ON - D(4000), valid_until=until
            )
            Application.objects.filter(pk=app.pk).update(holds_latest_permit=True)
    if stay is not None:
        in_country, exit_date, violations = stay
        StayStatus.objects.create(
            person=person,
            on=ON,
            regime="visa_free",
            max_days=90,
            days_in_window=10,
            days_remaining=80,
            in_country=in_country,
            latest_exit_date=exit_date,
            violation_count=violations,
            updated_at=clock.now(),
        )
    return person


def test_each_rule_at_its_boundaries(employer_user):
    employer = employer_user.employer
    people = [_person(employer, n, *case) for n, case in enumerate(CASES)]
    rows = {r.person_id: r for r in staff.staff_rows(employer, ON)}
    assert len(rows) == len(CASES)
    for person, (until, passport, stay) in zip(people, CASES, strict=True):
        assert rows[person.pk].attention == expected(until, passport, stay), (until, passport, stay)
    # Every kind occurs, so none of the rules is vacuous here.
    assert set().union(*(r.attention for r in rows.values())) == set(staff.ATTENTION)


def test_the_fixed_statement_reads_what_the_orm_query_reads(employer_user):
    """The dashboard's read (``staff._FACTS_STATEMENT``) and the ORM's query of the API and the
    CSV (``changes``, ``shown``) give the same rows, fact for fact, on SQLite and PostgreSQL:
    every case above, a person without any row to join, a refused application after a permit,
    a revoked permit, and the sponsorships that are not active (left out of both)."""
    from dataclasses import asdict

    employer = employer_user.employer
    for n, case in enumerate(CASES):
        _person(employer, n, *case)
    again = _person(employer, 90, ON + D(300), ON + D(3000), None)
    application_create(applicant=again, status="refused")
    revoked = _person(employer, 91, ON + D(30), ON + D(900), None)
    Permit.objects.filter(application__applicant=revoked).update(revoked_on=ON - D(2))
    ended = _person(employer, 92, ON + D(30), None, None)
    Sponsorship.objects.filter(person=ended).update(status="ended")
    read = [asdict(r) for r in staff.staff_rows(employer, ON)]
    # Days are days on both databases (SQLite gives them as text).
    for day in ("permit_until", "passport_expiry", "latest_exit_date", "permit_revoked_on"):
        assert {type(r[day]) for r in read if r[day] is not None} == {date}, day
    for compared in ({"changes": True}, {"shown": True}):
        other = [asdict(r) for r in staff.staff_rows(employer, ON, **compared)]
        for row in other:
            row.update(
                updated_at=None,
                submitted_on=None,
                decided_on=None,
                profession_id=None,
                profession_other="",
                profession="",
            )
        assert read == other
    assert len(read) == len(CASES) + 2
    assert {r["name"] for r in read} >= {"Person 90", "Person 91"}


def test_the_margin_is_the_one_staff_set(employer_user):
    employer = employer_user.employer
    until, passport = date(2026, 8, 1), date(2027, 2, 1)  # 184 days after the permit
    _person(employer, 1, until, passport, None)
    assert permit_rules().passport_margin == timedelta(days=180)
    [row] = staff.staff_rows(employer, ON)
    assert "passport_before_permit" not in row.attention
    PermitRules.objects.filter(pk=1).update(passport_margin_days=200)
    [row] = staff.staff_rows(employer, ON)
    assert "passport_before_permit" in row.attention


def test_the_table_shows_the_newest_application_and_the_newest_permit(employer_user):
    """A person with a permit who applied again (refused) shows the new application's state
    and the permit they hold; the flags move with each new application and permit."""
    employer = employer_user.employer
    person = _person(employer, 1, None, None, None)
    first = application_create(
        applicant=person, passport_expiry=date(2035, 1, 1), status="approved"
    )
    permit_issue(application=first, on=date(2025, 1, 10))
    second = application_create(applicant=person, status="refused")
    [row] = staff.staff_rows(employer, ON)
    assert (row.app_number, row.app_status) == (second.number, "refused")
    assert row.permit_number == first.permit.number
    third = application_create(
        applicant=person, passport_expiry=date(2036, 1, 1), status="approved"
    )
    permit_issue(application=third, on=date(2026, 2, 1))
    [row] = staff.staff_rows(employer, ON)
    assert (row.app_number, row.permit_number) == (third.number, third.permit.number)
    flags = Application.objects.filter(applicant=person).values_list(
        "pk", "is_latest", "holds_latest_permit"
    )
    assert sorted(flags) == [
        (first.pk, False, False),
        (second.pk, False, False),
        (third.pk, True, True),
    ]


def test_the_shown_facts_read_in_the_same_query_are_those_complete_adds(employer_user):
    """``staff_rows(shown=True)`` (the CSV, the report) and ``complete`` (a page of rows) give
    the same days and profession titles, in each language."""
    from dataclasses import asdict

    from tests.permits.factories import listed_profession

    employer = employer_user.employer
    with_title = _person(employer, 1, ON + D(100), ON + D(900), None)
    Application.objects.filter(applicant=with_title).update(
        profession=listed_profession(),
        submitted_at=datetime(2026, 1, 5, 23, 30, tzinfo=UTC),  # 6 January in Almaty
        decided_at=datetime(2026, 2, 1, 10, 0, tzinfo=UTC),
    )
    typed = _person(employer, 2, None, ON + D(900), None)
    Application.objects.filter(applicant=typed).update(profession_other="Промышленный альпинист")
    _person(employer, 3, None, None, None)  # no application
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            read = [asdict(r) for r in staff.staff_rows(employer, ON, shown=True)]
            added = [asdict(r) for r in staff.complete(staff.staff_rows(employer, ON))]
            assert read == added
    assert [r["submitted_on"] for r in read] == [date(2026, 1, 6), None, None]
    assert read[1]["profession"] == "Промышленный альпинист"
    assert read[0]["profession"]


def test_a_full_save_of_an_application_read_earlier_leaves_the_flags(employer_user):
    """A reviewer's change form holds the approved case while the applicant starts a new one:
    saving the notes must not write the old "newest" flag back (nor fail on the constraint)."""
    person = _person(employer_user.employer, 1, None, None, None)
    approved = application_create(
        applicant=person, passport_expiry=date(2035, 1, 1), status="approved"
    )
    permit_issue(application=approved, on=date(2026, 1, 10))
    stale = Application.objects.get(pk=approved.pk)
    draft = application_create(applicant=person)
    stale.notes = "Checked with the employer."
    stale.save()
    flags = dict(
        (pk, (latest, held))
        for pk, latest, held in Application.objects.values_list(
            "pk", "is_latest", "holds_latest_permit"
        )
    )
    assert flags == {approved.pk: (False, True), draft.pk: (True, False)}
    assert Application.objects.get(pk=approved.pk).notes == "Checked with the employer."
    [row] = staff.staff_rows(employer_user.employer, ON)
    assert (row.app_number, row.permit_number) == (draft.number, approved.permit.number)


def test_the_rows_come_by_name_as_a_reader_orders_them(employer_user):
    """Whatever the database's collation: case does not count, and the same name comes in the
    order the sponsorships began; the table's default order is that one."""
    employer = employer_user.employer
    names = ["bolat", "Айгүл", "Aidar", "айгүл", "Bolat", "aidar", "Bolat"]
    sponsorships = []
    for n, name in enumerate(names):
        person = User.objects.create_user(
            email=f"n{n}@example.kz", password=None, full_name=name, kind="applicant"
        )
        sponsorships.append(
            Sponsorship.objects.create(
                employer=employer, person=person, email=person.email, status="active"
            )
        )
    read = [(r.name, r.sponsorship_id) for r in staff.staff_rows(employer, ON)]
    ids = [s.pk for s in sponsorships]
    assert read == [
        ("Aidar", ids[2]),
        ("aidar", ids[5]),
        ("bolat", ids[0]),
        ("Bolat", ids[4]),
        ("Bolat", ids[6]),
        ("Айгүл", ids[1]),
        ("айгүл", ids[3]),
    ]
    assert [r.sponsorship_id for r in staff.select(staff.staff_rows(employer, ON), {}).rows] == [
        s for _, s in read
    ]
    descending = staff.select(staff.staff_rows(employer, ON), {"sort": "-name"}).rows
    assert [r.name.casefold() for r in descending] == sorted(
        (n.casefold() for n in names), reverse=True
    )
