"""Settings for the foreign-specialist portal.

One file. Production differs from a newcomer's machine only through environment variables
(read with django-environ). Unset variables fall back to the embedded defaults: SQLite under
``var/``, Celery tasks run in-process, e-mails written as files under ``var/mail/``.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or DEBUG=1 on a developer machine)."
        )
    SECRET_KEY = "insecure-development-key-only-for-DEBUG-mode-never-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "portal.apps.PortalAdminConfig",  # the Django admin, with two-factor login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here (no CDN)
    # The base: shared helpers, accounts (label "portal"), organisations, notifications.
    "portal.core",
    "portal.accounts",
    "portal.organisations",
    "portal.notifications",
    "professions",
    "permits",
    "stays",
    "verification",
    "arrivals",
    "portal.workspace",  # the top: dashboards, the employer's views, reports
    "api",  # the top: the read API for HR systems, its tokens and webhook settings
]

MIDDLEWARE = [
    "portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.two_factor.StaffTwoFactorMiddleware",  # staff pass a code before anything else
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a login refused by the throttle into the lockout page.
    "portal.middleware.LoginThrottleMiddleware",
]

ROOT_URLCONF = "portal.urls"
# Every form's <input> widgets written in Python as Django's templates write them (three
# templates per input otherwise); other widgets go through Django's templates.
FORM_RENDERER = "portal.core.form_renderer.InputsInPython"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection that the server dropped while idle is replaced before the request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker in another process sees the test data.
    # One file per test run, so two runs in the same checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
    # IMMEDIATE transactions wait for the write lock instead of failing with "database is
    # locked" when a worker process writes at the same time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Values sent apart from the statement (server-side binding), and a statement a connection
    # has run five times prepared on the server (psycopg's threshold): PostgreSQL then plans it
    # once per connection instead of on every request. Planning was most of the database's CPU
    # for the small reads every page makes. Kept connections (CONN_MAX_AGE) carry the plans
    # from one request to the next. Off (``DATABASE_PREPARED_STATEMENTS=0``) behind a pooler
    # that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Short timeouts, and a Redis that is down or paused is a miss, never an error
    # (portal/core/cache.py). The cache holds only public catalogue pages: nothing of anyone's.
    CACHES["default"]["BACKEND"] = "portal.core.cache.FailSoftRedisCache"
# Sessions live in the database: Redis down signs nobody out and stops no login. Django's store,
# with the read every signed-in request makes written once as a statement
# (portal/accounts/sessions.py).
SESSION_ENGINE = "portal.accounts.sessions"

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "portal.accounts.auth.ThrottleBackend",  # refuses logins that portal/accounts/throttle.py locks
    "portal.accounts.auth.AccountBackend",  # Django's ModelBackend, its reads as statements
]
# Login throttling (portal/accounts/throttle.py), counted in the database: 5 failures for one
# account from one address lock that pair; an address failing on 10 accounts is refused; after
# 10 failures on one account from anywhere, each try waits twice as long and the owner is told.
LOGIN_THROTTLE_ENABLED = env.bool("LOGIN_THROTTLE_ENABLED", default=True)
LOGIN_PAIR_LIMIT = env.int("LOGIN_PAIR_LIMIT", default=5)
LOGIN_ADDRESS_ACCOUNTS = env.int("LOGIN_ADDRESS_ACCOUNTS", default=10)
LOGIN_ACCOUNT_SLOWDOWN = env.int("LOGIN_ACCOUNT_SLOWDOWN", default=10)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=30)

# The outbox: the first retry of a failed e-mail or webhook waits this long, doubling after.
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=30)
# Webhooks: a failed event is tried this many times; addresses must be https and public unless
# WEBHOOK_ALLOW_LOCAL (tests only: a local http server).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=12)
WEBHOOK_ALLOW_LOCAL = env.bool("WEBHOOK_ALLOW_LOCAL", default=False)
# Delivered and finally failed webhook events (their body and the receiver's answer) are removed
# this many days after (at least 45: portal/notifications/outbox.py, MIN_WEBHOOK_RETENTION_DAYS).
WEBHOOK_RETENTION_DAYS = env.int("WEBHOOK_RETENTION_DAYS", default=90)
# The API for HR systems: calls per organisation per window, counted in the database.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=120)
API_RATE_WINDOW_SECONDS = env.int("API_RATE_WINDOW_SECONDS", default=60)

REST_FRAMEWORK = {
    # Each API view names its own authentication (api.authentication); nothing else is tried.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser with a size limit and deep nesting a 400 (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    # Any unexpected error: a JSON 500, logged (api/exceptions.py).
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Foreign specialist portal: API for HR systems",
    "DESCRIPTION": (
        "Read the organisation's sponsored staff and record arrival registrations. "
        "Authenticate with `Authorization: Bearer <token>` (tokens are made on /api/settings/)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Behind a load balancer: BEHIND_PROXY=1 (or the number of proxies in front of the portal) makes
# the client address the one the proxies put in X-Forwarded-For (portal/core/clientip.py).
_behind_proxy = env.str("BEHIND_PROXY", default="0").strip().lower()
TRUSTED_PROXIES = (
    int(_behind_proxy)
    if _behind_proxy.isdigit()
    else int(_behind_proxy in ("on", "yes", "true", "y", "t"))
)
# Two-factor authentication (TOTP, django-otp) for the admin: on unless DEBUG (the demo).
OTP_REQUIRED_FOR_ADMIN = env.bool("OTP_REQUIRED_FOR_ADMIN", default=not DEBUG)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # belt and braces: the device pages are unregistered
OTP_TOTP_ISSUER = "Foreign specialist portal"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env.bool("FAST_PASSWORD_HASHER", default=False):
    # Tests only: hashing a password the real way costs ~0.3 s each.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Languages and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers as each language writes them (Django has no Kazakh formats): portal/formats/.
FORMAT_MODULE_PATH = ["portal.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Asia/Almaty"
# Time zones come from the pinned ``tzdata`` package only, never from the host's zoneinfo: a host
# with data older than 2024a would still put Almaty on UTC+6, while all of Kazakhstan has been
# on UTC+5 since 1 March 2024.
zoneinfo.reset_tzpath(to=())
zoneinfo.ZoneInfo.clear_cache()
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Files browsers ask for at the site's root whatever the page says (/favicon.ico), served by
# WhiteNoise before any view.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# No MEDIA_URL is routed: uploaded documents are served only through views that check access.
STORAGES = {
    "default": {
        # Any Django storage backend (for example an S3-compatible one) can replace the disk.
        "BACKEND": env.str(
            "FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json("FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@enbek.example.kz")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# A mail server that stops answering must not hold a delivery worker (seconds per operation).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker (a newcomer's machine), tasks run in-process when they are queued.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when Redis is down: fail fast, the outbox sweeper
# re-enqueues what did not reach the broker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 1,
    # Above kombu's 1 s BRPOP poll (the worker); a publish never waits on a paused Redis longer.
    "socket_timeout": 2,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "portal.tasks.heartbeat_task", "schedule": 60.0},
    "sweep-notifications": {"task": "portal.tasks.sweep_notifications_task", "schedule": 60.0},
    "purge-webhook-events": {
        "task": "portal.notifications.tasks.purge_webhook_events_task",
        "schedule": crontab(hour=3, minute=30),
    },
    "daily-stay-scan": {
        "task": "stays.tasks.daily_scan_task",
        "schedule": crontab(hour=6, minute=0),
    },
    "permit-reminders": {
        "task": "permits.tasks.send_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "arrival-reminders": {
        "task": "arrivals.tasks.send_arrival_reminders_task",
        "schedule": crontab(hour=8, minute=0),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Forms ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security (production) ----------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (django-csp): every script and style comes from our own static files;
# no inline script anywhere. Inline style attributes are allowed for the Django admin's widgets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "portal.observability.JsonFormatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # Every handler redacts the secrets in the paths it writes (tokens in URLs).
    "filters": {"redact": {"()": "portal.observability.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (a second console line under DEBUG, mail to ADMINS, none set)
        # are replaced: its records go to the console above, through the redacting filter.
        "django": {"level": "INFO"},
        # runserver's request lines: as Django writes them, redacted.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Our own line per request replaces Django's; runserver keeps its own.
        "django.request": {"level": "ERROR"},
        "portal.request": {"level": "INFO" if not DEBUG else "WARNING"},
        # In-process (eager) tasks would log every run on a developer's terminal.
        "celery.app.trace": {"level": "WARNING"},
        "portal.task": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        "kombu.connection": {"level": "ERROR" if CELERY_TASK_ALWAYS_EAGER else "WARNING"},
    },
}

# --- Portal rules ------------------------------------------------------------------------------
# The decision period and the passport margin are not settings here: ministry staff keep them in
# the admin (``permits.models.PermitRules``).
# Absolute address of the portal, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
