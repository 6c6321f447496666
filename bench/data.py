"""Realistic data for the web benchmark, written fast into the benchmark's own database.

2,000 professions (beside the 21 seeded), 100,000 people with 20 stays each (2,000,000
crossings, histories from ``bench/scan.py``'s generator), the first 10,000 of
them with one application each in every state of the workflow (status history, permits for the
approved ones), one employer that sponsors 1,000 of them (with stay statuses; five users), 40
other employers sponsoring about 25 each (a user each), and 30 reviewers. People and crossings
go in by COPY, the rest by ``bulk_create``; everything in one transaction, so the database holds
all of it or none of it.

Needs Django set up with ``DATABASE_URL`` pointing at the benchmark database (PostgreSQL).
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from permits.models import Application, Permit, Route, StatusChange
from permits.states import Status
from portal.accounts.models import User
from portal.accounts.roles import REVIEWERS
from portal.core.identifiers import check_digit
from portal.organisations.models import Employer, Sponsorship
from professions.models import Education, Profession, Sphere
from stays import rules, services
from stays.models import CountryRule, Crossing

from .scan import history

# Bump when the data changes shape: the driver then rebuilds the database.
VERSION = "3"
SEED = 2026
DOMAIN = "@load.bench.invalid"
PASSWORD = "Bench-Portal-2026"  # the first applicant, employer user and reviewer; others have none

PROFESSIONS = 2_000
PEOPLE = 100_000
STAYS_PER_PERSON = 20
APPLICANTS = 10_000  # people 0 .. 9,999 have an application
STAFF = range(1, 1_001)  # people sponsored by the benchmark employer (approved, with permits)
OTHER_SPONSORED = range(1_001, 2_001)  # sponsored by other employers
SEARCH = "engineer"  # the catalogue search the benchmark sends

REVIEWERS_COUNT = 30
COLLEAGUES = 5  # users of the benchmark employer (the first is EMPLOYER_EMAIL)
SESSION_APPLICANTS = 300  # people the benchmark signs in (person 0 first), each with their data

APPLICANT_EMAIL = f"person-0{DOMAIN}"
EMPLOYER_EMAIL = f"employer{DOMAIN}"
REVIEWER_EMAIL = f"reviewer-0{DOMAIN}"
EMPLOYER_NAME = "Steppe Engineering (bench) LLP"

VISA_FREE = ["DE", "FR", "IT", "ES", "NL", "PL", "GB", "US", "JP", "KR", "TR", "AU", "CA"]
EAEU = ["RU", "KG", "BY", "AM"]
VISA_REQUIRED = ["CN", "IN", "VN", "EG", "PK", "NG", "BD"]
FIRST = ["Anna", "Lukas", "Marie", "Paolo", "Sofia", "James", "Yuki", "Min-jun", "Elif",
         "Ivan", "Olga", "Wei", "Priya", "Ahmed", "Chloe", "Mateo", "Emma", "Noah", "Aru",
         "Timur"]  # fmt: skip
LAST = ["Schmidt", "Rossi", "Garcia", "Smith", "Tanaka", "Kim", "Yilmaz", "Petrov", "Ivanova",
        "Chen", "Sharma", "Hassan", "Martin", "Lopez", "Jansen", "Kowalski", "Brown", "Sato",
        "Novak", "Fischer"]  # fmt: skip

# (en, ru, kk, ISCO unit group, sphere slug)
BASES = [
    ("engineer", "инженер", "инженері", "2149", "engineering"),
    ("technologist", "технолог", "технологы", "2145", "industry"),
    ("analyst", "аналитик", "талдаушысы", "2511", "it"),
    ("specialist", "специалист", "маманы", "2422", "industry"),
    ("researcher", "научный сотрудник", "ғылыми қызметкері", "2131", "science"),
    ("physician", "врач", "дәрігері", "2212", "healthcare"),
    ("designer", "конструктор", "конструкторы", "2163", "engineering"),
    ("consultant", "консультант", "кеңесшісі", "2421", "industry"),
    ("technician", "техник", "технигі", "3119", "engineering"),
    ("manager", "менеджер", "менеджері", "1321", "industry"),
]
DOMAINS = [
    ("mining", "горного дела", "тау-кен ісі"),
    ("oil and gas", "нефтегазовой отрасли", "мұнай-газ саласы"),
    ("power", "энергетики", "энергетика"),
    ("chemical", "химической промышленности", "химия өнеркәсібі"),
    ("metallurgical", "металлургии", "металлургия"),
    ("software", "программного обеспечения", "бағдарламалық жасақтама"),
    ("data", "данных", "деректер"),
    ("network", "сетей", "желілер"),
    ("civil", "строительства", "құрылыс"),
    ("railway", "железнодорожного транспорта", "темір жол көлігі"),
    ("aviation", "авиации", "авиация"),
    ("agricultural", "сельского хозяйства", "ауыл шаруашылығы"),
    ("food", "пищевой промышленности", "тамақ өнеркәсібі"),
    ("textile", "текстильной промышленности", "тоқыма өнеркәсібі"),
    ("water supply", "водоснабжения", "сумен жабдықтау"),
    ("environmental", "охраны окружающей среды", "қоршаған ортаны қорғау"),
    ("nuclear", "атомной энергетики", "атом энергетикасы"),
    ("telecommunications", "телекоммуникаций", "телекоммуникация"),
    ("automation", "автоматизации", "автоматтандыру"),
    ("biomedical", "биомедицины", "биомедицина"),
    ("pharmaceutical", "фармацевтики", "фармацевтика"),
    ("geodesy", "геодезии", "геодезия"),
    ("logistics", "логистики", "логистика"),
    ("quality", "контроля качества", "сапа бақылауы"),
    ("safety", "промышленной безопасности", "өнеркәсіптік қауіпсіздік"),
    ("robotics", "робототехники", "робототехника"),
    ("semiconductor", "полупроводников", "жартылай өткізгіштер"),
    ("renewable energy", "возобновляемой энергетики", "жаңартылатын энергетика"),
    ("petrochemical", "нефтехимии", "мұнай-химия"),
    ("hydraulic", "гидротехники", "гидротехника"),
    ("welding", "сварочного производства", "дәнекерлеу өндірісі"),
    ("materials", "материаловедения", "материалтану"),
    ("machine learning", "машинного обучения", "машиналық оқыту"),
    ("cybersecurity", "кибербезопасности", "киберқауіпсіздік"),
    ("cloud", "облачных технологий", "бұлттық технологиялар"),
    ("laboratory", "лабораторных исследований", "зертханалық зерттеулер"),
    ("transport", "транспорта", "көлік"),
    ("urban planning", "градостроительства", "қала құрылысы"),
    ("veterinary", "ветеринарии", "ветеринария"),
    ("space", "космической отрасли", "ғарыш саласы"),
]
GRADES = [("", "", ""), ("senior", "старший", "аға"), ("lead", "ведущий", "жетекші"),
          ("chief", "главный", "бас"), ("assistant", "помощник", "көмекші")]  # fmt: skip
EDUCATION_BY_GRADE = [Education.HIGHER, Education.HIGHER, Education.POSTGRADUATE,
                      Education.POSTGRADUATE, Education.VOCATIONAL]  # fmt: skip

# Applications of people 2,001 .. 9,999 (people 0 .. 2,000 have fixed states).
STATE_WEIGHTS = {
    Status.DRAFT: 12,
    Status.SUBMITTED: 14,
    Status.UNDER_REVIEW: 18,
    Status.INFO_REQUESTED: 8,
    Status.RESUBMITTED: 5,
    Status.APPROVED: 28,
    Status.REFUSED: 10,
    Status.WITHDRAWN: 5,
}


@dataclass(frozen=True)
class Facts:
    """What the benchmark needs to address its pages, and the people who ask for them."""

    applicant: User
    employer_user: User
    reviewer: User
    application_id: int
    profession_id: int
    applicants: list[tuple[User, int]]  # (person, their latest application), person 0 first
    employer_users: list[User]  # users of the benchmark employer (1,000 staff)
    other_employer_users: list[User]  # one user of each other employer (about 25 staff each)
    reviewers: list[User]
    search: str = SEARCH


def marker() -> str:
    """The database comment that says the data is complete and of this version."""
    return f"portal web bench data v{VERSION} seed {SEED}"


def facts() -> Facts:
    applicant = User.objects.get(email=APPLICANT_EMAIL)
    profession = (
        Profession.objects.filter(code__contains="-", is_listed=True, title_en__contains="engineer")
        .order_by("pk")
        .first()
    )
    assert profession is not None
    employer_user = User.objects.get(email=EMPLOYER_EMAIL)
    # Applicants whose case is past the draft, so each has an application page of their own.
    shown = [
        Status.SUBMITTED,
        Status.UNDER_REVIEW,
        Status.INFO_REQUESTED,
        Status.RESUBMITTED,
        Status.APPROVED,
        Status.REFUSED,
    ]
    cases = (
        Application.objects.filter(applicant__email__endswith=DOMAIN, status__in=shown)
        .select_related("applicant")
        .order_by("applicant_id")[:SESSION_APPLICANTS]
    )
    applicants = [(a.applicant, a.pk) for a in cases]
    return Facts(
        applicant=applicant,
        employer_user=employer_user,
        reviewer=User.objects.get(email=REVIEWER_EMAIL),
        application_id=Application.objects.get(applicant=applicant).pk,
        profession_id=profession.pk,
        applicants=applicants,
        employer_users=list(
            User.objects.filter(employer_id=employer_user.employer_id).order_by("pk")
        ),
        other_employer_users=list(
            User.objects.filter(kind=User.Kind.EMPLOYER, email__endswith=DOMAIN)
            .exclude(employer_id=employer_user.employer_id)
            .order_by("pk")
        ),
        reviewers=list(
            User.objects.filter(email__startswith="reviewer-", email__endswith=DOMAIN).order_by(
                "pk"
            )
        ),
    )


def _bin(rng: random.Random) -> str:
    while True:
        first = "".join(rng.choice("0123456789") for _ in range(11))
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)


def load(*, on: date, log: Callable[[str], None]) -> None:
    """Write the whole data set (the database must hold only what migrations put there)."""
    rng = random.Random(SEED)
    now = timezone.now()
    with transaction.atomic():
        step = _timer(log)
        professions = _professions(rng, on)
        step(f"{len(professions):,} professions")
        employers = _employers(rng)
        step(f"{len(employers):,} employers")
        people = _people(rng)
        reviewers, employer_user = _accounts(employers)
        step(
            f"{len(people):,} people, {len(reviewers)} reviewers, "
            f"{COLLEAGUES + len(employers) - 1} employer users"
        )
        applications = _applications(
            rng, people, professions, employers, reviewers, employer_user, on, now
        )
        step(f"{len(applications):,} applications with their history and permits")
        _sponsorships(rng, people, employers, employer_user, now)
        step("sponsorships")
        histories = _crossings(rng, people, on)
        step(f"{PEOPLE * STAYS_PER_PERSON:,} stays")
        _stay_statuses(people, histories, on, now)
        step(f"stay statuses of the {len(STAFF):,} sponsored staff")
        with connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [marker()])
    with connection.cursor() as cursor:
        # As autovacuum would have done on tables that grew over years: statistics, and the
        # visibility map that lets counts and lists read indexes alone.
        cursor.execute("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
    step("committed, vacuumed and analysed")


def _timer(log: Callable[[str], None]) -> Callable[[str], None]:
    last = [time.perf_counter()]

    def step(what: str) -> None:
        now = time.perf_counter()
        log(f"  {what} ({now - last[0]:.1f} s)")
        last[0] = now

    return step


# --- catalogue ------------------------------------------------------------------------------------


def _professions(rng: random.Random, on: date) -> list[Profession]:
    spheres = {s.slug: s for s in Sphere.objects.all()}
    rows = []
    for base, (d, domain), (g, grade) in itertools.product(
        BASES, enumerate(DOMAINS), enumerate(GRADES)
    ):
        en, ru, kk, unit, sphere = base
        title_en = " ".join(w for w in (grade[0], domain[0], en) if w).capitalize()
        title_ru = " ".join(w for w in (grade[1], ru, domain[1]) if w).capitalize()
        title_kk = " ".join(w for w in (domain[2], grade[2], kk) if w).capitalize()
        listed = rng.random() < 0.92
        rows.append(
            Profession(
                code=f"{unit}-{d + 10}-{g + 1:03d}",
                title=title_en,
                title_en=title_en,
                title_ru=title_ru,
                title_kk=title_kk,
                description=f"Works in {domain[0]} as {en}; plans, carries out and checks work.",
                description_en=f"Works in {domain[0]} as {en}; plans, carries out and checks work.",
                description_ru=f"Работает в области {domain[1]}: планирует и выполняет работы.",
                description_kk=f"{domain[2].capitalize()} саласында жұмыс істейді.",
                sphere=spheres.get(sphere) or next(iter(spheres.values())),
                min_education=EDUCATION_BY_GRADE[g],
                min_experience_years=(0, 5, 7, 10, 0)[g],
                is_listed=listed,
                added_order_number="49",
                added_order_date=date(2023, 2, 20),
                withdrawn_order_number="" if listed else "112",
                withdrawn_order_date=None if listed else date(2025, 6, 2),
            )
        )
        if len(rows) == PROFESSIONS:
            break
    return Profession.objects.bulk_create(rows, batch_size=1000)


def _employers(rng: random.Random) -> list[Employer]:
    # Verified: an unverified organisation sees nobody (its dashboard is the waiting page).
    verified = Employer.Status.VERIFIED
    rows = [
        Employer(
            bin=_bin(rng), name=EMPLOYER_NAME, address="Astana, Mangilik El 55", status=verified
        )
    ]
    rows += [
        Employer(
            bin=_bin(rng), name=f"Employer {n:02d} (bench) LLP", address="Almaty", status=verified
        )
        for n in range(1, 41)
    ]
    return Employer.objects.bulk_create(rows)


# --- people ---------------------------------------------------------------------------------------


def _citizenship(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.75:
        return rng.choice(VISA_FREE)
    if roll < 0.87:
        return rng.choice(EAEU)
    return rng.choice(VISA_REQUIRED)


def _people(rng: random.Random) -> list[int]:
    """COPY the 100,000 people; their ids in order (person n has ``ids[n]``)."""
    fields = [f for f in User._meta.concrete_fields if not f.primary_key]
    template = User(kind=User.Kind.APPLICANT, full_name="x", preferred_language="en")
    template.set_unusable_password()
    base = {f.attname: f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = User._meta.db_table
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for n in range(PEOPLE):
                values = {
                    **base,
                    "email": f"person-{n}{DOMAIN}",
                    "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                    "citizenship": "DE" if n == 0 else _citizenship(rng),
                    "preferred_language": rng.choice(("en", "en", "ru", "kk")),
                }
                copy.write_row([values[f.attname] for f in fields])
        cursor.execute(
            f"SELECT id FROM {table} WHERE email LIKE %s ORDER BY id", [f"person-%{DOMAIN}"]
        )
        ids = [row[0] for row in cursor.fetchall()]
    applicant = User.objects.get(pk=ids[0])
    applicant.full_name = "Anna Schmidt"
    applicant.preferred_language = "en"
    applicant.set_password(PASSWORD)
    applicant.save()
    return ids


def _accounts(employers: list[Employer]) -> tuple[list[User], User]:
    group = Group.objects.get(name=REVIEWERS)
    reviewers = []
    for n in range(REVIEWERS_COUNT):
        user = User(
            email=f"reviewer-{n}{DOMAIN}",
            full_name=f"Reviewer {n}",
            kind=User.Kind.STAFF,
            is_staff=True,
            citizenship="KZ",
        )
        if n == 0:
            user.set_password(PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        user.groups.add(group)
        reviewers.append(user)
    employer_user = User(
        email=EMPLOYER_EMAIL,
        full_name="Aigerim Nurlanovna",
        kind=User.Kind.EMPLOYER,
        employer=employers[0],
        employer_confirmed=True,
        citizenship="KZ",
    )
    employer_user.set_password(PASSWORD)
    employer_user.save()
    # Colleagues at the benchmark employer, and one user at each other employer.
    others = [
        User(
            email=f"employer-{n}{DOMAIN}",
            full_name=f"Colleague {n}",
            kind=User.Kind.EMPLOYER,
            employer=employers[0],
            employer_confirmed=True,
            citizenship="KZ",
        )
        for n in range(1, COLLEAGUES)
    ] + [
        User(
            email=f"employer-of-{k}{DOMAIN}",
            full_name=f"Manager {k}",
            kind=User.Kind.EMPLOYER,
            employer=employer,
            employer_confirmed=True,
            citizenship="KZ",
        )
        for k, employer in enumerate(employers[1:], start=1)
    ]
    for user in others:
        user.set_unusable_password()
    User.objects.bulk_create(others)
    return reviewers, employer_user


# --- applications ---------------------------------------------------------------------------------


def _state(n: int, rng: random.Random) -> str:
    if n == 0:
        return Status.UNDER_REVIEW
    if n in STAFF:
        return Status.APPROVED
    return rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]


def _path(state: str, rng: random.Random) -> list[str]:
    """The statuses an application went through to reach ``state``, draft first."""
    if state == Status.DRAFT:
        return [Status.DRAFT]
    if state == Status.WITHDRAWN:
        return [Status.DRAFT, *rng.choice([[], [Status.SUBMITTED]]), Status.WITHDRAWN]
    review = [Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW]
    if state in (Status.SUBMITTED, Status.UNDER_REVIEW):
        return review[: review.index(state) + 1]
    loop = [Status.INFO_REQUESTED, Status.RESUBMITTED, Status.UNDER_REVIEW]
    if state == Status.INFO_REQUESTED:
        return [*review, Status.INFO_REQUESTED]
    if state == Status.RESUBMITTED:
        return [*review, Status.INFO_REQUESTED, Status.RESUBMITTED]
    extra = loop if rng.random() < 0.25 else []
    return [*review, *extra, state]  # approved or refused


def _applications(
    rng: random.Random,
    people: list[int],
    professions: list[Profession],
    employers: list[Employer],
    reviewers: list[User],
    employer_user: User,
    on: date,
    now: datetime,
) -> list[Application]:
    listed = [p for p in professions if p.is_listed]
    withdrawn = [p for p in professions if not p.is_listed]
    plans: list[tuple[Application, list[tuple[str, str, datetime, int]]]] = []
    for n in range(APPLICANTS):
        state = _state(n, rng)
        path = _path(state, rng)
        decided = state in (Status.APPROVED, Status.REFUSED, Status.WITHDRAWN)
        # Open cases were submitted in the last 60 days; decided ones up to two years ago.
        age = rng.randint(5, 60) if not decided else rng.randint(60, 700)
        if n in STAFF:
            age = rng.randint(200, 1400)
        created = now - timedelta(days=age, minutes=rng.randint(0, 1440))
        moment = created + timedelta(days=rng.randint(0, 3))
        changes = []
        reviewer = rng.choice(reviewers)
        for old, new in itertools.pairwise(path):
            moment += timedelta(hours=rng.randint(2, 24 * 6))
            moment = min(moment, now - timedelta(minutes=len(path)))
            by = people[n] if new in (Status.SUBMITTED, Status.RESUBMITTED) else reviewer.pk
            if new == Status.WITHDRAWN:
                by = people[n]
            changes.append((old, new, moment, by))
        submitted = next((c[2] for c in changes if c[1] == Status.SUBMITTED), None)
        profession = (
            None if rng.random() < 0.05 else rng.choice(listed if rng.random() < 0.9 else withdrawn)
        )
        if n in STAFF or n == 0:
            profession = rng.choice(listed)
        employer = (
            employers[0]
            if n in STAFF
            else (rng.choice(employers[1:]) if rng.random() < 0.5 else None)
        )
        first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
        app = Application(
            applicant_id=people[n],
            status=state,
            route=(
                ""
                if state == Status.DRAFT
                else Route.FACILITATED
                if profession is not None and profession.is_listed
                else Route.STANDARD
            ),
            full_name="ANNA SCHMIDT" if n == 0 else f"{last.upper()} {first.upper()}",
            date_of_birth=date(1965 + n % 35, 1 + n % 12, 1 + n % 28),
            citizenship="DE" if n == 0 else rng.choice(VISA_FREE + EAEU + VISA_REQUIRED),
            phone=f"+7 701 {n % 1000:03d} {n % 100:02d} {n % 97:02d}",
            address_in_kazakhstan=f"Astana, Kabanbay Batyr {n % 200 + 1}",
            passport_number=f"P{n:08d}",
            passport_expiry=on + timedelta(days=rng.randint(200, 3650)),
            profession=profession,
            profession_not_listed=profession is None,
            profession_other="Industrial climber" if profession is None else "",
            is_latest=True,  # one application per person: the newest
            employer_bin=employer.bin if employer else "",
            employer=employer,
            completed_steps=["personal", "passport", "profession", "employer", "documents"]
            if state != Status.DRAFT
            else ["personal", "passport"][: rng.randint(0, 2)],
            reviewer=None
            if state in (Status.DRAFT, Status.SUBMITTED) or (state == Status.WITHDRAWN)
            else reviewer,
            submitted_at=submitted,
            due_date=submitted.date() + timedelta(days=45) if submitted else None,
            clock_paused_on=changes[-1][2].date() if state == Status.INFO_REQUESTED else None,
            decided_at=changes[-1][2] if decided and changes else None,
        )
        plans.append((app, changes))
    applications = Application.objects.bulk_create([a for a, _ in plans], batch_size=2000)
    with connection.cursor() as cursor:
        # Created as they would have been, and numbered as
        # ``permits.services.application_create`` numbers them.
        cursor.execute(
            f"UPDATE {Application._meta.db_table} AS a SET created_at = v.created, "
            "number = 'RP-' || to_char(v.created AT TIME ZONE 'Asia/Almaty', 'YYYY') || '-' "
            "|| lpad(a.id::text, 6, '0') FROM unnest(%s::bigint[], %s::timestamptz[]) "
            "AS v(id, created) WHERE a.id = v.id",
            [
                [a.pk for a in applications],
                [c[0][2] - timedelta(days=1) if c else now - timedelta(days=3) for _, c in plans],
            ],
        )
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                application=app,
                from_status=old,
                to_status=new,
                by_id=by,
                at=at,
                reason="missing_document"
                if new == Status.INFO_REQUESTED
                else "not_eligible"
                if new == Status.REFUSED
                else "",
                message="Please upload a readable copy of your diploma."
                if new == Status.INFO_REQUESTED
                else "",
            )
            for app, (_, changes) in zip(applications, plans, strict=True)
            for old, new, at, by in changes
        ],
        batch_size=5000,
    )
    permits = []
    for n, (app, (_, changes)) in enumerate(zip(applications, plans, strict=True)):
        if app.status != Status.APPROVED:
            continue
        issued = changes[-1][2].date()
        valid_until = issued + timedelta(days=3 * 365)
        if n in STAFF:
            roll = rng.random()
            if roll < 0.15:  # expired: the person is back on the short-stay rules
                issued = on - timedelta(days=rng.randint(1100, 1400))
                valid_until = issued + timedelta(days=3 * 365)
            elif roll < 0.25:  # expires within 90 days
                valid_until = on + timedelta(days=rng.randint(1, 90))
            else:
                valid_until = on + timedelta(days=rng.randint(91, 1000))
        permits.append(
            Permit(
                application=app,
                number=f"KZ-RP-{app.pk:07d}",
                issue_date=issued,
                valid_until=valid_until,
            )
        )
    Permit.objects.bulk_create(permits, batch_size=2000)
    # As ``permits.services.permit_issue`` marks them: the application with the newest permit.
    Application.objects.filter(pk__in=[p.application_id for p in permits]).update(
        holds_latest_permit=True
    )
    return applications


def _sponsorships(
    rng: random.Random,
    people: list[int],
    employers: list[Employer],
    employer_user: User,
    now: datetime,
) -> None:
    rows = [
        Sponsorship(
            employer=employers[0],
            person_id=people[n],
            email=f"person-{n}{DOMAIN}",
            status=Sponsorship.Status.ACTIVE,
            accepted_at=now - timedelta(days=rng.randint(30, 900)),
        )
        for n in STAFF
    ]
    rows += [
        Sponsorship(
            employer=rng.choice(employers[1:]),
            person_id=people[n],
            email=f"person-{n}{DOMAIN}",
            status=Sponsorship.Status.ACTIVE,
            accepted_at=now - timedelta(days=rng.randint(30, 900)),
        )
        for n in OTHER_SPONSORED
    ]
    rows += [  # invitations waiting for an answer, and a few old ones
        Sponsorship(
            employer=employers[0],
            email=f"candidate-{k}@example.org",
            status=Sponsorship.Status.INVITED if k < 12 else Sponsorship.Status.DECLINED,
            token=f"bench-invitation-{k:04d}",
            invited_by=employer_user,
            expires_at=now + timedelta(days=rng.randint(1, 14)),
        )
        for k in range(20)
    ]
    Sponsorship.objects.bulk_create(rows, batch_size=2000)


# --- stays ----------------------------------------------------------------------------------------


def _crossings(
    rng: random.Random, people: list[int], on: date
) -> dict[int, list[tuple[date, date | None]]]:
    """COPY 20 stays for each person, in a shuffled person order (as crossings arrive over
    time); return the histories of the sponsored staff."""
    order = list(range(PEOPLE))
    rng.shuffle(order)
    staff: dict[int, list[tuple[date, date | None]]] = {}
    stamp = datetime.now(UTC)

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in order:
            stays = history(rng, on, STAYS_PER_PERSON)
            if n in STAFF:
                staff[n] = stays
            for entry, exit in stays:
                yield (people[n], entry, exit, "", stamp, stamp)

    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {Crossing._meta.db_table} "
            "(person_id, entry, exit, note, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in rows():
                copy.write_row(row)
    return staff


def _stay_statuses(
    people: list[int],
    histories: dict[int, list[tuple[date, date | None]]],
    on: date,
    now: datetime,
) -> None:
    """The statuses of the sponsored staff, from their real histories and permits."""
    citizenship = dict(
        User.objects.filter(pk__in=[people[n] for n in STAFF]).values_list("pk", "citizenship")
    )
    limits = {str(r.country): (r.regime, r.limits()) for r in CountryRule.objects.all()}
    periods: dict[int, list[rules.Period]] = {}
    for person_id, start, end in Permit.objects.filter(
        application__applicant_id__in=citizenship
    ).values_list("application__applicant_id", "issue_date", "valid_until"):
        periods.setdefault(person_id, []).append(rules.Period(start, end))
    rows = []
    for n, stays in histories.items():
        person_id = people[n]
        regime, person_limits = limits.get(citizenship[person_id], ("visa_free", rules.VISA_FREE))
        if person_limits is None:  # visa-required: shown as a visa-free traveller would be
            regime, person_limits = "visa_free", rules.VISA_FREE
        a = rules.assess(
            [rules.Stay(entry, exit) for entry, exit in stays],
            on,
            person_limits,
            exempt=periods.get(person_id, []),
        )
        rows.append(services.status_row(person_id, regime, person_limits, a, now))
    services.status_upsert(rows)
