"""Benchmark of the daily stay scan on generated data (not part of the portal: the bench/ tree).

    make bench-scan BENCH_ARGS="--runs 3 --daily"       # its own PostgreSQL database
    .venv/bin/python -m bench.scan --people 100000 --stays-per-person 20   # DATABASE_URL's

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

# ruff: noqa: E402 (Django is set up before the project's modules are imported)
from __future__ import annotations

import os

import django
from django.apps import apps

if not apps.ready:  # run as a script; under pytest or bench/run.py Django is set up already
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import psycopg
from django.core.management import call_command
from django.db import connection, reset_queries, transaction
from django.urls import reverse
from psycopg import sql

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


def _cpu_seconds() -> float:
    """CPU time of this process and, when the database runs on this machine, of the PostgreSQL
    backend serving it: steadier than wall time on a machine other work shares."""
    own = time.process_time()
    if connection.vendor != "postgresql":
        return own
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return own
    return own + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Build generated crossings, run the daily stay scan, print speed and memory."
    )
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
        "--prepare",
        action="store_true",
        help="create the PostgreSQL database of DATABASE_URL when missing, and migrate it",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations (slows the scan down)",
    )
    return parser


def main(argv: list[str] | None = None, stdout: TextIO = sys.stdout) -> int:
    options = vars(parser().parse_args(argv))
    if options["prepare"]:
        _prepare()
    Bench(stdout).handle(options)
    return 0


def _prepare() -> None:
    """The database of DATABASE_URL, created on its server when missing, then migrated."""
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        params = {**connection.get_connection_params(), "dbname": "postgres"}
        with psycopg.connect(**params, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    call_command("migrate", verbosity=0)


class Bench:
    def __init__(self, stdout: TextIO) -> None:
        self._out = stdout

    def say(self, line: str) -> None:
        self._out.write(line + "\n")
        self._out.flush()

    def handle(self, options: dict[str, Any]) -> None:
        on = options["on"] or clock.today()
        people, per_person = options["people"], options["stays_per_person"]
        if people < 1 or per_person < 1:
            raise SystemExit("--people and --stays-per-person must be at least 1")
        existing = User.objects.filter(email__startswith=PREFIX, email__endswith=DOMAIN).count()
        if options["reuse"] and existing:
            self.say(f"reusing {existing} bench people")
        else:
            if existing:
                self.say(f"removing {existing} bench people left by an earlier run")
                self._remove()
            started = time.perf_counter()
            stays = self._build(people, per_person, on, options["seed"])
            seconds = time.perf_counter() - started
            self.say(
                f"built {people} people and {stays} stays in {seconds:.1f} s ({connection.vendor})"
            )
        # The worker that runs the scan has served tasks before: its URLconf is loaded. The first
        # reverse() of a process imports every app's views, which is not the scan's work.
        reverse("stays:history")
        try:
            with _queue_in_memory():
                ratios: list[tuple[float, float, float]] = []
                for run in range(1, options["runs"] + 1):
                    # The floor again before each scan: on a shared machine the load moves, and
                    # a scan is compared with the read it follows.
                    floor = self._floor(options)
                    day = on + timedelta(days=run - 1) if options["daily"] else on
                    ratios.append(self._scan(run, day, options, floor))
                self._summary(ratios)
        finally:
            if not options["keep"]:
                started = time.perf_counter()
                self._remove()
                self.say(f"removed the bench data in {time.perf_counter() - started:.1f} s")

    # --- scan ------------------------------------------------------------------------------

    def _floor(self, options: dict[str, Any]) -> tuple[float, float]:
        """Time the read floor: the crossings streamed and grouped by person, nothing else.
        (seconds, CPU seconds of this process and its database backend)."""
        reset_queries()
        exact = _peak_reset()
        cpu = _cpu_seconds()
        stays, people, seconds = scan.read_floor(chunk_size=options["chunk_size"])
        cpu = _cpu_seconds() - cpu
        self.say(
            f"read floor: {stays} stays of {people} people streamed and grouped in "
            f"{seconds:.2f} s (CPU {cpu:.2f} s) = {stays / seconds if seconds else 0:,.0f} "
            f"stays/s; peak memory {_peak_mb():.0f} MB "
            f"{'during the read' if exact else 'of the process'}"
        )
        return seconds, cpu

    def _summary(self, ratios: list[tuple[float, float, float]]) -> None:
        """The median ratios of the scans after the first: the first on new (or reused) data
        writes every status, the later ones are the daily runs (one day later each with
        ``--daily``, or repeats of the same day)."""
        later = ratios[1:]
        if not later:
            return
        self.say(
            f"scans 2-{len(ratios)} / read floor, median: wall "
            f"{statistics.median(r[0] for r in later):.2f} x, CPU "
            f"{statistics.median(r[1] for r in later):.2f} x; peak memory at most "
            f"{max(r[2] for r in later):.0f} MB"
        )

    def _scan(
        self, run: int, on: date, options: dict[str, Any], floor: tuple[float, float]
    ) -> tuple[float, float, float]:
        """Run one scan and print it; (wall and CPU time as multiples of the floor, peak MB)."""
        reset_queries()  # with DEBUG=1, Django keeps every statement of the run before
        exact = _peak_reset()
        before = _rss_mb()
        cpu = _cpu_seconds()
        if options["tracemalloc"]:
            tracemalloc.start()
        result = scan.daily_scan(
            on=on, batch_size=options["batch_size"], chunk_size=options["chunk_size"]
        )
        cpu = _cpu_seconds() - cpu
        traced = ""
        if options["tracemalloc"]:
            traced = (
                f", Python allocations peak {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MB"
            )
            tracemalloc.stop()
        peak = _peak_mb()
        rate = result.stays / result.seconds if result.seconds else 0.0
        self.say(
            f"scan {run}: {result.stays} stays of {result.people + result.skipped} people in "
            f"{result.seconds:.2f} s (CPU {cpu:.2f} s) = {rate:,.0f} stays/s; "
            f"statuses {result.people}, "
            f"events {result.events}, notifications written {result.notifications}; "
            f"peak memory {peak:.0f} MB {'during the scan' if exact else 'of the process'} "
            f"(RSS {before:.0f} MB before){traced}; "
            f"statuses written {result.written}, removed {result.removed}"
        )
        seconds, floor_cpu = floor
        if seconds and floor_cpu:
            self.say(
                f"scan {run} / read floor = {result.seconds:.2f} / {seconds:.2f} s = "
                f"{result.seconds / seconds:.2f} x; CPU {cpu:.2f} / {floor_cpu:.2f} s = "
                f"{cpu / floor_cpu:.2f} x"
            )
            return result.seconds / seconds, cpu / floor_cpu, peak
        return 0.0, 0.0, peak

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


if __name__ == "__main__":
    sys.exit(main())
