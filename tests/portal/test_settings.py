"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a" * 20 + "production-like-secret-key-0123456789-xyz",
    "ALLOWED_HOSTS": "portal.gov.kz",
    "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.db",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    # The cache on a Redis of its own (allkeys-lru), apart from the broker's (noeviction).
    "CACHE_URL": "redis://127.0.0.1:6380/1",
}


# What the shell may export that the settings under test must not inherit.
_NOT_INHERITED = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DATABASE_PREPARED_STATEMENTS",
}


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**_environment(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_check_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = {**PRODUCTION}
    env.pop("SECRET_KEY")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_reads_the_database_and_mail_from_the_environment(tmp_path):
    env = {
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "EMAIL_URL": "smtp://mailer:pw@mail.example.kz:587",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['NAME'], s.EMAIL_HOST, s.EMAIL_PORT,"
        " s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = _manage("shell", "-v", "0", "-c", code, env=env)
    assert result.stdout.split() == [f"{tmp_path}/x.db", "mail.example.kz", "587", "True"]


def test_it_defaults_to_sqlite_eager_tasks_and_mail_files():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
        " s.EMAIL_FILE_PATH)"
    )
    result = _manage("shell", "-v", "0", "-c", code, env={"DEBUG": "1"})
    engine, eager, backend, path = result.stdout.split()
    assert engine == "django.db.backends.sqlite3" and eager == "True"
    assert backend.endswith("filebased.EmailBackend") and path.endswith("var/mail")


def test_sessions_live_in_the_database_and_the_cache_fails_soft():
    """Redis down must sign nobody out: sessions are rows; the cache is Redis only as an
    accelerator, with short timeouts (portal/core/cache.py)."""
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'], "
        "s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    production = _manage("shell", "-v", "0", "-c", code, env=PRODUCTION).stdout.split()
    assert production == [
        "portal.accounts.sessions",
        "portal.core.cache.FailSoftRedisCache",
        "True",
    ]


def test_the_deploy_check_warns_when_broker_and_cache_share_a_server():
    shared = {**PRODUCTION, "CACHE_URL": "redis://127.0.0.1:6379/1"}
    result = _manage("check", "--deploy", env=shared)
    assert "portal.W002" in result.stderr + result.stdout
    apart = _manage("check", "--deploy", env=PRODUCTION)
    assert "portal.W002" not in apart.stderr + apart.stdout


def test_the_web_process_sets_the_project_aside_from_the_garbage_collector():
    """portal/wsgi.py: the loaded project's objects frozen, the collector run less often."""
    code = (
        "import gc; before = gc.get_threshold(); import portal.wsgi; "
        "print(before, gc.get_threshold(), gc.get_freeze_count() > 10_000)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**_environment(), **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split("\n")[0] == "(700, 10, 10) (10000, 10, 10) True", result.stderr
