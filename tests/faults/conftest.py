"""Fault-test helpers: a Redis server of our own to kill, and a fake SMTP server that can stall.

The shared Redis on 6379 is never touched: each test that needs a broker starts its own
``redis-server`` on a free port. SMTP lies outside the portal, so a small fake stands in for it.
"""

from __future__ import annotations

import shutil
import signal
import socket
import socketserver
import subprocess
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES, require_redis, use_broker


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def committed(django_db_serialized_rollback, transactional_db):
    """Writes are committed, so a worker process sees them; seeded rows are restored after."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Redis ----------------------------------------------------------------------------------------


class RedisServer:
    """A ``redis-server`` process without persistence, on its own port, to kill and restart."""

    ARGS = ("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no")

    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def ping(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Opened per start so the log survives a restart; the child keeps its own descriptor.
        with (self.workdir / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(
                ["redis-server", *self.ARGS, "--port", str(self.port), "--dir", str(self.workdir)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while not self.ping():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        """Kill the server outright (SIGKILL): whatever it held in memory is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a paused server must die too
            self.proc.kill()
            self.proc.wait(timeout=10)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections are accepted by the kernel, never answered."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def unacked(self) -> dict[bytes, bytes]:
        """Messages delivered to a worker but not yet acknowledged (kombu's Redis transport)."""
        return self.client().hgetall("unacked")

    def queued(self) -> int:
        return int(self.client().llen("celery"))


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis of this test's own, and the Celery app of this process publishing to it."""
    require_redis()  # the suite's rule: no Redis means skip, or fail with REQUIRE_SERVICES=1
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed"
        if REQUIRE_SERVICES:
            pytest.fail(message + " and REQUIRE_SERVICES=1", pytrace=False)
        pytest.skip(message)
    from portal.celery import app

    server = RedisServer(free_port(), tmp_path / "redis")
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    server.start()
    app.conf.task_always_eager = False
    use_broker(server.url)
    try:
        yield server
    finally:
        use_broker(saved["broker_url"])
        app.conf.task_always_eager = saved["task_always_eager"]
        server.kill()


# --- SMTP -----------------------------------------------------------------------------------------


class FakeSMTPServer:
    """A minimal SMTP server on 127.0.0.1 that records the messages it accepts.

    With ``stall="data"`` it holds the reply to the first message's final dot until the test
    calls ``release``; if the client has gone by then, the message is discarded, as a real
    server discards a message it never acknowledged. With ``stall="quit"`` it accepts the first
    message at once and holds the reply to the QUIT that follows it.
    """

    def __init__(self, stall: str | None = None, before_accept=None) -> None:
        self.stall = stall
        self.before_accept = before_accept  # called once the message is in, before the 250
        self.messages: list[bytes] = []
        self.stalled = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._has_stalled = False
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                outer._session(self.rfile, self.wfile, self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"smtp://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def notification_ids(self) -> list[str]:
        with self._lock:
            return [message_from_bytes(m)["X-Portal-Notification"] for m in self.messages]

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def _stall_here(self, at: str) -> bool:
        with self._lock:
            if self.stall != at or self._has_stalled:
                return False
            self._has_stalled = True
        return True

    def _hold(self, sock: socket.socket) -> bool:
        """Stall until released (bounded); return whether the client is still connected."""
        self.stalled.set()
        self._release.wait(timeout=60)
        try:
            return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
        except BlockingIOError:  # connected, nothing sent: the client is waiting for our reply
            return True
        except OSError:
            return False

    def _session(self, rfile, wfile, sock: socket.socket) -> None:
        def reply(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        try:
            reply("220 smtp.test ESMTP")
            while line := rfile.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    reply("250 smtp.test")
                elif verb == b"DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (chunk := rfile.readline()) != b".\r\n":
                        if not chunk:
                            return
                        lines.append(chunk[1:] if chunk.startswith(b".") else chunk)
                    if self._stall_here("data") and not self._hold(sock):
                        return  # the client died before we accepted: nothing delivered
                    with self._lock:
                        self.messages.append(b"".join(lines))
                    if self.before_accept is not None:
                        self.before_accept()
                    reply("250 2.0.0 accepted")
                elif verb == b"QUIT":
                    if self._stall_here("quit"):
                        self._hold(sock)
                    reply("221 bye")
                    return
                else:  # MAIL, RCPT, RSET, NOOP
                    reply("250 ok")
        except OSError:
            return


@pytest.fixture
def smtp_factory() -> Iterator:
    servers: list[FakeSMTPServer] = []

    def make(stall: str | None = None, before_accept=None) -> FakeSMTPServer:
        servers.append(FakeSMTPServer(stall, before_accept))
        return servers[-1]

    try:
        yield make
    finally:
        for server in servers:
            server.close()
