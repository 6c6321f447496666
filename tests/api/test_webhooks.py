"""Webhooks: signed POSTs delivered through the notification outbox by a real Celery worker,
retried after a failure and delivered exactly once; addresses that are not public refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import translation

from api import services
from arrivals import reminders
from permits.states import Status
from permits.workflow import transition
from portal.core import clock
from portal.notifications import outbox, tasks, webhooks
from portal.notifications.models import Notification
from portal.organisations import webhooks as announcing
from portal.organisations.models import Employer
from stays import services as stays_services
from tests.conftest import deliveries_done, start_worker, wait_for
from tests.factories import sponsor
from tests.permits.factories import ready_application


class Receiver:
    """A local HTTP server that refuses the first POST (500) and accepts the others."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if not receiver.requests else 200
                receiver.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What an HR system does with each POST (the README's check)."""
    timestamp = headers["X-Portal-Timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + expected.hexdigest(), headers["X-Portal-Signature"])


@pytest.mark.services
def test_an_event_is_signed_retried_and_delivered_exactly_once(
    redis_broker,
    django_db_serialized_rollback,
    transactional_db,
    tmp_path,
    monkeypatch,
    settings,
    receiver,
    employer_user,
    applicant,
):
    settings.WEBHOOK_ALLOW_LOCAL = True
    monkeypatch.setenv("WEBHOOK_ALLOW_LOCAL", "1")  # the worker's settings
    monkeypatch.setenv("NOTIFICATION_RETRY_SECONDS", "1")
    worker = start_worker(redis_broker, tmp_path / "worker.log")
    try:
        secret = services.webhook_set(employer=employer_user.employer, url=receiver.url)
        sponsor(employer_user.employer, applicant)
        # A stay recorded for the sponsored person changes their stay status.
        stays_services.crossing_create(
            person=applicant, entry=clock.today() - timedelta(days=5), exit=None
        )
        event = Notification.objects.get(channel="webhook")
        assert event.employer_id == employer_user.employer_id and event.recipient is None
        assert wait_for(
            lambda: Notification.objects.filter(pk=event.pk, email_sent_at__isnull=False).exists(),
            timeout=60,
        ), worker.output()
        # The same event sent again and swept: nothing more goes out.
        outbox.enqueue(event.pk, wait_out_failures=False)
        assert outbox.sweep(older_than=timedelta(0)) == 0
        assert wait_for(lambda: deliveries_done(worker, redis_broker, 3)), worker.output()
    finally:
        worker.stop()
    assert [status for _, _, status in receiver.requests] == [500, 200]
    (first_headers, first_body, _), (headers, body, _) = receiver.requests
    assert first_body == body  # the same bytes on every attempt
    assert first_headers["X-Portal-Event-Id"] == headers["X-Portal-Event-Id"]
    assert verifies(secret, headers, body) and verifies(secret, first_headers, first_body)
    assert not verifies("whsec_other", headers, body)
    payload = json.loads(body)
    assert (
        payload["type"] == "stay.status_changed" and payload["id"] == headers["X-Portal-Event-Id"]
    )
    assert payload["data"]["person_id"] == applicant.pk and payload["data"]["in_country"] is True
    event.refresh_from_db()
    assert (event.email_attempts, event.response_status) == (2, 200)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        # IPv6 carrying an IPv4 address (Python counts these global):
        "https://[::127.0.0.1]/hook",  # IPv4-compatible
        "https://[::169.254.169.254]/latest",
        "https://[::ffff:0:7f00:1]/hook",  # IPv4-translated 127.0.0.1
        "https://[::ffff:8.8.8.8]/hook",  # IPv4-mapped, even public
        "https://[64:ff9b::a9fe:a9fe]/latest",  # NAT64 of 169.254.169.254
        "https://[64:ff9b:1::7f00:1]/hook",  # local-use NAT64
        "https://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
        "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook",  # Teredo of 127.0.0.1
        "http://93.184.215.14/hook",  # public, but not https
        "https://user:pw@93.184.215.14/hook",
    ],
)
def test_an_address_that_is_not_public_https_is_refused(db, employer_user, url):
    with pytest.raises(services.SettingsError):
        services.webhook_set(employer=employer_user.employer, url=url)
    employer_user.employer.refresh_from_db()
    assert employer_user.employer.webhook_url == "" and employer_user.employer.webhook_secret == ""


def test_a_public_https_address_is_kept_and_its_secret_shown_once(client, employer_user):
    client.force_login(employer_user)
    settings_url = reverse("api:settings")
    response = client.post(settings_url, {"action": "webhook", "url": "https://93.184.215.14/h"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    employer = Employer.objects.get(pk=employer_user.employer_id)
    assert employer.webhook_url == "https://93.184.215.14/h" and employer.webhook_secret == secret
    assert secret not in client.get(settings_url).content.decode()
    refused = client.post(settings_url, {"action": "webhook", "url": "https://10.0.0.1/h"})
    assert refused.status_code == 200 and refused.context["form"].errors["url"]
    employer.refresh_from_db()
    assert employer.webhook_url == "https://93.184.215.14/h"


def test_the_sender_refuses_a_private_address_set_behind_its_back(db, employer_user, applicant):
    Employer.objects.filter(pk=employer_user.employer_id).update(
        webhook_url="https://127.0.0.1:9/hook", webhook_secret="s"
    )
    sponsor(employer_user.employer, applicant)
    assert announcing.announce([announcing.Event(applicant.pk, "stay.status_changed", "k")]) == 1
    event = Notification.objects.get(channel="webhook")
    with pytest.raises(webhooks.WebhookError, match="refused address"):
        outbox.deliver(event.pk)
    event.refresh_from_db()
    assert event.email_sent_at is None and event.email_attempts == 1
    # Waiting out its back-off, the sweeper leaves it alone.
    assert event.next_attempt_at > clock.real_now()
    assert not outbox.undelivered(older_than=timedelta(0)).filter(pk=event.pk).exists()


def test_an_event_is_stored_once_and_only_for_a_listening_verified_organisation(
    db, employer_user, applicant, other_applicant
):
    event = announcing.Event(applicant.pk, "stay.status_changed", "same")
    assert announcing.announce([event]) == 0  # not sponsored
    sponsor(employer_user.employer, applicant)
    assert announcing.announce([event]) == 0  # no webhook address
    Employer.objects.filter(pk=employer_user.employer_id).update(
        webhook_url="https://93.184.215.14/h", webhook_secret="s"
    )
    assert announcing.announce([event, event]) == 1
    assert announcing.announce([event]) == 0  # told before
    Employer.objects.filter(pk=employer_user.employer_id).update(status=Employer.Status.PENDING)
    other = announcing.Event(applicant.pk, "stay.status_changed", "other")
    assert announcing.announce([other]) == 0
    assert Notification.objects.filter(channel="webhook").count() == 1


@pytest.fixture
def listening(employer_user, applicant):
    """Employer A sponsors applicant A and has a (public) webhook address."""
    Employer.objects.filter(pk=employer_user.employer_id).update(
        webhook_url="https://93.184.215.14/h", webhook_secret="s"
    )
    return sponsor(employer_user.employer, applicant)


def _events(kind):
    return [json.loads(n.body) for n in Notification.objects.filter(channel="webhook", kind=kind)]


def test_an_application_move_is_announced(db, listening, applicant):
    application = ready_application(applicant=applicant)
    transition(application, Status.SUBMITTED, by=applicant)
    (event,) = _events(announcing.APPLICATION_STATE)
    assert event["data"]["state"] == "submitted" and event["data"]["from_state"] == "draft"
    assert event["data"]["application_number"] == application.number


def test_an_arrival_registration_falling_due_is_announced_once(db, listening, applicant):
    with clock.frozen(date(2026, 6, 10)):
        listening.accepted_at = clock.now() - timedelta(days=30)
        listening.save()
        stays_services.crossing_create(person=applicant, entry=date(2026, 6, 8), exit=None)
        reminders.send_reminders()
        reminders.send_reminders()
    (event,) = _events(announcing.ARRIVAL_DUE)
    assert event["data"]["stage"] == "soon" and event["data"]["deadline"] == "2026-06-11"


class Listener:
    """A local server that records every connection made to it (TLS or not) and answers 200
    to a POST, in plain http or, given a certificate, in https (recording the SNI it got)."""

    def __init__(self, certificate: tuple[str, str] | None = None) -> None:
        self.hits: list[str] = []
        self.server_names: list[str | None] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                listener.hits.append(f"POST {self.path} Host: {self.headers['Host']}")
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def verify_request(self, request, client_address) -> bool:
                listener.hits.append("connection")
                return True

        self.server = Server(("127.0.0.1", 0), Handler)
        if certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            context.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.stop()


def rebinding_resolver(monkeypatch, name: str, first: str, then: str) -> list[str]:
    """``socket.getaddrinfo`` answering ``first`` for ``name`` the first time and ``then``
    ever after (a DNS server rebinding the name); other names resolve as usual. Returns the
    answers given, in order."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        address = first if not answers else then
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _post(url: str) -> int:
    return webhooks.post(url=url, secret="s", event_id="e", timestamp="1", body=b"{}")


def test_a_name_rebound_to_a_private_address_after_the_check_is_not_reached(
    settings, monkeypatch, listener
):
    """The name answers a public address when checked and 127.0.0.1 when the sender would look
    it up again to connect: the sender connects to the address it checked, never to the local
    server (whatever becomes of that connection to the public address)."""
    settings.WEBHOOK_ALLOW_LOCAL = False
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 1.0)
    answers = rebinding_resolver(monkeypatch, "hr.example.test", "93.184.215.14", "127.0.0.1")
    with pytest.raises(webhooks.WebhookError):
        _post(f"https://hr.example.test:{listener.port}/hook")
    assert answers[0] == "93.184.215.14"
    assert listener.hits == []


def test_the_post_goes_to_the_checked_address_in_the_hosts_name(settings, monkeypatch, listener):
    """With local addresses allowed (the tests' setting), the POST reaches the address the name
    had when checked, named by its host (``Host``), with one lookup."""
    settings.WEBHOOK_ALLOW_LOCAL = True
    answers = rebinding_resolver(monkeypatch, "hr.example.test", "127.0.0.1", "10.9.9.9")
    assert _post(f"http://hr.example.test:{listener.port}/hook?x=1") == 200
    assert answers == ["127.0.0.1"]
    assert listener.hits == ["connection", f"POST /hook?x=1 Host: hr.example.test:{listener.port}"]


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for hr.example.test (made with the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=hr.example.test"]
        + ["-addext", "subjectAltName=DNS:hr.example.test"],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.mark.parametrize("name, reached", [("hr.example.test", True), ("other.test", False)])
def test_tls_is_checked_against_the_host_name_while_connecting_to_the_address(
    settings, monkeypatch, certificate, name, reached
):
    """The socket goes to the checked address; TLS sends the host name (SNI) and verifies the
    certificate against it: a certificate for another name is refused before anything is
    sent."""
    settings.WEBHOOK_ALLOW_LOCAL = True
    server = Listener(certificate)
    try:
        rebinding_resolver(monkeypatch, name, "127.0.0.1", "10.9.9.9")
        trusted = ssl.create_default_context(cafile=certificate[0])
        monkeypatch.setattr(webhooks, "tls_context", lambda: trusted)
        url = f"https://{name}:{server.port}/hook"
        if reached:
            assert _post(url) == 200
            assert server.hits[-1] == f"POST /hook Host: {name}:{server.port}"
        else:
            with pytest.raises(webhooks.WebhookError, match="CERTIFICATE_VERIFY_FAILED"):
                _post(url)
            assert not any(hit.startswith("POST") for hit in server.hits)
        assert server.server_names == [name]
    finally:
        server.stop()


def test_an_overdue_registration_is_not_announced_again_once_its_event_may_be_removed(
    db, listening, applicant
):
    """Announced again after its event was removed, an overdue registration would go out twice:
    it is announced for 30 days after its deadline, and events are kept longer than that."""
    assert (
        outbox.MIN_WEBHOOK_RETENTION_DAYS * 86400 > reminders.OVERDUE_ANNOUNCED_FOR.total_seconds()
    )
    with clock.frozen(date(2026, 6, 10)):
        listening.accepted_at = clock.now() - timedelta(days=30)
        listening.save()
        stays_services.crossing_create(person=applicant, entry=date(2026, 6, 8), exit=None)
    with clock.frozen(date(2026, 6, 11) + reminders.OVERDUE_ANNOUNCED_FOR):
        reminders.send_reminders()
    assert [e["data"]["stage"] for e in _events(announcing.ARRIVAL_DUE)] == ["overdue"]
    Notification.objects.filter(kind=announcing.ARRIVAL_DUE).delete()  # removed, as if old
    with clock.frozen(date(2026, 6, 12) + reminders.OVERDUE_ANNOUNCED_FOR):
        reminders.send_reminders()
    assert _events(announcing.ARRIVAL_DUE) == []


def _webhook_event(employer, *, days_old, **fields):
    """A webhook event made ``days_old`` days ago (and, when sent, sent then)."""
    moment = clock.real_now() - timedelta(days=days_old)
    event = Notification.objects.create(
        channel=Notification.Channel.WEBHOOK,
        employer=employer,
        kind="stay.status_changed",
        subject="stay.status_changed",
        body='{"id": "x"}',
        read_at=moment,
        **fields,
    )
    if fields.get("email_sent_at"):
        fields["email_sent_at"] = moment
    Notification.objects.filter(pk=event.pk).update(created_at=moment, **fields)
    return event.pk


def test_old_delivered_and_failed_events_are_removed_and_the_rest_kept(
    client, settings, employer_user, applicant
):
    settings.WEBHOOK_RETENTION_DAYS = 90
    employer = employer_user.employer
    sent = {"email_sent_at": clock.real_now(), "email_attempts": 1, "response_status": 200}
    failed = {"email_attempts": settings.WEBHOOK_MAX_ATTEMPTS, "response_status": 500}
    old = [
        _webhook_event(employer, days_old=91, **sent),
        _webhook_event(employer, days_old=91, **failed, email_error="HTTP 500"),
        _webhook_event(employer, days_old=400, email_sent_at=clock.real_now()),  # not sent
    ]
    kept = [
        _webhook_event(employer, days_old=89, **sent),
        _webhook_event(employer, days_old=89, **failed),
        _webhook_event(employer, days_old=91, email_attempts=3),  # still being tried
        _webhook_event(employer, days_old=91),  # waiting
    ]
    mail = Notification.objects.create(recipient=applicant, kind="x", subject="s", body="b")
    Notification.objects.filter(pk=mail.pk).update(
        created_at=clock.real_now() - timedelta(days=400),
        email_sent_at=clock.real_now() - timedelta(days=400),
    )
    # The page already shows only what is kept, before the daily task has run.
    client.force_login(employer_user)
    shown = client.get(reverse("api:settings")).context["deliveries"]
    assert sorted(d.pk for d in shown) == sorted(kept)
    # The task, run as the beat runs it (in-process here: no broker in the tests).
    assert settings.CELERY_BEAT_SCHEDULE["purge-webhook-events"]["task"] == (
        tasks.purge_webhook_events_task.name
    )
    tasks.purge_webhook_events_task.delay()
    remaining = set(Notification.objects.values_list("pk", flat=True))
    assert remaining == {*kept, mail.pk} and not remaining & set(old)
    assert tasks.purge_webhook_events_task.delay().get() == 0  # nothing more to remove


def test_retention_is_never_shorter_than_the_floor(db, settings, employer_user):
    settings.WEBHOOK_RETENTION_DAYS = 1
    sent = {"email_sent_at": clock.real_now(), "response_status": 200}
    young = _webhook_event(employer_user.employer, days_old=44, **sent)
    old = _webhook_event(employer_user.employer, days_old=46, **sent)
    assert outbox.purge_webhook_events() == 1
    assert list(Notification.objects.values_list("pk", flat=True)) == [young]
    assert old != young


class Trickler:
    """A receiver that answers ``HTTP/1.1 200 OK`` and then one byte of headers every
    ``every`` seconds, ``bytes_sent`` bytes in all, never a blank line before the end: each read
    of the sender gets a byte well within its per-read timeout."""

    def __init__(self, every: float, bytes_sent: int) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.finished = threading.Event()

        def serve() -> None:
            conn, _ = self.server.accept()
            with conn:
                conn.recv(65536)
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    for _ in range(bytes_sent):
                        if self.finished.wait(every):
                            return
                        conn.sendall(b"a")
                    conn.sendall(b"\r\nContent-Length: 0\r\n\r\n")
                except OSError:  # the sender hung up
                    pass

        threading.Thread(target=serve, daemon=True).start()

    def stop(self) -> None:
        self.finished.set()
        self.server.close()


def test_a_receiver_trickling_its_answer_is_cut_off_at_the_deadline(settings, monkeypatch):
    """One byte every 0.3 s never trips the 5 s per-read timeout; the POST's overall deadline
    ends it (the trickle would go on for 6 s and then answer 200)."""
    settings.WEBHOOK_ALLOW_LOCAL = True
    monkeypatch.setattr(webhooks, "DEADLINE_SECONDS", 1.0)
    trickler = Trickler(every=0.3, bytes_sent=20)
    try:
        started = time.monotonic()
        with pytest.raises(webhooks.WebhookError, match="no answer within 1 s"):
            _post(f"http://127.0.0.1:{trickler.port}/hook")
        assert time.monotonic() - started < 2.5
    finally:
        trickler.stop()


def test_a_stuck_delivery_task_is_ended_before_its_claim_expires():
    task = outbox.deliver_notification_task
    assert task.soft_time_limit and task.time_limit
    assert webhooks.DEADLINE_SECONDS < task.soft_time_limit < task.time_limit
    assert task.time_limit < outbox.CLAIM_TIMEOUT.total_seconds()


def test_a_path_and_query_beyond_ascii_are_percent_encoded(
    db, settings, listener, employer_user, applicant
):
    """Django's URLField takes ``…/hook/é``; http.client refuses it (a ValueError that left the
    event claimed for ever). The POST sends it percent-encoded, its %XX kept as they were."""
    settings.WEBHOOK_ALLOW_LOCAL = True
    url = f"http://127.0.0.1:{listener.port}/hook/é?city=Алматы&id=%41&p=100%"
    Employer.objects.filter(pk=employer_user.employer_id).update(
        webhook_url=url, webhook_secret="s"
    )
    sponsor(employer_user.employer, applicant)
    assert announcing.announce([announcing.Event(applicant.pk, "stay.status_changed", "k")]) == 1
    event = Notification.objects.get(channel="webhook")
    assert outbox.deliver(event.pk) is True
    assert listener.hits[-1] == (
        "POST /hook/%C3%A9?city=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B&id=%41&p=100%25"
        f" Host: 127.0.0.1:{listener.port}"
    )
    event.refresh_from_db()
    assert event.email_sent_at is not None and event.response_status == 200


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.215.14/a b",
        "https://93.184.215.14/a\tb",  # urlsplit would drop it silently
        "https://93.184.215.14/hook\x00",
        "https://93.184.215.14/hook?x=\r\nX-Injected: 1",
        "https://93.184.215.14/\u202ekoob",  # right-to-left override
    ],
)
def test_an_address_with_spaces_or_control_characters_is_refused(url):
    with translation.override("en"):  # whatever language an earlier request left active
        assert webhooks.url_problem(url) == (
            "The webhook address must not contain spaces or control characters."
        )
    with translation.override("ru"):
        assert webhooks.url_problem(url) == (
            "Адрес вебхука не должен содержать пробелов и управляющих символов."
        )
    with pytest.raises(webhooks.WebhookError, match="refused address"):
        _post(url)


def test_any_error_while_posting_counts_as_a_failed_attempt(
    db, monkeypatch, employer_user, applicant
):
    """Not only ``WebhookError``: whatever the POST raises, the claim is released and the
    attempt recorded (the event is not left claimed and "Waiting" for ever)."""
    Employer.objects.filter(pk=employer_user.employer_id).update(
        webhook_url="https://93.184.215.14/h", webhook_secret="s"
    )
    sponsor(employer_user.employer, applicant)
    announcing.announce([announcing.Event(applicant.pk, "stay.status_changed", "k")])
    event = Notification.objects.get(channel="webhook")

    def broken(**kwargs):
        raise UnicodeEncodeError("ascii", "é", 0, 1, "ordinal not in range(128)")

    monkeypatch.setattr(webhooks, "post", broken)
    with pytest.raises(UnicodeEncodeError):
        outbox.deliver(event.pk)
    event.refresh_from_db()
    assert event.email_claimed_at is None and event.email_attempts == 1
    assert "ordinal not in range" in event.email_error and event.next_attempt_at is not None


def test_delivery_stops_at_webhook_max_attempts(
    db, settings, monkeypatch, employer_user, applicant
):
    """Without a broker the task runs in the request that caused the event: one POST there, no
    chain of retries (they used to go on to 13 in a row); the sweeper's later tries stop at
    ``WEBHOOK_MAX_ATTEMPTS``, and an event failed for good is not tried again, whoever queues
    it."""
    settings.WEBHOOK_ALLOW_LOCAL = True
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    assert settings.CELERY_TASK_ALWAYS_EAGER
    posts = []

    class Refusing(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            posts.append(self.path)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        Employer.objects.filter(pk=employer_user.employer_id).update(
            webhook_url=f"http://127.0.0.1:{server.server_port}/hook", webhook_secret="s"
        )
        sponsor(employer_user.employer, applicant)
        announcing.announce([announcing.Event(applicant.pk, "stay.status_changed", "k")])
        event = Notification.objects.get(channel="webhook")
        outbox.deliver_notification_task.delay(event.pk)
        assert len(posts) == 1  # once, in the request
        event.refresh_from_db()
        assert event.email_attempts == 1 and event.email_claimed_at is None
        for _sweep in range(4):  # the sweeper's later tries: two more, then no more
            outbox.deliver_notification_task.delay(event.pk)
        assert len(posts) == 3
        event.refresh_from_db()
        assert (event.email_attempts, event.response_status) == (3, 500)
        assert event.email_claimed_at is None and event.email_sent_at is None
        assert outbox.deliver(event.pk) is False  # failed for good: not tried again
        outbox.deliver_notification_task.delay(event.pk)
        assert len(posts) == 3
        assert not outbox.undelivered(older_than=timedelta(0)).filter(pk=event.pk).exists()
    finally:
        server.shutdown()
        server.server_close()
    assert outbox.max_retries(event.pk) == 2


@pytest.mark.parametrize("url", ["https://[2606:4700:4700::1111]/h", "https://93.184.215.14/h"])
def test_a_public_address_is_allowed_in_ipv6_as_in_ipv4(settings, url):
    settings.WEBHOOK_ALLOW_LOCAL = False
    assert webhooks.url_problem(url) is None
