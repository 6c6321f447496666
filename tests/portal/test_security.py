"""Security headers, login throttling, two-factor admin login, health and request logs."""

import json
import logging

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.core import clock
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("portal:home"))
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_an_inline_script():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        for chunk in text.split("<script")[1:]:
            assert "src=" in chunk.split(">")[0], f"inline script in {template}"
        assert " onclick=" not in text and " onload=" not in text, template


class TestThrottling:
    """The rules of ``portal/accounts/throttle.py`` through the test client; the attacks
    themselves are replayed over HTTP in ``tests/security/test_attacks.py``."""

    @pytest.fixture(autouse=True)
    def _fresh(self, settings):
        settings.LOGIN_THROTTLE_ENABLED = True

    def _fail(self, client, email, n, ip="10.0.0.1"):
        for _ in range(n):
            response = client.post(
                reverse("login"), {"username": email, "password": "wrong"}, REMOTE_ADDR=ip
            )
        return response

    def test_five_failures_lock_the_account_from_that_address(self, client, applicant):
        response = self._fail(client, applicant.email, 4)
        assert response.status_code == 200  # the form says the password is wrong
        response = self._fail(client, applicant.email, 1)
        assert response.status_code == 429
        assert "Too many failed logins" in response.content.decode()
        # Even the right password is refused from that address while locked...
        response = client.post(
            reverse("login"),
            {"username": applicant.email, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 429
        # ...but the owner elsewhere is not locked out by someone else's guesses.
        response = client.post(
            reverse("login"),
            {"username": applicant.email, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.9",
        )
        assert response.status_code == 302

    def test_the_lock_lifts_after_the_cooloff(self, client, applicant):
        from datetime import timedelta

        from portal.accounts.models import LoginFailure

        self._fail(client, applicant.email, 5)
        LoginFailure.objects.update(at=clock.real_now() - timedelta(minutes=31))
        response = client.post(
            reverse("login"),
            {"username": applicant.email, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 302

    def test_an_address_failing_on_ten_accounts_is_refused(self, client, other_applicant):
        for i in range(10):
            self._fail(client, f"nobody{i}@example.kz", 1, ip="10.0.0.7")
        response = client.post(
            reverse("login"),
            {"username": other_applicant.email, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.7",
        )
        assert response.status_code == 429

    def test_a_good_login_forgives_only_its_own_mistakes(self, client, applicant, other_applicant):
        self._fail(client, applicant.email, 4)
        self._fail(client, other_applicant.email, 4)
        response = client.post(
            reverse("login"),
            {"username": applicant.email, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 302
        client.logout()
        assert self._fail(client, applicant.email, 1).status_code == 200  # its own: forgiven
        assert self._fail(client, other_applicant.email, 1).status_code == 429  # not forgiven

    def test_the_wait_doubles_with_each_failure_on_an_account(self, settings):
        from datetime import timedelta

        from portal.accounts.throttle import account_delay

        settings.LOGIN_ACCOUNT_SLOWDOWN = 10
        waits = [account_delay(n) for n in (9, 10, 11, 12, 16, 40)]
        assert waits == [
            timedelta(0),
            timedelta(minutes=1),
            timedelta(minutes=2),
            timedelta(minutes=4),
            timedelta(minutes=30),  # capped at the cool-off window
            timedelta(minutes=30),
        ]


class TestClientAddress:
    def _request(self, remote, forwarded=None):
        from django.test import RequestFactory

        meta = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **meta)

    def test_without_a_proxy_the_header_is_ignored(self, settings):
        from portal.core.clientip import client_ip

        settings.TRUSTED_PROXIES = 0
        assert client_ip(self._request("198.51.100.1", "6.6.6.6")) == "198.51.100.1"

    def test_behind_proxies_the_client_is_counted_from_the_right(self, settings):
        from portal.core.clientip import client_ip

        settings.TRUSTED_PROXIES = 1
        assert client_ip(self._request("10.0.0.2", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
        settings.TRUSTED_PROXIES = 2
        assert client_ip(self._request("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.3")) == (
            "203.0.113.9"
        )
        # Garbage in the header falls back to the peer; so does a missing header.
        assert client_ip(self._request("10.0.0.2", "not-an-ip, x")) == "10.0.0.2"
        assert client_ip(self._request("10.0.0.2")) == "10.0.0.2"

    @pytest.mark.parametrize(
        ("value", "proxies"), [("0", 0), ("off", 0), ("1", 1), ("on", 1), ("true", 1), ("2", 2)]
    )
    def test_the_setting_takes_a_switch_or_a_count(self, value, proxies):
        import os
        import subprocess
        import sys

        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "from django.conf import settings; print(settings.TRUSTED_PROXIES)",
            ],
            env={**os.environ, "BEHIND_PROXY": value, "DJANGO_SETTINGS_MODULE": "portal.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == str(proxies)


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.OTP_REQUIRED_FOR_ADMIN = True

    def test_staff_without_a_code_do_not_reach_the_admin(self, client, reviewer):
        client.force_login(reviewer)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and response.url == reverse("two_factor_setup")

    def test_staff_set_up_an_authenticator_and_then_get_in(self, client, reviewer):
        client.force_login(reviewer)
        assert "<svg" not in client.get(reverse("two_factor_setup")).content.decode()
        client.post(reverse("two_factor_setup"), {"action": "begin"})
        assert "<svg" in client.get(reverse("two_factor_setup")).content.decode()
        device = TOTPDevice.objects.get(user=reviewer)
        response = client.post(
            reverse("two_factor_setup"), {"action": "confirm", "token": _code(device)}
        )
        assert response.status_code == 200 and len(response.context["codes"]) == 10
        assert client.get(reverse("admin:index")).status_code == 200

    def test_a_wrong_code_is_refused(self, client, reviewer):
        client.force_login(reviewer)
        client.post(reverse("two_factor_setup"), {"action": "begin"})
        wrong = client.post(reverse("two_factor_setup"), {"action": "confirm", "token": "000000"})
        assert "not right" in wrong.content.decode()
        assert not TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()
        assert client.get(reverse("admin:index")).status_code == 302

    def test_the_admin_login_sends_staff_to_the_portal_login_and_the_code(self, client, reviewer):
        device = TOTPDevice.objects.create(user=reviewer, name="app", confirmed=True)
        response = client.get(reverse("admin:login") + "?next=/admin/")
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        response = client.post(
            reverse("login") + "?next=/admin/",
            {"username": reviewer.email, "password": PASSWORD},
        )
        assert client.get(reverse("admin:index")).url.startswith(reverse("two_factor_verify"))
        response = client.post(
            reverse("two_factor_verify"), {"token": _code(device), "next": "/admin/"}
        )
        assert response.status_code == 302 and response.url == "/admin/"
        assert client.get(reverse("admin:index")).status_code == 200

    def test_the_code_page_does_not_send_anyone_to_another_site(self, client, reviewer):
        device = TOTPDevice.objects.create(user=reviewer, name="app", confirmed=True)
        client.force_login(reviewer)
        response = client.post(
            reverse("two_factor_verify"), {"token": _code(device), "next": "https://evil.example/"}
        )
        assert response.status_code == 302 and response.url == reverse("admin:index")

    def test_a_removed_authenticator_stops_verifying_at_once(self, client, reviewer):
        from django_otp import DEVICE_ID_SESSION_KEY

        device = TOTPDevice.objects.create(user=reviewer, name="app", confirmed=True)
        client.force_login(reviewer)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        queue = reverse("admin:permits_application_changelist")
        for _ in range(3):
            assert client.get(queue).status_code == 200
        device.delete()
        response = client.get(queue)
        assert response.status_code == 302 and response.url == reverse("two_factor_setup")

    def test_new_recovery_codes_replace_the_old_ones(self, client, reviewer):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticToken

        client.force_login(reviewer)
        client.post(reverse("two_factor_setup"), {"action": "begin"})
        device = TOTPDevice.objects.get(user=reviewer)
        old = client.post(
            reverse("two_factor_setup"), {"action": "confirm", "token": _code(device)}
        )
        new = client.post(reverse("two_factor_recovery_codes"))
        assert new.status_code == 200
        assert set(new.context["codes"]).isdisjoint(old.context["codes"])
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(new.context["codes"])
        # An unverified session cannot make codes.
        session = client.session
        del session[DEVICE_ID_SESSION_KEY]
        session.save()
        assert client.post(reverse("two_factor_recovery_codes")).status_code == 302

    def test_the_admin_has_no_device_pages_even_for_a_superuser(self, client, reviewer):
        """Devices change only through the two-factor pages and the recorded reset: django-otp's
        own admin pages (the key, the recovery codes, edit and delete) are not there."""
        from django.contrib import admin
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        from portal.accounts.models import User

        assert not admin.site.is_registered(TOTPDevice)
        assert not admin.site.is_registered(StaticDevice)
        root = User.objects.create_superuser(email="root@gov.kz", password=PASSWORD)
        device = TOTPDevice.objects.create(user=root, name="app", confirmed=True)
        TOTPDevice.objects.create(user=reviewer, name="app", confirmed=True)
        client.force_login(root)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        assert client.get("/admin/").status_code == 200
        for path in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
            assert client.get(path).status_code == 404, path

    def test_applicants_cannot_set_up_staff_two_factor(self, client, applicant):
        client.force_login(applicant)
        assert client.get(reverse("two_factor_setup")).status_code == 403


class TestHealth:
    def test_it_reports_each_part_without_details(self, client, settings):
        response = client.get(reverse("health"))
        body = response.json()
        assert response.status_code == 200 and body["status"] == "ok"
        assert body["checks"]["database"] == "ok"
        assert set(body["checks"]) == {"database", "redis", "workers"}

    def test_it_says_degraded_when_redis_is_unreachable(self, client, settings):
        """The pages still answer from the database: keep the process, alert someone."""
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:6390/0"
        settings.CELERY_TASK_ALWAYS_EAGER = False
        response = client.get(reverse("health"))
        assert response.status_code == 200 and response.json()["status"] == "degraded"
        assert response.json()["checks"]["redis"] == "failing"
        assert "6390" not in response.content.decode()

    def test_it_fails_when_no_worker_has_been_seen(self, client, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        response = client.get(reverse("health"))
        assert response.json()["checks"]["workers"] == "failing"
        from portal.core.tasks import heartbeat_task

        heartbeat_task.run()
        assert client.get(reverse("health")).json()["checks"]["workers"] == "ok"


def test_each_request_logs_one_json_line_with_its_id(client, caplog):
    from portal.observability import JsonFormatter

    with caplog.at_level(logging.INFO, logger="portal.request"):
        response = client.get(reverse("portal:home"), HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    records = [r for r in caplog.records if r.name == "portal.request"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "abc-123" and line["status"] == 200 and line["path"] == "/"


def test_a_forged_request_id_is_replaced(client):
    response = client.get(reverse("portal:home"), HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32
