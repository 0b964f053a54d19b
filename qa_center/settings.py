"""QA Center settings: one file, read from the environment with small typed helpers.

Defaults run without any server (SQLite + Celery's filesystem broker under ``var/``); production sets
DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis). The README lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QA_CENTER_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Set by the test run (pyproject's pytest `env`): tests run with DEBUG=False but need no production secret,
# HTTPS or collected static files. Never set it in a deployment.
TESTING = env_bool("QA_TESTING", False)

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "django-insecure-qa-center-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    # History of every change to scorecards, evaluations, disputes and coaching (the audit trail).
    "simple_history",
    "qa_center.people",
    "calls",
    "scorecards",
    "coaching",
    "qa_center.kpis",
    "qa_center.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qa_center.security.IdleSessionMiddleware",  # Django's, except that polling does not renew a session
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: the history records the signed-in person as who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Logs the 403s and 404s the views' access helpers raise (logger qa_center.security).
    "qa_center.security.RefusedAccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "qa_center.security.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qa_center.urls"
WSGI_APPLICATION = "qa_center.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "qa_center.people.context_processors.navigation",
            ],
            # Filter forms' fields in one pass (crispy-forms' markup without its templates): {% load form_fields %}.
            "libraries": {"form_fields": "qa_center.form_fields"},
        },
    },
]

# SQLite by default; DATABASE_URL (e.g. postgres://user:pass@host:5432/qa_center) in production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qa_center.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the Celery worker write the same file: WAL and IMMEDIATE transactions
    # avoid "database is locked" errors under that concurrency.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not memory) so that a real Celery worker in the integration test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-qa_center.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: it refuses a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # user.has_perm(name, obj) answers the object rules (qa_center.people.permissions) too; our own code asks
    # rules.has_perm directly (a superuser is a QA manager here, not someone every rule says yes to).
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The center's language: the default for visitors, and the language of stored notifications and emails.
LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("lv", _("Latvian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party front-end code comes from the npm registry (`npm ci`), never from a CDN or the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]

# Recordings and uploaded import files are private: served only through permission-checked views.
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# No URL pattern serves this prefix (Django's test server needs a string here): nothing is public.
MEDIA_URL = "/private-media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The address people open QA Center at, for links in emails.
QA_SITE_URL = env_str("QA_SITE_URL", "http://127.0.0.1:8000")
# The console backend only prints the mail: `check --deploy` refuses it (qa_center.checks).
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "qa-center@localhost")

# --- Security (production) -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
QA_BEHIND_PROXY = False
# Agents share the PCs on the floor: a session ends after this much inactivity, not after Django's 14 days.
# Activity renews it (at most once a minute, qa_center.security.IdleSessionMiddleware, rather than
# SESSION_SAVE_EVERY_REQUEST's write on every request); the "today" page's polling (/kpis/today/figures/) does not,
# so a screen left open on it still logs out.
QA_SESSION_IDLE_MINUTES = env_int("QA_SESSION_IDLE_MINUTES", 30)
if QA_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("QA_SESSION_IDLE_MINUTES must be 1 or more")
SESSION_COOKIE_AGE = QA_SESSION_IDLE_MINUTES * 60

# Login throttling (django-axes, kept in the database so every web process sees the same counts). Both an account
# and an address are locked after QA_LOGIN_FAILURE_LIMIT failures in a row: per account against guessing one
# password from many machines, per address against trying many accounts from one machine. A success resets the
# count; the lockout lifts by itself after QA_LOGIN_LOCKOUT_MINUTES (or at once with `manage.py axes_reset`).
AXES_FAILURE_LIMIT = env_int("QA_LOGIN_FAILURE_LIMIT", 10)
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("QA_LOGIN_FAILURE_LIMIT must be 1 or more")
QA_LOGIN_LOCKOUT_MINUTES = env_int("QA_LOGIN_LOCKOUT_MINUTES", 15)
if QA_LOGIN_LOCKOUT_MINUTES < 1:  # django-axes would read 0 as "locked until an administrator unlocks"
    raise ImproperlyConfigured("QA_LOGIN_LOCKOUT_MINUTES must be 1 or more")
AXES_COOLOFF_TIME = timedelta(minutes=QA_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qa_center.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The client's address: REMOTE_ADDR, or the address the proxy appended to X-Forwarded-For when we run behind one.
AXES_CLIENT_IP_CALLABLE = "qa_center.security.client_ip"
# Only the failures and lockouts are worth a row; successful logins are in the access log already.
AXES_DISABLE_ACCESS_LOG = True
# Its log lines (logger "axes": each failure, and "Locking out ... after repeated login failures") name the account
# and the address, not asterisks: whoever unlocks an account needs to know which one and from where. The
# password never appears in them.
AXES_SENSITIVE_PARAMETERS: list[str] = []

# Content-Security-Policy: every script and style sheet is ours (npm-installed, served from /static/); the few
# inline scripts carry the request's nonce. Style *attributes* (a progress bar's width, a column's min-width,
# Swagger UI's and Chart.js's) are allowed, style elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Features no page uses: a page (or a script injected into one) cannot ask for them.
QA_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=()"
)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not TESTING)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not TESTING)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if TESTING else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy (nginx, a load balancer) that sets X-Forwarded-Proto and appends the
    # client's address to X-Forwarded-For (qa_center.security.client_ip).
    QA_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", True)
    if QA_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Celery ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Created by the programs that use them (qa_center.local_folders), not here.
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None  # progress lives in our own tables (e.g. ImportJob), not in a result store
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A task's message is acknowledged when the task has ended, not when it starts: a worker killed mid-task (OOM,
# SIGKILL, a lost machine) leaves it in the broker, and another worker runs it again. Every task is written to
# be run twice (README, "Faults"). A pool process that dies is a lost worker too: its message goes back to the
# queue at once rather than being acknowledged as failed. One message at a time per process: a prefetched one
# would wait behind a long import while another worker sits idle.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
if CELERY_TASK_TIME_LIMIT < 1:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be at least 1 second")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Redis has no acknowledgements: a delivered message waits in an "unacked" set, and is delivered again once
    # it has waited longer than the visibility timeout (when its worker vanished without a word). Longer than
    # the hard time limit plus the longest retry back-off (Celery's 10 minutes), so that a task still running,
    # or waiting for its retry, is never handed to a second worker; shorter only in the fault tests.
    CELERY_BROKER_VISIBILITY_TIMEOUT = env_int(
        "CELERY_BROKER_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 15 * 60
    )
    if CELERY_BROKER_VISIBILITY_TIMEOUT < 1:
        raise ImproperlyConfigured("CELERY_BROKER_VISIBILITY_TIMEOUT must be at least 1 second")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
        # How often a worker looks for such messages: every 10 s (kombu's default scans every 100 s), or
        # sooner under a short timeout.
        "unacked_restore_interval": max(1, min(10, CELERY_BROKER_VISIBILITY_TIMEOUT // 10)),
        "unacked_restore_throttle": 1,
    }
# A worker outlives a broker restart: it reconnects for as long as it takes, at start-up too.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# The soft limit leaves a task time to record its failure before the hard kill: a minute, or a tenth of a
# short limit, so that it stays positive (at least 1 s) and never above the hard limit.
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, int(CELERY_TASK_TIME_LIMIT * 0.9), 1)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# --- REST API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["calls.ingest.auth.IngestTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QA Center ingest API",
    "DESCRIPTION": "Push calls, recordings, surveys, case resolutions and escalations into QA Center.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # The readable documentation (/api/docs/) loads Swagger UI from our own static files: never a CDN.
    "SWAGGER_UI_DIST": f"/{STATIC_URL.strip('/')}/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": f"/{STATIC_URL.strip('/')}/vendor/swagger-ui/favicon-32x32.png",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "tryItOutEnabled": False},
}

# --- Product settings -----------------------------------------------------------------------------------
QA_DISPUTE_WINDOW_DAYS = env_int("QA_DISPUTE_WINDOW_DAYS", 7)
# Rows per import batch (a transaction with the job's counters each): 5,000 rather than 2,000 takes about 5 % off
# both imports (fewer commits and lookups; tests/benchmarks/bench_import.py) and still moves the progress bar
# every second or two. A batch's lookups name at most this many values (SQLite builds allow at least 32,766 variables a query).
QA_IMPORT_BATCH_SIZE = env_int("QA_IMPORT_BATCH_SIZE", 5000)
QA_IMPORT_MAX_UPLOAD_MB = env_int("QA_IMPORT_MAX_UPLOAD_MB", 50)  # 50 MB holds a few hundred thousand calls
QA_RECORDING_MAX_MB = env_int("QA_RECORDING_MAX_MB", 100)
# Recordings and transcripts of calls older than this many days are deleted each night (calls.retention; the
# calls and their scores stay, exemplary-library calls keep theirs). 0 keeps them forever.
QA_RETENTION_DAYS = env_int("QA_RETENTION_DAYS", 365)
if QA_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("QA_RETENTION_DAYS must be 0 or more")
QA_ASSIGNMENT_DUE_DAYS = env_int("QA_ASSIGNMENT_DUE_DAYS", 7)
# An evaluation scoring at least this (0..100), with no failed critical criterion, is suggested for the library.
QA_LIBRARY_SUGGEST_SCORE = env_int("QA_LIBRARY_SUGGEST_SCORE", 95)
# Service level: the share of answered inbound calls whose wait was at most this many seconds.
QA_SERVICE_LEVEL_SECONDS = env_int("QA_SERVICE_LEVEL_SECONDS", 20)
if QA_SERVICE_LEVEL_SECONDS < 0:
    raise ImproperlyConfigured("QA_SERVICE_LEVEL_SECONDS must be 0 or more")
# How often the "today" view polls for fresh figures; its snapshots are recomputed every 5 minutes (celery.py).
QA_TODAY_REFRESH_SECONDS = env_int("QA_TODAY_REFRESH_SECONDS", 60)
if QA_TODAY_REFRESH_SECONDS < 1:
    raise ImproperlyConfigured("QA_TODAY_REFRESH_SECONDS must be 1 or more")

# The audit trail is read, never written back: the admin's History shows past versions without "Revert"
# (qa_center.history.AuditedAdmin refuses the POST too).
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
