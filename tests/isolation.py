"""Loaded first (``-p tests.isolation`` in pyproject.toml), before Django reads its settings:
the suite runs against the embedded defaults whatever the shell exports.

Only what a test run is meant to choose is kept: ``DATABASE_URL`` (SQLite or PostgreSQL),
``SECRET_KEY``, ``FAST_PASSWORD_HASHER``, ``REQUIRE_SERVICES`` and ``TEST_REDIS_URL``. A broker, a
cache, DEBUG or a mail server in the developer's shell would otherwise change what the tests
see (tests that need Redis or a worker start and point at their own).
"""

from __future__ import annotations

import os

SCRUBBED = (
    "DEBUG",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CONN_MAX_AGE",
    "OTP_REQUIRED_FOR_ADMIN",
    "LOGIN_THROTTLE_ENABLED",
    "LOGIN_PAIR_LIMIT",
    "LOGIN_ADDRESS_ACCOUNTS",
    "LOGIN_ACCOUNT_SLOWDOWN",
    "LOGIN_COOLOFF_MINUTES",
    "BEHIND_PROXY",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "FILE_STORAGE_BACKEND",
    "FILE_STORAGE_OPTIONS",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "VAR_DIR",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "DEFAULT_FROM_EMAIL",
)
for name in SCRUBBED:
    os.environ.pop(name, None)
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
