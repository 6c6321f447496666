"""`make bench`: every page under load from many signed-in people, on production settings.

    .venv/bin/python bench/run.py [--mixed] [--reload] [--seconds 10] [--connections 20]
                                  [--pages a,b] [--quiet-wait 600] [--workers 5 --worker-class sync]

1. A database of its own on PostgreSQL (``BENCH_DATABASE_URL``, by default ``portal_bench_web``
   on 127.0.0.1): created when missing, migrated, and filled once with realistic data
   (``bench/data.py``: 2,021 professions, 10,000 applications, an employer with 1,000 staff and
   40 smaller ones, 30 reviewers, 2,000,000 stays). Later runs find the data (a comment on the
   database says it is complete) and skip the load; ``--reload`` rebuilds it, and so does the
   run after a ``--mixed`` one (its writes changed the data).
2. collectstatic into ``var/bench/static``, then gunicorn on 127.0.0.1 (a free port) with the
   production settings: DEBUG off, the Redis cache, persistent database connections, the JSON
   request log, login throttling and two-factor admin (each reviewer's session is verified
   with a TOTP device, as after a real login). Requests carry ``X-Forwarded-Proto: https`` as a
   TLS proxy in front would, so the HTTPS redirect and the secure cookies stay on.
3. Sessions, written to the session store, for 300 applicants (each with their own
   application and 20 stays), the five users of the employer with 1,000 staff, a user of each
   of the 40 other employers, and 30 reviewers. Each request of a page goes to the next person
   in the list (``report.lua``), so the load comes from many people with their own data.
4. For each page: check it answers 200 with the expected content for the first people, warm up,
   then drive it with wrk (``BENCH_CONNECTIONS`` clients, ``BENCH_SECONDS`` seconds). ``/ping/``
   (the minimal view) runs first and last.
5. One table: requests/s, p50, p95, p99, size, the ratio to /ping/ (information), the CPU time
   each request cost in gunicorn (``app ms``) and in PostgreSQL (``db ms``), the share of the CPU
   other processes took meanwhile, and the verdict against each page's CPU limits (``LIMITS``:
   10 ms app and 5 ms db for a page, 20 ms for the reviewer queue, 50 and 20 ms for the staff
   CSV). A page over a limit is printed as OVER; the exit status stays 0. The figures are also
   written to ``var/bench/results.json``.

``--mixed`` adds writes to the reads, through the views as a browser makes them (a GET of the
form, its CSRF token, the POST): reviewers take cases from the queue and approve or refuse
them, and applicants record stays. They run beside every page's load at ``--write-rate`` per
second; their own CPU cost is measured alone first and taken off the pages' figures.

Every process started here is stopped in ``finally``; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent
LUA = Path(__file__).resolve().parent / "report.lua"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_web"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/2"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/3"  # nothing is queued by these pages

# CPU per request, rendered afresh (issue 12, point 2): (gunicorn ms, PostgreSQL ms).
PAGE_LIMITS = (10.0, 5.0)
LIMITS = {"reviewer queue": (20.0, 5.0), "staff CSV (1,000)": (50.0, 20.0)}

# Settings a caller's shell might have set that would make the run less than production.
NOT_INHERITED = [
    "DEBUG",
    "FAST_PASSWORD_HASHER",
    "OTP_REQUIRED_FOR_ADMIN",
    "LOGIN_THROTTLE_ENABLED",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "EMAIL_URL",
    "FILE_STORAGE_BACKEND",
    "FILE_STORAGE_OPTIONS",
    "MEDIA_ROOT",
    "DJANGO_SETTINGS_MODULE",
]


@dataclass
class Page:
    name: str
    path: str  # may hold "{application}": the person's own application
    who: str = ""  # "" (a visitor) or a group of SESSIONS
    expect: str = ""  # text the page must contain; "{name}": the person's first name
    limited: bool = True  # held to a CPU limit (not /ping/)


# Who asks for the pages: groups of signed-in people (see ``_sessions``).
SESSIONS = ("applicant", "employer", "other employer", "reviewer")


@dataclass
class Person:
    cookie: str
    name: str
    application: int = 0


@dataclass
class Result:
    name: str
    path: str
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    kb: float = 0.0
    requests: int = 0
    errors: int = 0
    failed: str = ""  # why the page could not be measured
    ratio: float | None = None
    others: float = 0.0  # share of the CPU other processes took meanwhile
    app_ms: float = 0.0  # CPU time per request in gunicorn
    db_ms: float = 0.0  # CPU time per request in PostgreSQL
    people: int = 0  # distinct sessions the requests rotated over
    limit: tuple[float, float] | None = None
    writes: int = 0  # --mixed: writes made during the run
    verdict: str = ""
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(message, flush=True)


# --- arguments and environment --------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    cores = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reload", action="store_true", help="rebuild the benchmark data")
    parser.add_argument(
        "--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")), help="per page"
    )
    parser.add_argument(
        "--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", "2")), help="per page"
    )
    parser.add_argument(
        "--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "20"))
    )
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", str(2 * cores + 1)))
    )
    parser.add_argument(
        "--worker-class", default=os.environ.get("BENCH_WORKER_CLASS", "sync"), help="gunicorn -k"
    )
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "1")))
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--no-export", action="store_true", help="skip the employer CSV export")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="make writes meanwhile: reviewers move cases, applicants record stays",
    )
    parser.add_argument(
        "--write-rate",
        type=float,
        default=float(os.environ.get("BENCH_WRITE_RATE", "4")),
        help="--mixed: writes per second (half each kind)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=int(os.environ.get("BENCH_QUIET_WAIT", "0")),
        help="wait up to this many seconds for other processes to leave the CPU before measuring",
    )
    return parser.parse_args()


def _environment() -> dict[str, str]:
    """The production settings, pointed at local services."""
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL),
        "DEBUG": "0",
        # A new key each run: the sessions below are made with it in this same run.
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "VAR_DIR": str(BENCH_DIR),
        "STATIC_ROOT": str(BENCH_DIR / "static"),
    }


def _database_parts(url: str) -> tuple[str, str]:
    """(database name, URL of the maintenance database on the same server)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or not name:
        raise SystemExit(f"BENCH_DATABASE_URL must be a PostgreSQL URL with a database: {url}")
    return name, urlunsplit(parts._replace(path="/postgres"))


def _conninfo(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1).replace("pgsql://", "postgresql://", 1)


# --- database -------------------------------------------------------------------------------------


def _prepare_database(url: str, *, reload: bool, expected: str) -> bool:
    """Create (or re-create) the benchmark database as needed; True when it needs the data."""
    import psycopg
    from psycopg import sql

    name, maintenance = _database_parts(url)
    with psycopg.connect(_conninfo(maintenance), autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        exists, comment = row is not None, (row[0] if row else None)
        if exists and comment == expected and not reload:
            return False
        if exists:
            why = "--reload" if reload else f"data missing or of another version ({comment!r})"
            log(f"dropping database {name}: {why}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        log(f"creating database {name}")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


# --- sessions -------------------------------------------------------------------------------------


def _session_cookie(user: Any, *, verified: bool = False) -> str:
    """A logged-in session for ``user``, as the login view would leave it; the Cookie header."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from portal.accounts import auth

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = auth.BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if verified:
        # Two-factor: the session of a reviewer who entered a TOTP code at login.
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    # A browser that has logged in also holds its CSRF cookie (the login form set it).
    from django.middleware.csrf import _get_new_csrf_string

    csrf = _get_new_csrf_string()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def _sessions(facts: Any) -> dict[str, list[Person]]:
    """A signed-in session for every person the benchmark sends requests for."""
    return {
        "": [Person("", "")],
        "applicant": [
            Person(_session_cookie(user), user.full_name, application)
            for user, application in facts.applicants
        ],
        "employer": [Person(_session_cookie(u), u.full_name) for u in facts.employer_users],
        "other employer": [
            Person(_session_cookie(u), u.full_name) for u in facts.other_employer_users
        ],
        "reviewer": [
            Person(_session_cookie(u, verified=True), u.full_name) for u in facts.reviewers
        ],
    }


def _flush_cache(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        raise SystemExit(f"Redis is needed for the cache ({url}): {error}") from error


# --- server ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_gunicorn(args: argparse.Namespace, port: int, logfile: Path) -> subprocess.Popen[bytes]:
    command = [
        str(BIN / "gunicorn"),
        "portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        "--no-control-socket",
    ]
    log(f"gunicorn: {' '.join(command[1:])}")
    with logfile.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one in ``finally``
        )


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def _get(port: int, path: str, cookie: str = "", timeout: float = 120) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, body
    finally:
        connection.close()


def _wait_ready(process: subprocess.Popen[bytes], port: int, logfile: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = logfile.read_text(errors="replace")[-3000:]
            raise SystemExit(f"gunicorn stopped (exit {process.returncode}):\n{tail}")
        try:
            if _get(port, "/ping/", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /ping/ within 60 s")


# --- CPU used by other processes ------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _busy_ticks() -> int:
    """CPU time spent by every process on the machine (user, nice, system), in ticks."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return int(fields[0]) + int(fields[1]) + int(fields[2])


def _process_ticks(pids: set[int]) -> dict[int, int]:
    ticks = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def _machine_busy(seconds: float = 3.0) -> float:
    """Share of the machine's CPU in use over ``seconds`` (nothing of ours runs meanwhile)."""
    before = _busy_ticks()
    time.sleep(seconds)
    return (_busy_ticks() - before) / (seconds * TICKS * (os.cpu_count() or 1))


def _wait_quiet(limit: int) -> None:
    deadline = time.monotonic() + limit
    while True:
        busy = _machine_busy()
        if busy < 0.15:
            log(f"machine quiet: {busy:.0%} of the CPU in use")
            return
        if time.monotonic() > deadline:
            log(f"machine still busy after {limit} s ({busy:.0%} of the CPU in use); measuring")
            return
        log(f"  waiting for a quiet machine: {busy:.0%} of the CPU in use by others")
        time.sleep(10)


@dataclass
class CpuUse:
    app: float  # CPU seconds of the gunicorn processes
    db: float  # of the PostgreSQL backends of the benchmark database
    wrk: float  # of the load generator
    others: float  # share of the machine (0..1) that every other process took


class CpuMeter:
    """Who used the CPU while a page was measured.

    Ours: the gunicorn process group, the PostgreSQL backends of the benchmark database and wrk
    (a child of this process). Everything else that ran is "others": on a shared machine, a
    page measured while others were busy reads slower than it is.
    """

    def __init__(self, server: subprocess.Popen[bytes], database_url: str) -> None:
        self.group = server.pid
        self.database = _database_parts(database_url)[0]
        self.url = database_url

    def _pids(self) -> tuple[set[int], set[int]]:
        """(gunicorn processes, PostgreSQL backends of the benchmark database)."""
        import psycopg

        app = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == self.group:  # process group id
                    app.add(int(entry.name))
        with psycopg.connect(_conninfo(self.url), autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
        return app, {row[0] for row in rows}

    def start(self) -> None:
        self.app, self.db = self._pids()
        self.before = _process_ticks(self.app | self.db)
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.busy = _busy_ticks()
        self.started = time.monotonic()

    def stop(self) -> CpuUse:
        elapsed = time.monotonic() - self.started
        busy = _busy_ticks() - self.busy
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        app, db = self._pids()
        app, db = app | self.app, db | self.db
        after = _process_ticks(app | db)

        def used(pids: set[int]) -> float:
            return sum(after[p] - self.before.get(p, 0) for p in pids if p in after) / TICKS

        wrk = children.ru_utime + children.ru_stime
        wrk -= self.children.ru_utime + self.children.ru_stime
        use = CpuUse(app=used(app), db=used(db), wrk=wrk, others=0.0)
        capacity = elapsed * TICKS * (os.cpu_count() or 1)
        ours = (use.app + use.db + use.wrk) * TICKS
        use.others = max(0.0, (busy - ours) / capacity) if capacity else 0.0
        return use


# --- load -----------------------------------------------------------------------------------------


def _targets(page: Page, people: list[Person]) -> Path:
    """The file ``report.lua`` reads: one "path<TAB>cookie" line per person."""
    slug = "".join(c if c.isalnum() else "-" for c in page.name).strip("-")
    target = BENCH_DIR / f"targets-{slug}.txt"
    target.write_text(
        "".join(f"{page.path.format(application=p.application)}\t{p.cookie}\n" for p in people)
    )
    return target


def _wrk(port: int, targets: Path, seconds: int, connections: int) -> dict[str, int]:
    threads = max(1, min(2, connections))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}/",
        "--",
        str(targets),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            return {k: int(v) for k, v in (kv.split("=") for kv in line.split()[1:])}
    raise RuntimeError(f"wrk gave no figures: {done.stdout[-500:]} {done.stderr[-500:]}")


def _drain(port: int) -> None:
    """Wait until requests that wrk left behind when it stopped have been served.

    Sync workers finish every request they accepted, even for a client that has gone: the
    next page's run must not pay for them.
    """
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        started = time.monotonic()
        _get(port, "/ping/", timeout=300)
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.2)


def _measure(
    page: Page,
    port: int,
    people: list[Person],
    args: argparse.Namespace,
    cpu: CpuMeter,
    writers: Writers | None = None,
) -> Result:
    result = Result(page.name, page.path, people=len(people))
    for person in people[:3]:  # the page answers, and with this person's content
        path = page.path.format(application=person.application)
        try:
            status, body = _get(port, path, person.cookie)
        except OSError as error:
            result.failed = f"no answer: {error}"
            return result
        if status != 200:
            result.failed = f"{path} answers {status}, not 200"
            return result
        expect = page.expect.format(name=html.escape(person.name.split(" ")[0]))
        if expect and expect not in body:
            result.failed = f"{path}: 200 but without {expect!r}"
            return result
    targets = _targets(page, people)
    if args.warmup:
        _wrk(port, targets, args.warmup, args.connections)
        _drain(port)
    writes_before = writers.done() if writers else 0
    cpu.start()
    figures = _wrk(port, targets, args.seconds, args.connections)
    use = cpu.stop()
    result.writes = (writers.done() if writers else 0) - writes_before
    _drain(port)
    if not figures["requests"]:
        result.failed = f"no request answered within wrk's 10 s timeout ({args.seconds} s run)"
        return result
    result.others = use.others
    seconds = figures["duration_us"] / 1e6
    result.requests = figures["requests"]
    result.rps = figures["requests"] / seconds if seconds else 0.0
    result.p50, result.p95, result.p99 = (figures[k] / 1000 for k in ("p50_us", "p95_us", "p99_us"))
    result.kb = figures["bytes"] / max(1, figures["requests"]) / 1024
    app, db = use.app, use.db
    if writers and result.writes:
        # The writes made meanwhile cost what they cost alone (measured first): not the page's.
        app = max(0.0, app - result.writes * writers.app_seconds)
        db = max(0.0, db - result.writes * writers.db_seconds)
    result.app_ms = app * 1000 / max(1, figures["requests"])
    result.db_ms = db * 1000 / max(1, figures["requests"])
    result.errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    if result.errors:
        result.notes.append(
            "errors: "
            + ", ".join(
                f"{k} {figures[k]}"
                for k in ("connect", "read", "write", "status", "timeout")
                if figures[k]
            )
        )
    return result


def _judge(results: list[Result], pages: dict[str, Page], baseline: float) -> None:
    for r in results:
        if r.failed:
            r.verdict = f"FAILED: {r.failed}"
            continue
        r.ratio = r.rps / baseline if baseline else None
        if not pages[r.name].limited:
            r.verdict = "baseline"
            continue
        r.limit = LIMITS.get(r.name, PAGE_LIMITS)
        app_limit, db_limit = r.limit
        over = []
        if r.app_ms > app_limit:
            over.append(f"app {r.app_ms:.1f} > {app_limit:.0f} ms")
        if r.db_ms > db_limit:
            over.append(f"db {r.db_ms:.1f} > {db_limit:.0f} ms")
        if r.errors:
            over.append(f"{r.errors} errors")
        r.verdict = "ok" if not over else "OVER: " + "; ".join(over)


def _table(results: list[Result]) -> str:
    header = [
        "page",
        "path",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "KB",
        "x ping",
        "people",
        "app ms",
        "db ms",
        "limit",
        "others",
        "verdict",
    ]
    rows = [header]
    for r in results:
        if r.failed:
            rows.append([r.name, r.path, *["-"] * 11, r.verdict])
            continue
        rows.append(
            [
                r.name,
                r.path,
                f"{r.rps:,.0f}",
                f"{r.p50:.1f}",
                f"{r.p95:.1f}",
                f"{r.p99:.1f}",
                f"{r.kb:.1f}",
                f"{r.ratio:.2f}" if r.ratio is not None else "-",
                f"{r.people:,}" if r.people > 1 else "1",
                f"{r.app_ms:.1f}",
                f"{r.db_ms:.1f}",
                f"{r.limit[0]:.0f} / {r.limit[1]:.0f}" if r.limit else "-",
                f"{r.others:.0%}",
                r.verdict,
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    right = set(range(2, len(header) - 1))

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()

    out = [line(rows[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows[1:]]
    return "\n".join(out)


# --- the run --------------------------------------------------------------------------------------


def _pages(facts: Any, args: argparse.Namespace) -> list[Page]:
    pages = [
        Page("ping (start)", "/ping/", expect="pong", limited=False),
        Page("home", "/"),
        # A visitor's catalogue pages come from the cache of catalogue pages (professions/
        # caching.py); a signed-in person's are rendered every time.
        Page("catalogue (visitor)", "/professions/", expect="/professions/"),
        Page("catalogue search (visitor)", f"/professions/?q={facts.search}", expect=facts.search),
        Page("catalogue", "/professions/", "applicant", "/professions/"),
        Page("catalogue search", f"/professions/?q={facts.search}", "applicant", facts.search),
        Page("profession", f"/professions/{facts.profession_id}/", "applicant"),
        Page("eligibility", f"/professions/eligibility/?q={facts.search}", "applicant"),
        Page("applicant dashboard", "/dashboard/professional/", "applicant", "{name}"),
        Page("application", "/permits/{application}/", "applicant", "RP-"),
        Page("stays (20)", "/stays/", "applicant", "{name}"),
        Page("employer dashboard", "/dashboard/employer/", "employer", "(bench) LLP"),
        Page("employer dashboard (~25)", "/dashboard/employer/", "other employer", "(bench) LLP"),
        Page("reviewer queue", "/admin/permits/application/", "reviewer", "RP-"),
    ]
    if not args.no_export:
        pages.append(Page("staff CSV (1,000)", "/employer/staff.csv", "employer", "RP-"))
    if args.pages:
        wanted = {name.strip() for name in args.pages.split(",")}
        pages = [p for p in pages if p.name in wanted or p.name.split(" (")[0] in wanted]
        pages.insert(0, Page("ping (start)", "/ping/", expect="pong", limited=False))
    pages.append(Page("ping (end)", "/ping/", expect="pong", limited=False))
    return pages


# --- writes (--mixed) -----------------------------------------------------------------------------

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_EXPECTED = re.compile(
    r'name="expected_status" value="([^"]+)"|value="([^"]+)" name="expected_status"'
)


@dataclass
class WriteStats:
    name: str
    done: int = 0
    failed: int = 0
    latencies: list[float] = field(default_factory=list)  # ms, the POST
    last_error: str = ""


class Writers:
    """Writes as people make them, beside the load: a GET of the form (its CSRF token), then the
    POST, through the portal's views. Reviewers take submitted cases and approve or refuse
    cases under review (each by its assigned reviewer); applicants record a past trip (before
    their first recorded one, so it is always valid)."""

    def __init__(self, port: int, rate: float, plan: dict[str, Any]) -> None:
        self.port, self.rate, self.plan = port, rate, plan
        self.stats = {k: WriteStats(k) for k in ("take a case", "decide a case", "record a stay")}
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.app_seconds = self.db_seconds = 0.0  # CPU a write costs alone (``calibrate``)
        self._lock = threading.Lock()
        self._count = 0

    def done(self) -> int:
        with self._lock:
            return self._count

    def start(self) -> None:
        self.stop.clear()
        self.threads = [
            threading.Thread(
                target=self._loop, args=(self._reviewer, "decide a case"), daemon=True
            ),
            threading.Thread(
                target=self._loop, args=(self._traveller, "record a stay"), daemon=True
            ),
        ]
        for thread in self.threads:
            thread.start()

    def halt(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def calibrate(self, cpu: CpuMeter, seconds: int) -> None:
        """The CPU one write costs (its GET and POST), with nothing else running."""
        before = self.done()
        cpu.start()
        self.start()
        time.sleep(seconds)
        self.halt()
        use = cpu.stop()
        writes = max(1, self.done() - before)
        self.app_seconds, self.db_seconds = use.app / writes, use.db / writes

    def _loop(self, flow: Callable[[], None], kind: str) -> None:
        interval = 2.0 / self.rate if self.rate > 0 else 1.0  # half the rate each
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                flow()
            except Exception as error:  # noqa: BLE001 - counted and shown, the load goes on
                self.stats[kind].failed += 1
                self.stats[kind].last_error = repr(error)
            self.stop.wait(max(0.0, interval - (time.monotonic() - started)))

    def _request(
        self, method: str, path: str, cookie: str, body: dict[str, str] | None = None
    ) -> tuple[int, str, float]:
        from urllib.parse import urlencode

        origin = f"https://127.0.0.1:{self.port}"
        headers = {"X-Forwarded-Proto": "https", "Cookie": cookie}
        data = None
        if body is not None:
            data = urlencode(body)
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": origin,
                    "Referer": origin + path,
                }
            )
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            return response.status, text, (time.perf_counter() - started) * 1000
        finally:
            connection.close()

    def _post_form(self, kind: str, path: str, cookie: str, fields: dict[str, str]) -> None:
        stats = self.stats[kind]
        status, page, _ = self._request("GET", path, cookie)
        token = _TOKEN.search(page)
        if status != 200 or token is None:
            stats.failed += 1
            stats.last_error = f"GET {path}: {status}"
            return
        expected = _EXPECTED.search(page)
        if expected:
            fields = {**fields, "expected_status": expected.group(1) or expected.group(2)}
        status, _, ms = self._request(
            "POST", path, cookie, {"csrfmiddlewaretoken": token.group(1), **fields}
        )
        if status == 302:
            stats.done += 1
            stats.latencies.append(ms)
            with self._lock:
                self._count += 1
        else:
            stats.failed += 1
            stats.last_error = f"POST {path}: {status}"

    def _reviewer(self) -> None:
        plan = self.plan
        if plan["submitted"] and (not plan["under_review"] or random.random() < 0.5):
            application = plan["submitted"].pop()
            cookie = random.choice(plan["reviewers"]).cookie
            path = f"/admin/permits/application/{application}/move/under_review/"
            self._post_form("take a case", path, cookie, {"note": ""})
        elif plan["under_review"]:
            application, reviewer = plan["under_review"].pop()
            cookie = plan["reviewer_cookies"][reviewer]
            if random.random() < 0.7:
                path = f"/admin/permits/application/{application}/move/approved/"
                self._post_form("decide a case", path, cookie, {"note": ""})
            else:
                path = f"/admin/permits/application/{application}/move/refused/"
                fields = {
                    "reason": "not_eligible",
                    "message": "Your profession does not meet the list's requirements.",
                    "note": "",
                }
                self._post_form("decide a case", path, cookie, fields)

    def _traveller(self) -> None:
        person, first_entry = random.choice(self.plan["travellers"])
        with self._lock:
            earliest = self.plan["earliest"].get(person.cookie, first_entry)
            exit_day = earliest - timedelta(days=random.randint(20, 60))
            entry = exit_day - timedelta(days=random.randint(1, 10))
            self.plan["earliest"][person.cookie] = entry
        fields = {"entry": entry.isoformat(), "exit": exit_day.isoformat(), "note": "bench"}
        self._post_form("record a stay", "/stays/", person.cookie, fields)


def _write_plan(facts: Any, sessions: dict[str, list[Person]]) -> dict[str, Any]:
    """The cases reviewers move and the people who record stays, from the data."""
    from django.db.models import Min

    from permits.models import Application
    from permits.workflow import Status
    from stays.models import Crossing

    reviewers = sessions["reviewer"]
    by_user = {u.pk: person for u, person in zip(facts.reviewers, reviewers, strict=True)}
    cases = Application.objects.exclude(applicant__in=[u for u, _ in facts.applicants])
    submitted = list(cases.filter(status=Status.SUBMITTED).values_list("pk", flat=True))
    under_review = list(
        cases.filter(status=Status.UNDER_REVIEW, reviewer_id__in=by_user).values_list(
            "pk", "reviewer_id"
        )
    )
    random.shuffle(submitted)
    random.shuffle(under_review)
    people = {
        u.pk: person for (u, _), person in zip(facts.applicants, sessions["applicant"], strict=True)
    }
    first = dict(
        Crossing.objects.filter(person_id__in=people)
        .values("person_id")
        .annotate(first=Min("entry"))
        .values_list("person_id", "first")
    )
    return {
        "reviewers": reviewers,
        "reviewer_cookies": {pk: person.cookie for pk, person in by_user.items()},
        "submitted": submitted,
        "under_review": under_review,
        "travellers": [(people[pk], day) for pk, day in first.items()],
        "earliest": {},
    }


def _mark_changed(url: str) -> None:
    """Say on the database that its data was changed, so that the next run reloads it."""
    import psycopg
    from psycopg import sql

    name, maintenance = _database_parts(url)
    with psycopg.connect(_conninfo(maintenance), autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal("changed by bench/run.py --mixed")
            )
        )


def _write_table(writers: Writers) -> str:
    lines = [
        f"writes (--mixed, GET of the form then POST; {writers.app_seconds * 1000:.1f} ms app "
        f"and {writers.db_seconds * 1000:.1f} ms db each, measured alone):",
        f"{'write':15}  {'done':>6}  {'failed':>6}  {'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}",
    ]
    for stats in writers.stats.values():
        ordered = sorted(stats.latencies)

        def pct(q: float, ordered: list[float] = ordered) -> str:
            return (
                f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.1f}" if ordered else "-"
            )

        lines.append(
            f"{stats.name:15}  {stats.done:>6}  {stats.failed:>6}  {pct(0.5):>7}  {pct(0.95):>7}  "
            f"{pct(0.99):>7}" + (f"  last error: {stats.last_error}" if stats.last_error else "")
        )
    return "\n".join(lines)


def _timed(what: str, action: Callable[[], Any]) -> Any:
    started = time.monotonic()
    value = action()
    log(f"{what}: {time.monotonic() - started:.1f} s")
    return value


def main() -> int:
    args = _arguments()
    started = time.monotonic()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for name in NOT_INHERITED:
        os.environ.pop(name, None)
    env = _environment()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    load1 = os.getloadavg()[0]
    log(
        f"machine: {os.cpu_count()} cores, load average {load1:.2f}; "
        f"Python {platform.python_version()}"
    )
    if load1 > 1.0 and not args.quiet_wait:
        log(
            "  note: other processes are busy; the figures will be lower than on an idle machine "
            "(--quiet-wait waits for a quiet moment)"
        )

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import data

    _flush_cache(env["CACHE_URL"])
    needs_data = _prepare_database(env["DATABASE_URL"], reload=args.reload, expected=data.marker())
    _timed("migrate", lambda: call_command("migrate", interactive=False, verbosity=0))
    if needs_data:
        log("loading the benchmark data (once; later runs reuse it, --reload rebuilds it):")
        from stays.services import today

        _timed("data", lambda: data.load(on=today(), log=log))
    else:
        log(f"data: present ({data.marker()}); --reload rebuilds it")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        log(f"database: {cursor.fetchone()[0].split(' on ')[0]}")
        cursor.execute("SELECT count(*) FROM stays_crossing")
        crossings = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM permits_application")
        applications = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM professions_profession")
        professions = cursor.fetchone()[0]
    log(
        f"data: {professions:,} professions, {applications:,} applications, "
        f"{crossings:,} stays, employer with {len(data.STAFF):,} staff"
    )
    _timed(
        "collectstatic",
        lambda: call_command("collectstatic", interactive=False, verbosity=0),
    )
    facts = data.facts()
    sessions = _timed("sessions", lambda: _sessions(facts))
    log(
        "sessions: "
        + ", ".join(f"{len(people):,} {who}s" for who, people in sessions.items() if who)
    )
    plan = _write_plan(facts, sessions) if args.mixed else None
    connection.close()

    pages = _pages(facts, args)
    port = _free_port()
    logfile = BENCH_DIR / "gunicorn.log"
    server = None
    writers = None
    results: list[Result] = []
    try:
        server = _start_gunicorn(args, port, logfile)
        _wait_ready(server, port, logfile)
        cpu = CpuMeter(server, env["DATABASE_URL"])
        if args.quiet_wait:
            _wait_quiet(args.quiet_wait)
        if plan is not None:
            # The data is changed from here on: the next run loads it afresh.
            _mark_changed(env["DATABASE_URL"])
            writers = Writers(port, args.write_rate, plan)
            writers.calibrate(cpu, max(5, args.seconds))
            log(
                f"writes alone: {writers.done()} in {max(5, args.seconds)} s, "
                f"{writers.app_seconds * 1000:.1f} ms app and {writers.db_seconds * 1000:.1f} ms "
                "db each (GET of the form and POST); now beside every page at "
                f"{args.write_rate:g} per second"
            )
            writers.start()
        log(
            f"load: wrk, {args.connections} connections, {args.warmup} s warm-up and "
            f"{args.seconds} s per page, {len(pages)} runs"
        )
        for page in pages:
            result = _measure(page, port, sessions[page.who], args, cpu, writers)
            results.append(result)
            summary = result.failed or (
                f"{result.rps:,.0f} req/s, p99 {result.p99:.1f} ms, "
                f"{result.app_ms:.1f} ms app, {result.db_ms:.1f} ms db, "
                f"other processes {result.others:.0%} of the CPU"
                + (f", {result.writes} writes meanwhile" if writers else "")
                + (f" ({'; '.join(result.notes)})" if result.notes else "")
            )
            log(f"  {page.name}: {summary}")
    finally:
        if writers is not None:
            writers.halt()
        _stop(server)

    pings = [r.rps for r in results if r.name.startswith("ping") and not r.failed]
    baseline = sum(pings) / len(pings) if pings else 0.0
    _judge(results, {p.name: p for p in pages}, baseline)
    load_end = os.getloadavg()[0]
    log("")
    log(
        f"{args.connections} concurrent clients, gunicorn {args.workers} x {args.worker_class}"
        + (f" ({args.threads} threads)" if args.threads > 1 else "")
        + f" on {os.cpu_count()} cores"
        + (f"; writes beside the reads at {args.write_rate:g}/s" if writers else "")
        + f"; x ping: req/s over /ping/'s {baseline:,.0f} (information)"
    )
    log(_table(results))
    log(
        "app ms, db ms: CPU time per request in gunicorn and in PostgreSQL"
        + (" (the writes made meanwhile taken off)" if writers else "")
        + "; limit: app / db ms; people: sessions the requests went round; others: share of the "
        "machine's CPU that processes outside the benchmark took during the page's run"
    )
    if writers is not None:
        log("")
        log(_write_table(writers))
    missed = [r for r in results if r.verdict.startswith(("OVER", "FAILED"))]
    log("")
    busy = [r for r in results if r.others > 0.10]
    if len(pings) == 2 and min(pings) < 0.8 * max(pings):
        log(
            f"WARNING: /ping/ gave {pings[0]:,.0f} then {pings[1]:,.0f} req/s: the machine's "
            "load changed during the run, so the ratios are uncertain."
        )
    if busy:
        log(
            "WARNING: other processes took more than 10% of the CPU while measuring "
            + ", ".join(f"{r.name} ({r.others:.0%})" for r in busy)
            + "; run again on a quiet machine for figures to publish."
        )
    log(
        f"{len(missed)} page(s) OVER their CPU limits: " + ", ".join(r.name for r in missed)
        if missed
        else "every page is within its CPU limits"
    )
    total = time.monotonic() - started
    log(f"total {total:.0f} s; load average at the end {load_end:.2f}; server log {logfile}")
    (BENCH_DIR / "results.json").write_text(
        json.dumps(
            {
                "connections": args.connections,
                "seconds": args.seconds,
                "workers": args.workers,
                "worker_class": args.worker_class,
                "threads": args.threads,
                "cores": os.cpu_count(),
                "baseline_rps": baseline,
                "load_average": [load1, load_end],
                "mixed": bool(writers),
                "results": [asdict(r) for r in results],
                "writes": [asdict(w) for w in writers.stats.values()] if writers else [],
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
