"""Fault tests: Redis down while people apply, the database connection lost in mid-request, a
Celery worker killed in mid-task. Real processes, real connections; only SMTP is faked."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.urls import reverse

from permits.models import Application, Document, StatusChange
from permits.states import Status
from permits.workflow import transition
from portal.notifications.models import Notification
from portal.notifications.outbox import CLAIM_TIMEOUT, enqueue, sweep
from tests.conftest import WorkerProcess, start_worker, wait_for
from tests.permits.factories import PDF_BYTES, ApplicationFactory, ready_application

# A guard against hanging, not a benchmark: publishing gives up after a 2 s connect timeout.
NO_HANG = 10.0
# kombu's Redis transport hands an unacknowledged message to another worker after this long.
VISIBILITY_TIMEOUT = timedelta(hours=1)


def _submit_through_the_page(client, application: Application) -> float:
    client.force_login(application.applicant)
    started = time.monotonic()
    response = client.post(
        reverse("permits:review", args=[application.pk]), {"expected_status": Status.DRAFT}
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert response.url == reverse("permits:detail", args=[application.pk])
    return elapsed


def _submit_through_transition(application: Application) -> float:
    started = time.monotonic()
    transition(application, Status.SUBMITTED, by=application.applicant)
    return time.monotonic() - started


def _received(worker: WorkerProcess, task_id: str = "") -> int:
    """How many times the worker took a delivery task (``task_id``: that message only)."""
    pattern = rf"deliver_notification_task\[{re.escape(task_id) or '[^]]+'}\] received"
    return len(re.findall(pattern, worker.output()))


def _idle(redis_server, worker: WorkerProcess, received: int) -> bool:
    """The worker took ``received`` messages and acknowledged them all; none is waiting."""
    return (
        _received(worker) >= received and not redis_server.unacked() and not redis_server.queued()
    )


def _mailed_ids(mail_dir: Path) -> list[str]:
    """The X-Portal-Notification header of every e-mail the file backend wrote."""
    return [
        found
        for path in sorted(mail_dir.glob("*.log"))
        for found in re.findall(r"^X-Portal-Notification: (\d+)$", path.read_text(), re.M)
    ]


# --- Redis stopped while applications are submitted ---------------------------------------------


@pytest.mark.services
def test_it_saves_every_application_while_redis_is_down_and_mails_each_once_after(
    client, own_redis, committed, tmp_path, monkeypatch
):
    applications = [ready_application() for _ in range(5)]

    # Redis is up for the first one: its message waits in Redis, which then dies with it.
    _submit_through_the_page(client, applications[0])
    assert own_redis.queued() == 1
    own_redis.kill()

    for application in applications[1:3]:
        assert _submit_through_the_page(client, application) < NO_HANG
    for application in applications[3:]:
        assert _submit_through_transition(application) < NO_HANG

    for application in applications:
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert application.changes.get().to_status == Status.SUBMITTED
    notifications = Notification.objects.filter(kind="permit.status")
    ids = sorted(str(pk) for pk in notifications.values_list("pk", flat=True))
    assert len(ids) == len(applications)
    assert not notifications.filter(email_sent_at__isnull=False).exists()

    # Redis is back, empty. The beat task's sweep queues every undelivered e-mail; twice, so
    # that each is in the queue twice when the worker starts.
    own_redis.start()
    assert own_redis.queued() == 0
    assert sweep(older_than=timedelta(0)) == len(ids)
    assert sweep(older_than=timedelta(0)) == len(ids)
    assert own_redis.queued() == 2 * len(ids)

    mail_dir = tmp_path / "worker-var" / "mail"
    monkeypatch.setenv("VAR_DIR", str(mail_dir.parent))
    monkeypatch.delenv("EMAIL_URL", raising=False)  # the worker writes e-mails as files
    worker = start_worker(own_redis.url, tmp_path / "worker.log")
    try:
        assert wait_for(lambda: _idle(own_redis, worker, 2 * len(ids)), timeout=30), worker.output()
    finally:
        worker.stop()
    assert notifications.filter(email_sent_at__isnull=False).count() == len(ids)
    assert sorted(_mailed_ids(mail_dir)) == ids  # one each, none twice
    assert sweep(older_than=timedelta(0)) == 0


# --- The database connection dropped in mid-request ---------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the test kills the request's server process (pg_terminate_backend)",
)


def _terminate(backend_pid: int) -> None:
    """Kill a PostgreSQL backend from a separate connection, and wait until it is gone."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [backend_pid])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


class KillConnectionBefore:
    """An execute wrapper that kills this request's database connection just before the first
    statement starting with ``prefix``, and records the statements run before it."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.before: list[str] = []
        self.killed = False

    def __call__(self, execute, sql, params, many, context):
        if not self.killed and sql.startswith(self.prefix):
            self.killed = True
            _terminate(context["connection"].connection.info.backend_pid)
        elif not self.killed:
            self.before.append(sql)
        return execute(sql, params, many, context)

    def ran_before(self, prefix: str) -> bool:
        return any(sql.startswith(prefix) for sql in self.before)


@postgres_only
@pytest.mark.parametrize(
    "dies_before", ['INSERT INTO "permits_statuschange"', 'INSERT INTO "portal_notification"']
)
def test_a_connection_lost_while_submitting_shows_the_error_page_and_writes_nothing(
    client, committed, dies_before
):
    application = ready_application()
    client.force_login(application.applicant)
    client.raise_request_exception = False
    url = reverse("permits:review", args=[application.pk])

    fault = KillConnectionBefore(dies_before)
    with connection.execute_wrapper(fault):
        response = client.post(url, {"expected_status": Status.DRAFT})
    connection.close()  # what the end of a real request does with a broken connection

    assert fault.killed
    assert fault.ran_before('UPDATE "permits_application"')  # the status was already written
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.submitted_at is None
    assert not StatusChange.objects.filter(application=application).exists()
    assert not Notification.objects.exists()

    # The next request gets a fresh connection and the same submission goes through.
    response = client.post(url, {"expected_status": Status.DRAFT})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert StatusChange.objects.filter(application=application).count() == 1


@postgres_only
def test_a_connection_lost_while_uploading_shows_the_error_page_and_stores_no_document(
    client, committed
):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    client.raise_request_exception = False
    doc_type = application.required_document_types()[0]

    fault = KillConnectionBefore('INSERT INTO "permits_document"')
    with connection.execute_wrapper(fault):
        response = client.post(
            reverse("permits:documents", args=[application.pk]),
            {"doc_type": doc_type.pk, "file": SimpleUploadedFile("passport.pdf", PDF_BYTES)},
        )
    connection.close()

    assert fault.killed
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert not Document.objects.filter(application=application).exists()
    # The uploaded file itself was stored before the INSERT and stays behind without a row:
    # file storage is not transactional. Harmless to users (nothing points at it).


# --- A Celery worker killed in mid-task ---------------------------------------------------------


def _one_hour_later(redis_server, notification: Notification) -> None:
    """Move the clock of the stored timestamps back by the visibility timeout: the unacked
    message becomes visible to the next worker that starts, and the dead worker's claim has
    expired (CLAIM_TIMEOUT is shorter)."""
    assert CLAIM_TIMEOUT < VISIBILITY_TIMEOUT
    client = redis_server.client()
    for tag, score in client.zrange("unacked_index", 0, -1, withscores=True):
        client.zadd("unacked_index", {tag: score - VISIBILITY_TIMEOUT.total_seconds()})
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=F("email_claimed_at") - VISIBILITY_TIMEOUT
    )


def _submit_and_kill_the_worker_mid_send(own_redis, smtp, tmp_path, monkeypatch, accepted=False):
    """Submit an application with a worker running; SIGKILL the worker while it talks to SMTP.

    Returns the notification, the id of the task that was running, and the dead worker.
    """
    monkeypatch.setenv("EMAIL_URL", smtp.url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "worker-var"))
    worker = start_worker(own_redis.url, tmp_path / "worker-1.log")
    try:
        application = ready_application()
        _submit_through_transition(application)
        notification = Notification.objects.get(recipient=application.applicant)
        assert smtp.stalled.wait(timeout=30), worker.output()

        # Mid-task: the message is taken but not acknowledged (late acknowledgement).
        unacked = own_redis.unacked()
        assert len(unacked) == 1 and own_redis.queued() == 0
        worker.proc.kill()
        worker.proc.wait(timeout=10)
    finally:
        worker.stop()
    smtp.release()

    # The message survived the worker. The row is claimed; it is marked sent only if the SMTP
    # server had accepted the e-mail before the worker died (deliver() records that at once).
    assert own_redis.unacked() == unacked
    notification.refresh_from_db()
    assert notification.email_claimed_at is not None
    assert (notification.email_sent_at is not None) == accepted
    (raw,) = unacked.values()
    task_id = json.loads(raw)[0]["headers"]["id"]
    assert _received(worker, task_id) == 1
    return notification, task_id


def _the_next_worker_runs_it_again(own_redis, notification, task_id, tmp_path) -> WorkerProcess:
    _one_hour_later(own_redis, notification)
    worker = start_worker(own_redis.url, tmp_path / "worker-2.log")
    try:
        # On start the worker puts the overdue message back in the queue and runs the task.
        assert wait_for(lambda: _received(worker, task_id) == 1, timeout=20), worker.output()
        assert wait_for(lambda: _idle(own_redis, worker, 1), timeout=20), worker.output()
        # Neither the sweeper nor a duplicate message in the queue sends it again.
        assert sweep(older_than=timedelta(0)) == 0
        assert enqueue(notification.pk)
        assert wait_for(lambda: _idle(own_redis, worker, 2), timeout=20), worker.output()
    finally:
        worker.stop()
    return worker


@pytest.mark.services
def test_a_worker_killed_before_the_mail_went_leaves_the_task_to_the_next_one(
    own_redis, smtp_factory, committed, tmp_path, monkeypatch
):
    # The SMTP server holds its reply to the message: the worker dies before it is accepted.
    smtp = smtp_factory(stall="data")
    notification, task_id = _submit_and_kill_the_worker_mid_send(
        own_redis, smtp, tmp_path, monkeypatch
    )
    assert smtp.notification_ids() == []

    _the_next_worker_runs_it_again(own_redis, notification, task_id, tmp_path)

    notification.refresh_from_db()
    assert notification.email_sent_at is not None
    assert smtp.notification_ids() == [str(notification.pk)]


@pytest.mark.services
def test_a_worker_killed_after_the_mail_went_does_not_send_it_again(
    own_redis, smtp_factory, committed, tmp_path, monkeypatch
):
    # The SMTP server accepts the message, then holds its reply to QUIT.
    smtp = smtp_factory(stall="quit")
    notification, task_id = _submit_and_kill_the_worker_mid_send(
        own_redis, smtp, tmp_path, monkeypatch, accepted=True
    )
    assert smtp.notification_ids() == [str(notification.pk)]

    _the_next_worker_runs_it_again(own_redis, notification, task_id, tmp_path)

    assert smtp.notification_ids() == [str(notification.pk)]


def _pool_processes(worker: WorkerProcess) -> list[int]:
    pid = worker.proc.pid
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _dead(pid: int) -> bool:
    """Gone, or a zombie: either way its sockets are closed."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.services
def test_a_killed_pool_process_hands_the_task_back_at_once_and_it_is_sent_once(
    own_redis, smtp_factory, committed, tmp_path, monkeypatch
):
    # The production default: a prefork pool. The kernel kills the process running the task
    # (the OOM killer, say) while the SMTP server has not yet accepted the message.
    smtp = smtp_factory(stall="data")
    monkeypatch.setenv("EMAIL_URL", smtp.url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "worker-var"))
    worker = start_worker(
        own_redis.url, tmp_path / "worker.log", "--pool", "prefork", "--concurrency", "1"
    )
    try:
        application = ready_application()
        _submit_through_transition(application)
        notification = Notification.objects.get(recipient=application.applicant)
        assert smtp.stalled.wait(timeout=30), worker.output()
        (raw,) = own_redis.unacked().values()
        task_id = json.loads(raw)[0]["headers"]["id"]
        (pool_process,) = _pool_processes(worker)
        os.kill(pool_process, signal.SIGKILL)
        assert wait_for(lambda: _dead(pool_process), timeout=10)
        smtp.release()

        # Late acknowledgement and reject_on_worker_lost: the message goes back to the queue
        # and runs again at once, in a new pool process.
        assert wait_for(lambda: _received(worker, task_id) == 2, timeout=20), worker.output()
        assert wait_for(lambda: _idle(own_redis, worker, 2), timeout=20), worker.output()
        assert "WorkerLostError" in worker.output()
        # That second run sends nothing: the dead process's claim still stands, and the sweeper
        # leaves a claimed row alone until the claim expires.
        notification.refresh_from_db()
        assert notification.email_sent_at is None and smtp.notification_ids() == []
        assert sweep(older_than=timedelta(0)) == 0

        # CLAIM_TIMEOUT later the beat task's sweep queues it again; it goes out once.
        Notification.objects.filter(pk=notification.pk).update(
            email_claimed_at=F("email_claimed_at") - CLAIM_TIMEOUT
        )
        assert sweep(older_than=timedelta(0)) == 1
        assert wait_for(lambda: _idle(own_redis, worker, 3), timeout=20), worker.output()
        assert sweep(older_than=timedelta(0)) == 0
    finally:
        worker.stop()
    notification.refresh_from_db()
    assert notification.email_sent_at is not None
    assert smtp.notification_ids() == [str(notification.pk)]
