"""Shared fixtures: one person per role, and real Redis / Celery worker when available."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from portal.accounts.roles import CATALOGUE_EDITORS, REVIEWERS

from .factories import EmployerUserFactory, StaffFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def new_applicant():
    return UserFactory(email="alice@example.kz", full_name="Alice Applicant")


def new_other_applicant():
    return UserFactory(email="bob@example.kz", full_name="Bob Outsider", citizenship="US")


def new_employer_user():
    return EmployerUserFactory(email="erlan@employer-a.kz", full_name="Erlan Employer")


def new_other_employer_user():
    return EmployerUserFactory(email="zhanna@employer-b.kz", full_name="Zhanna Employer")


def new_reviewer():
    return StaffFactory(email="rita@gov.kz", full_name="Rita Reviewer", groups=[REVIEWERS])


def new_catalogue_editor():
    return StaffFactory(email="cat@gov.kz", full_name="Cat Editor", groups=[CATALOGUE_EDITORS])


@pytest.fixture
def applicant(db):
    return new_applicant()


@pytest.fixture
def other_applicant(db):
    return new_other_applicant()


@pytest.fixture
def employer_user(db):
    return new_employer_user()


@pytest.fixture
def other_employer_user(db):
    return new_other_employer_user()


@pytest.fixture
def reviewer(db):
    return new_reviewer()


@pytest.fixture
def catalogue_editor(db):
    return new_catalogue_editor()


# --- Real services ------------------------------------------------------------------------------


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def require_redis() -> None:
    """Skip (or, with REQUIRE_SERVICES=1, fail) when Redis cannot be reached."""
    if _redis_available():
        return
    message = f"Redis is not reachable at {REDIS_URL}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " and REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or ''}:{s.get('PORT') or 5432}/{s['NAME']}"


def use_broker(url: str) -> None:
    """Point this process's Celery app at ``url``, dropping cached connections."""
    from kombu import pools

    from portal.celery import app
    from portal.notifications import outbox as notifications

    notifications._broker_down_until = 0.0  # a new broker: no failure of the old one counts
    app.conf.broker_url = url
    pools.reset()  # kombu keeps connection pools per URL, process-wide
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def redis_broker() -> Iterator[str]:
    """Point the Celery app of this test process at a real, empty Redis database."""
    require_redis()
    import redis

    from portal.celery import app

    redis.Redis.from_url(REDIS_URL).flushdb()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.task_always_eager = False
    use_broker(REDIS_URL)
    try:
        yield REDIS_URL
    finally:
        use_broker(saved["broker_url"])
        app.conf.task_always_eager = saved["task_always_eager"]


class WorkerProcess:
    def __init__(self, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.proc = proc
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_worker(broker: str, log: Path, *extra: str) -> WorkerProcess:
    """Start a real Celery worker process against ``broker`` and this test's database."""
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "tests-only-secret-key"),
    }
    env.pop("DEBUG", None)
    handle = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    worker = WorkerProcess(proc, log)
    deadline = time.monotonic() + 60
    while "ready." not in worker.output():
        if proc.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            pytest.fail("Celery worker did not start:\n" + worker.output())
        time.sleep(0.2)
    return worker


@pytest.fixture
def celery_worker_process(
    redis_broker, django_db_serialized_rollback, transactional_db, tmp_path
) -> Iterator[WorkerProcess]:
    """A real Celery worker in its own process, consuming from Redis, on the test database.

    The test's writes are committed so the worker sees them; the rows that migrations seed
    (groups, document types, professions) are restored afterwards.
    """
    worker = start_worker(redis_broker, tmp_path / "worker.log")
    try:
        yield worker
    finally:
        worker.stop()


def deliveries_done(worker: WorkerProcess, broker: str, received: int) -> bool:
    """The worker took ``received`` delivery tasks and finished them all: nothing is left in the
    broker's queue or unacknowledged (delivery tasks are acknowledged late, once done). The
    positive signal a test waits for before it checks that nothing more went out."""
    import redis

    taken = re.findall(r"deliver_notification_task\[[^\]]+\] received", worker.output())
    client = redis.Redis.from_url(broker, socket_connect_timeout=1)
    return len(taken) >= received and not client.llen("celery") and not client.hlen("unacked")


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Test databases roll back but the in-process cache does not: no catalogue page of one test
    # may be served in the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def _plain_http_live_server() -> Iterator[None]:
    # The live server builds its middleware once, when it starts, before the function-scoped
    # ``_plain_http`` fixture below runs: turn the HTTPS redirect off first.
    from django.test.utils import override_settings

    override = override_settings(SECURE_SSL_REDIRECT=False)
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session")
def live_server(_plain_http_live_server: None, live_server: Any) -> Any:
    return live_server


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The test client speaks plain HTTP; production settings would redirect it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # Tests log staff in with force_login; two-factor login has tests of its own.
    settings.OTP_REQUIRED_FOR_ADMIN = False
    # Pages are rendered without running collectstatic first (that is tested on its own).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
