"""Benchmark of the daily stay scan on generated data.

    python manage.py bench_stays --people 100000 --stays-per-person 20

Builds the people and their crossings (COPY on PostgreSQL, batched inserts elsewhere), times the
read floor (the crossings streamed through a server-side cursor and grouped by person, nothing
else), runs the full daily scan, prints stays per second, peak memory, the statuses written and
the scan's time as a multiple of the floor, then removes what it built (unless
``--keep``). Bench people are marked by their e-mail address (``bench-<n>@bench.invalid``);
``--reuse`` scans people kept by an earlier run instead of building new ones.

Histories are realistic: trips of a few days to a few weeks with gaps between, written in a
shuffled person order (as real crossings arrive over time), about 5% of people in the country
today and about 2% with a stay that breaks a limit.
"""

from __future__ import annotations

import random
import resource
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries, transaction

from portal.accounts.models import User
from portal.celery import app
from portal.core import clock
from portal.notifications.models import Notification
from stays import scan
from stays.models import CalendarFeed, Crossing, StayStatus

DOMAIN = "@bench.invalid"
PREFIX = "bench-"
VISA_FREE = ["DE", "US", "JP", "FR", "GB", "IT", "KR", "TR", "ES", "NL", "PL", "AU"]
EAEU = ["RU", "KG", "BY", "AM"]


def _peak_reset() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux 4.0+); False if unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    """Peak resident memory of this process in MB (since the last reset, where supported)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextmanager
def _queue_in_memory() -> Iterator[None]:
    """Queue the scan's e-mails on an in-memory broker, as a web process queues them on Redis:
    sending is the workers' job and is not measured (nor done)."""

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "memory://", False
    app._pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None


def history(rng: random.Random, on: date, count: int) -> list[tuple[date, date | None]]:
    """``count`` stays ending before ``on``, newest last; some ongoing, a few too long."""
    stays: list[tuple[date, date | None]] = []
    day = on
    ongoing = rng.random() < 0.05
    for k in range(count):
        if k == 0 and ongoing:
            entry = on - timedelta(days=rng.randint(0, 29))
            stays.append((entry, None))
            day = entry - timedelta(days=rng.randint(2, 60))
            continue
        length = rng.randint(1, 45 if rng.random() < 0.02 else 21)
        exit = day - timedelta(days=rng.randint(1, 20) if k == 0 else 0)
        entry = exit - timedelta(days=length - 1)
        stays.append((entry, exit))
        day = entry - timedelta(days=rng.randint(20, 150))
    stays.reverse()
    return stays


class Command(BaseCommand):
    help = "Build generated crossings, run the daily stay scan, print its speed and memory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=100_000)
        parser.add_argument("--stays-per-person", type=int, default=20)
        parser.add_argument("--on", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--runs", type=int, default=1, help="scans to run one after another")
        parser.add_argument(
            "--daily",
            action="store_true",
            help="run each scan after the first one day later, as the daily schedule does",
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--chunk-size", type=int, default=20000)
        parser.add_argument("--keep", action="store_true", help="keep the bench data afterwards")
        parser.add_argument(
            "--reuse", action="store_true", help="scan bench data kept by an earlier run"
        )
        parser.add_argument(
            "--tracemalloc",
            action="store_true",
            help="also trace Python allocations (slows the scan down)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["on"] or clock.today()
        people, per_person = options["people"], options["stays_per_person"]
        if people < 1 or per_person < 1:
            raise CommandError("--people and --stays-per-person must be at least 1")
        existing = User.objects.filter(email__startswith=PREFIX, email__endswith=DOMAIN).count()
        if options["reuse"] and existing:
            self.stdout.write(f"reusing {existing} bench people")
        else:
            if existing:
                self.stdout.write(f"removing {existing} bench people left by an earlier run")
                self._remove()
            started = time.perf_counter()
            stays = self._build(people, per_person, on, options["seed"])
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"built {people} people and {stays} stays in {seconds:.1f} s ({connection.vendor})"
            )
        try:
            with _queue_in_memory():
                floor = self._floor(options)
                for run in range(1, options["runs"] + 1):
                    day = on + timedelta(days=run - 1) if options["daily"] else on
                    self._scan(run, day, options, floor)
        finally:
            if not options["keep"]:
                started = time.perf_counter()
                self._remove()
                self.stdout.write(
                    f"removed the bench data in {time.perf_counter() - started:.1f} s"
                )

    # --- scan ------------------------------------------------------------------------------

    def _floor(self, options: dict[str, Any]) -> float:
        """Time the read floor: the crossings streamed and grouped by person, nothing else."""
        reset_queries()
        exact = _peak_reset()
        stays, people, seconds = scan.read_floor(chunk_size=options["chunk_size"])
        self.stdout.write(
            f"read floor: {stays} stays of {people} people streamed and grouped in "
            f"{seconds:.2f} s = {stays / seconds if seconds else 0:,.0f} stays/s; "
            f"peak memory {_peak_mb():.0f} MB {'during the read' if exact else 'of the process'}"
        )
        return seconds

    def _scan(self, run: int, on: date, options: dict[str, Any], floor: float) -> None:
        reset_queries()  # with DEBUG=1, Django keeps every statement of the run before
        exact = _peak_reset()
        before = _rss_mb()
        if options["tracemalloc"]:
            tracemalloc.start()
        result = scan.daily_scan(
            on=on, batch_size=options["batch_size"], chunk_size=options["chunk_size"]
        )
        traced = ""
        if options["tracemalloc"]:
            traced = (
                f", Python allocations peak {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MB"
            )
            tracemalloc.stop()
        peak = _peak_mb()
        rate = result.stays / result.seconds if result.seconds else 0.0
        self.stdout.write(
            f"scan {run}: {result.stays} stays of {result.people + result.skipped} people in "
            f"{result.seconds:.2f} s = {rate:,.0f} stays/s; statuses {result.people}, "
            f"events {result.events}, notifications written {result.notifications}; "
            f"peak memory {peak:.0f} MB {'during the scan' if exact else 'of the process'} "
            f"(RSS {before:.0f} MB before){traced}; "
            f"statuses written {result.written}, removed {result.removed}"
        )
        if floor:
            self.stdout.write(
                f"scan {run} / read floor = {result.seconds:.2f} / {floor:.2f} s = "
                f"{result.seconds / floor:.2f} x"
            )

    # --- build -----------------------------------------------------------------------------

    def _build(self, people: int, per_person: int, on: date, seed: int) -> int:
        rng = random.Random(seed)
        if connection.vendor == "postgresql":
            ids = self._copy_users(people, rng)
        else:
            ids = self._insert_users(people, rng)
        rng.shuffle(ids)  # crossings arrive over time, not person by person
        rows = (
            (person_id, entry, exit)
            for person_id in ids
            for entry, exit in history(rng, on, per_person)
        )
        if connection.vendor == "postgresql":
            count = self._copy_crossings(rows)
            # As autovacuum would have done on a table that grew over years: statistics, and
            # the visibility map that lets the scan read the crossings from the index alone.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(f"{command} {User._meta.db_table}")
                cursor.execute(f"{command} {Crossing._meta.db_table}")
            return count
        return self._insert_crossings(rows)

    def _user_fields(self) -> list[Any]:
        return [f for f in User._meta.concrete_fields if not f.primary_key]

    def _template_user(self) -> User:
        user = User(kind=User.Kind.APPLICANT, full_name="Bench Person", preferred_language="en")
        user.set_unusable_password()
        return user

    def _copy_users(self, people: int, rng: random.Random) -> list[int]:
        fields = self._user_fields()
        template = self._template_user()
        base = {
            f.attname: f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields
        }
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = User._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for n in range(people):
                    values = {
                        **base,
                        "email": f"{PREFIX}{n}{DOMAIN}",
                        "full_name": f"Bench Person {n}",
                        "citizenship": rng.choice(EAEU if rng.random() < 0.1 else VISA_FREE),
                    }
                    copy.write_row([values[f.attname] for f in fields])
            cursor.execute(
                f"SELECT id FROM {table} WHERE email LIKE %s ORDER BY id", [f"{PREFIX}%{DOMAIN}"]
            )
            return [row[0] for row in cursor.fetchall()]

    def _insert_users(self, people: int, rng: random.Random) -> list[int]:
        template = self._template_user()
        batch: list[User] = []
        for n in range(people):
            batch.append(
                User(
                    email=f"{PREFIX}{n}{DOMAIN}",
                    full_name=f"Bench Person {n}",
                    kind=template.kind,
                    preferred_language="en",
                    password=template.password,
                    citizenship=rng.choice(EAEU if rng.random() < 0.1 else VISA_FREE),
                )
            )
            if len(batch) >= 5000:
                User.objects.bulk_create(batch)
                batch = []
        User.objects.bulk_create(batch)
        return list(
            User.objects.filter(email__startswith=PREFIX, email__endswith=DOMAIN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _copy_crossings(self, rows: Iterator[tuple[int, date, date | None]]) -> int:
        now = datetime.now(UTC)
        count = 0
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY {Crossing._meta.db_table} "
                "(person_id, entry, exit, note, created_at, updated_at) FROM STDIN"
            ) as copy:
                for person_id, entry, exit in rows:
                    copy.write_row((person_id, entry, exit, "", now, now))
                    count += 1
        return count

    def _insert_crossings(self, rows: Iterator[tuple[int, date, date | None]]) -> int:
        count = 0
        batch: list[Crossing] = []
        for person_id, entry, exit in rows:
            batch.append(Crossing(person_id=person_id, entry=entry, exit=exit))
            count += 1
            if len(batch) >= 10000:
                Crossing.objects.bulk_create(batch)
                batch = []
        Crossing.objects.bulk_create(batch)
        return count

    # --- clean up --------------------------------------------------------------------------

    def _remove(self) -> None:
        """Delete the bench people and every row that points at them."""
        bench = f"SELECT id FROM {User._meta.db_table} WHERE email LIKE %s"
        pattern = [f"{PREFIX}%{DOMAIN}"]
        with transaction.atomic(), connection.cursor() as cursor:
            for model, column in (
                (Notification, "recipient_id"),
                (StayStatus, "person_id"),
                (CalendarFeed, "person_id"),
                (Crossing, "person_id"),
            ):
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} WHERE {column} IN ({bench})", pattern
                )
            # Anything else pointing at a bench person makes this fail (nothing half-removed).
            cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE email LIKE %s", pattern)
