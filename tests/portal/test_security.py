"""Security headers, login throttling, two-factor admin login, health and request logs."""

import json
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    @pytest.fixture(autouse=True)
    def _fresh(self, settings):
        settings.AXES_ENABLED = True
        cache.clear()

    def _fail(self, client, email, n, ip="10.0.0.1"):
        for _ in range(n):
            response = client.post(
                reverse("login"), {"username": email, "password": "wrong"}, REMOTE_ADDR=ip
            )
        return response

    def test_it_locks_the_account_after_five_failures(self, client, applicant):
        response = self._fail(client, applicant.email, 4)
        assert response.status_code == 200  # the form says the password is wrong
        response = self._fail(client, applicant.email, 1)
        assert response.status_code == 429
        assert "Too many failed logins" in response.content.decode()
        # Even the right password, from another address, is refused while locked.
        response = client.post(
            reverse("login"),
            {"username": applicant.email, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.9",
        )
        assert response.status_code == 429

    def test_it_locks_the_address_whatever_the_account(self, client, applicant, other_applicant):
        for i in range(5):
            client.post(
                reverse("login"),
                {"username": f"nobody{i}@example.kz", "password": "x"},
                REMOTE_ADDR="10.0.0.7",
            )
        response = client.post(
            reverse("login"),
            {"username": other_applicant.email, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.7",
        )
        assert response.status_code == 429

    def test_a_good_login_before_the_limit_resets_the_count(self, client, applicant):
        self._fail(client, applicant.email, 4)
        response = client.post(
            reverse("login"),
            {"username": applicant.email, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 302


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.OTP_REQUIRED_FOR_ADMIN = True

    def test_staff_without_a_code_do_not_reach_the_admin(self, client, reviewer):
        client.force_login(reviewer)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response.url

    def test_staff_set_up_an_authenticator_and_then_get_in(self, client, reviewer):
        client.force_login(reviewer)
        page = client.get(reverse("two_factor_setup"))
        assert "<svg" in page.content.decode()
        device = TOTPDevice.objects.get(user=reviewer)
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
        response = client.post(reverse("two_factor_setup"), {"token": code})
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200

    def test_a_wrong_code_is_refused(self, client, reviewer):
        client.force_login(reviewer)
        client.get(reverse("two_factor_setup"))
        wrong = client.post(reverse("two_factor_setup"), {"token": "000000"})
        assert "not right" in wrong.content.decode()
        assert not TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()
        assert client.get(reverse("admin:index")).status_code == 302

    def test_the_admin_login_asks_for_the_code(self, client, reviewer):
        device = TOTPDevice.objects.create(user=reviewer, name="app", confirmed=True)
        response = client.get(reverse("admin:login"))
        assert "otp_token" in response.content.decode()
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
        response = client.post(
            reverse("admin:login"),
            {
                "username": reviewer.email,
                "password": PASSWORD,
                "otp_device": device.persistent_id,
                "otp_token": code,
                "next": reverse("admin:index"),
            },
        )
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200

    def test_a_removed_authenticator_stops_verifying_at_once(self, client, reviewer):
        """The verified device is read through the cache; deleting it renews that at once."""
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
        assert response.status_code == 302 and "/admin/login/" in response.url

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

    def test_it_fails_when_redis_is_unreachable(self, client, settings):
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:6390/0"
        settings.CELERY_TASK_ALWAYS_EAGER = False
        response = client.get(reverse("health"))
        assert response.status_code == 503
        assert response.json()["checks"]["redis"] == "failing"
        assert "6390" not in response.content.decode()

    def test_it_fails_when_no_worker_has_been_seen(self, client, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        response = client.get(reverse("health"))
        assert response.json()["checks"]["workers"] == "failing"
        from portal.tasks import heartbeat_task

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
