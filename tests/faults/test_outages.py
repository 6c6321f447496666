"""Redis stopped or paused is an outage of nothing; database connections that die are replaced.

Over HTTP against the live server, with a Redis of the test's own as both the cache and the
broker: people read pages, sign up, log in and out, submit an application and record a stay
while it is down; the e-mails those write wait in the outbox and go out once when it is back.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.db.models import F
from django.urls import reverse

from permits.models import Application
from permits.states import Status
from permits.workflow import transition
from portal.core import clock
from portal.core.models import Heartbeat
from portal.notifications.models import Notification
from portal.notifications.outbox import CLAIM_TIMEOUT, enqueue, sweep
from professions.models import Profession
from stays.models import Crossing
from tests.conftest import ROOT, _database_url, start_worker, wait_for
from tests.factories import PASSWORD, UserFactory
from tests.http import HttpClient
from tests.permits.factories import ready_application

from .conftest import free_port
from .test_faults import _mailed_ids, postgres_only

# Each request may wait out the cache's read timeout (0.25 s) and, once, the broker's (1 s to
# connect, 2 s to read); after a failure both are left alone for a while. Generous for a
# loaded machine, far below the seconds-long stalls a paused Redis caused before.
SLOWEST = 4.0


@pytest.fixture
def redis_cache(own_redis, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.core.cache.FailSoftRedisCache",
            "LOCATION": own_redis.url.replace("/0", "/1"),
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = own_redis.url
    return own_redis


class Timed(HttpClient):
    """An HTTP client that remembers how long its slowest request took."""

    slowest = 0.0
    times: list[tuple[float, str]] = []

    def request(self, method, path, data=None, headers=None):
        started = time.monotonic()
        try:
            return super().request(method, path, data, headers)
        finally:
            took = time.monotonic() - started
            Timed.times.append((round(took, 2), f"{method} {path}"))
            Timed.slowest = max(Timed.slowest, took)


def _use_the_portal(site: str) -> dict[str, object]:
    """Everything a day of users does, while Redis is out. Returns what it made."""
    Timed.slowest = 0.0
    visitor = Timed(site)
    profession = Profession.objects.listed().first()
    for path in (
        "/",
        "/professions/",
        "/professions/?q=engineer",
        f"/professions/{profession.pk}/",
        "/professions/eligibility/?q=engineer",
        "/signup/",
        "/accounts/login/",
    ):
        assert visitor.get(path).status == 200, path

    newcomer = Timed(site)
    signed_up = newcomer.post_form(
        "/signup/professional/",
        {
            "full_name": "Nurlan Newcomer",
            "email": f"newcomer{time.monotonic_ns()}@example.kz",
            "citizenship": "DE",
            "preferred_language": "en",
            "password1": "Another-Long-Pass-99",
            "password2": "Another-Long-Pass-99",
        },
    )
    assert signed_up.status == 302
    assert newcomer.get("/dashboard/professional/").status == 200
    assert newcomer.post_form("/accounts/logout/", {}, form_page="/profile/").status == 302
    assert newcomer.get("/dashboard/professional/").status == 302  # signed out

    application = ready_application()
    applicant = Timed(site)
    assert applicant.login(application.applicant.email, PASSWORD).status == 302
    submitted = applicant.post_form(
        f"/permits/{application.pk}/review/", {"expected_status": Status.DRAFT}
    )
    assert submitted.status == 302
    recorded = applicant.post_form("/stays/", {"entry": "2026-01-05", "exit": "2026-01-12"})
    assert recorded.status == 302
    for path in ("/dashboard/professional/", f"/permits/{application.pk}/", "/stays/", "/inbox/"):
        assert applicant.get(path).status == 200, path
    health = visitor.get("/health/")
    assert health.status == 200 and '"status": "degraded"' in health.text
    return {"application": application}


def _delivered_once_when_redis_is_back(redis, tmp_path, monkeypatch) -> None:
    notifications = Notification.objects.filter(email_sent_at__isnull=True)
    ids = sorted(str(pk) for pk in notifications.values_list("pk", flat=True))
    assert ids, "the outage wrote no notification to deliver"
    redis.start() if not redis.ping() else None
    assert sweep(older_than=timedelta(0)) == len(ids)
    mail_dir = tmp_path / "worker-var" / "mail"
    monkeypatch.setenv("VAR_DIR", str(mail_dir.parent))
    monkeypatch.delenv("EMAIL_URL", raising=False)
    worker = start_worker(redis.url, tmp_path / "worker.log")
    try:
        assert wait_for(lambda: not notifications.exists(), timeout=30), worker.output()
        assert sweep(older_than=timedelta(0)) == 0
    finally:
        worker.stop()
    assert sorted(_mailed_ids(mail_dir)) == ids  # each once


@pytest.mark.services
def test_with_redis_stopped_everything_works_and_mail_goes_out_once_after(
    live_server, redis_cache, committed, tmp_path, monkeypatch
):
    redis_cache.kill()
    made = _use_the_portal(live_server.url)
    application = Application.objects.get(pk=made["application"].pk)
    assert application.status == Status.SUBMITTED
    assert Crossing.objects.filter(person=application.applicant).count() == 1
    assert Timed.slowest < SLOWEST
    _delivered_once_when_redis_is_back(redis_cache, tmp_path, monkeypatch)


@pytest.mark.services
def test_with_redis_paused_no_request_waits_longer_than_the_timeouts(
    live_server, redis_cache, committed, tmp_path, monkeypatch
):
    redis_cache.pause()
    try:
        _use_the_portal(live_server.url)
        assert Timed.slowest < SLOWEST, sorted(Timed.times)[-5:]
    finally:
        redis_cache.resume()
    _delivered_once_when_redis_is_back(redis_cache, tmp_path, monkeypatch)


@pytest.mark.services
def test_a_change_to_the_catalogue_shows_on_the_next_request(live_server, redis_cache, committed):
    """Visitors' catalogue pages come from the cache under the catalogue's version: a change
    is seen at once, with no map of pages to renew; an unchanged page revalidates to 304."""
    visitor = HttpClient(live_server.url)
    profession = Profession.objects.listed().first()
    path = f"/professions/{profession.pk}/"
    cache_db = redis.Redis(host="127.0.0.1", port=redis_cache.port, db=1)
    first = visitor.get(path)
    assert first.status == 200 and cache_db.dbsize() == 1  # kept for the next visitor
    etag = first.headers["etag"]
    assert visitor.get(path).text == first.text
    unchanged = visitor.request("GET", path, headers={"If-None-Match": etag})
    assert unchanged.status == 304 and unchanged.text == ""

    profession.title_en = "Renamed engineer"
    profession.save()
    changed = visitor.request("GET", path, headers={"If-None-Match": etag})
    assert changed.status == 200 and "Renamed engineer" in changed.text
    assert changed.headers["etag"] != etag

    # A signed-in person's page is theirs: rendered every time, never stored or revalidated.
    user = UserFactory()
    person = HttpClient(live_server.url)
    person.login(user.email, PASSWORD)
    page = person.request("GET", path, headers={"If-None-Match": changed.headers["etag"]})
    assert page.status == 200 and user.get_short_name() in page.text and "etag" not in page.headers
    assert cache_db.dbsize() == 2  # only the two visitors' versions


# --- Database connections that die ----------------------------------------------------------------


def _kill_other_backends(keep: int | None = None) -> int:
    """Terminate every server process on this database but the test's own connection (``keep``:
    its backend pid, when called from another thread)."""
    if keep is None:
        connection.ensure_connection()
        keep = connection.connection.info.backend_pid
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
                [keep],
            )
            return cursor.fetchone()[0]
    finally:
        other.close()


@pytest.fixture
def gunicorn(committed, tmp_path):
    """The portal in gunicorn (one sync worker, production settings, CONN_MAX_AGE=60) on this
    test's database: a worker that keeps its connection between requests, as in production."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": "tests-only-secret-key-for-gunicorn-0123456789",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL"):
        env.pop(name, None)
    log = (tmp_path / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: _answers(url), timeout=30), (tmp_path / "gunicorn.log").read_text()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _answers(url: str) -> bool:
    try:
        return HttpClient(url).get("/ping/").status == 200
    except OSError:
        return False


@postgres_only
def test_a_kept_connection_dropped_while_idle_is_replaced(gunicorn):
    """The server drops the worker's idle connection (a restart, a failover, an idle timeout):
    the next request gets a fresh one instead of a 500 (CONN_HEALTH_CHECKS)."""
    client = HttpClient(gunicorn)
    path = "/professions/open-data/professions.json"  # reads the database, renders no template
    assert client.get(path).status == 200
    assert _kill_other_backends() == 1  # the worker's kept connection
    for _ in range(3):
        assert client.get(path).status == 200


@postgres_only
@pytest.mark.services
def test_an_email_accepted_as_the_database_connection_dies_is_not_sent_again(
    own_redis, smtp_factory, committed, tmp_path, monkeypatch
):
    """The mail server accepts the e-mail; at that moment the worker's database connection
    dies. The worker records the sending on a new connection, so the sweeper, once the claim
    has expired (eleven minutes later), finds nothing to send again."""
    killed = []
    connection.ensure_connection()
    ours = connection.connection.info.backend_pid
    smtp = smtp_factory(before_accept=lambda: killed.append(_kill_other_backends(ours)))
    monkeypatch.setenv("EMAIL_URL", smtp.url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "worker-var"))
    worker = start_worker(own_redis.url, tmp_path / "worker.log")
    try:
        application = ready_application()
        transition(application, Status.SUBMITTED, by=application.applicant)
        notification = Notification.objects.get(recipient=application.applicant)
        assert wait_for(lambda: len(smtp.messages) == 1, timeout=30), worker.output()
        sent = Notification.objects.filter(pk=notification.pk, email_sent_at__isnull=False)
        assert wait_for(sent.exists, timeout=30), worker.output()
        assert killed and killed[0] >= 1  # the worker's connection was there, and died

        # Eleven minutes later: the claim has expired; the sweeper runs.
        Notification.objects.filter(pk=notification.pk).update(
            email_claimed_at=F("email_claimed_at") - CLAIM_TIMEOUT - timedelta(minutes=1)
        )
        assert sweep(older_than=timedelta(0)) == 0
        assert enqueue(notification.pk)  # even a stray message in the queue sends nothing
        time_to_idle = wait_for(lambda: not own_redis.queued() and not own_redis.unacked())
        assert time_to_idle, worker.output()
    finally:
        worker.stop()
    assert len(smtp.messages) == 1


@postgres_only
def test_health_says_failing_not_500_when_the_connection_dies_between_its_checks(
    client, committed, settings
):
    from .test_faults import KillConnectionBefore

    settings.CELERY_TASK_ALWAYS_EAGER = False
    Heartbeat.objects.create(name="celery", at=clock.real_now())
    client.raise_request_exception = False
    fault = KillConnectionBefore('SELECT "portal_heartbeat"')
    with connection.execute_wrapper(fault):
        response = client.get(reverse("health"))
    connection.close()
    assert fault.killed
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {
            "database": "failing",
            "redis": response.json()["checks"]["redis"],
            "workers": "failing",
        },
    }
