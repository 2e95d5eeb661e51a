"""Settings for Sáng kiến Công đoàn, read from the environment.

Every value has a safe local default except SECRET_KEY, which must be set whenever
DEBUG is off. A value that cannot be understood stops start-up with a message
naming the variable. See `.env.example` for the full list.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
load_env_file(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off "
            "(for local work set DEBUG=1, as `make run` does)."
        )
    # Local development only: DEBUG is on, so this key never reaches production.
    SECRET_KEY = "local-development-only-not-secret"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entry {_origin!r} must start with "
            "http:// or https://."
        )

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
    "bootstrap",
    "treebeard",
    "axes",
    "jobs",
    "units",
    "audit",
    "documents",
    "initiatives",
    "goldbook",
    "awards",
    # Demo and benchmark data, and the seed_demo command that builds it.
    "sampledata",
]

MIDDLEWARE = [
    # First, so that it counts the queries of every other middleware too.
    "config.middleware.QueryCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",
    # A write that waited in vain for SQLite's lock answers 503, not 500.
    "config.middleware.DatabaseBusyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.AuditMiddleware",
    "config.middleware.RateLimitMiddleware",
    "config.middleware.PrintTimeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# Content Security Policy: scripts, styles, fonts and images from this site only;
# no inline script or style anywhere (pages take their behaviour from
# static/js and their looks from static/css; charts carry presentation
# attributes). "data:" images are the small SVG icons inside Bootstrap's CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "units.context_processors.navigation",
            ],
        },
    },
]

# Database ---------------------------------------------------------------------

_default_db = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
_database_url = env_str("DATABASE_URL", _default_db) or _default_db
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL could not be read ({exc}). Use sqlite:///path/to/file.sqlite3 "
        "or postgres://user:password@host:5432/name."
    ) from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets the development server read while another request writes;
        # IMMEDIATE avoids "database is locked" on upgrade from read to write.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # A write waits this many seconds for another one to finish before it
        # gives up with "database is locked"; the person then gets a short
        # "busy, try again" page (config.middleware.DatabaseBusyMiddleware).
        "timeout": 10,
    }
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL uses {_db['ENGINE']}; only SQLite and PostgreSQL are supported."
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts ---------------------------------------------------------------------

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out sign-ins before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "units.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Sign-in lock-out: after AXES_FAILURE_LIMIT failures for the same user name from
# the same address, that pair is refused for the cool-off time. Locking the pair
# (not the name alone) stops guessing without letting a stranger lock an officer
# out from every office.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_VERBOSE = False
# Number of reverse proxies in front of the application that append to
# X-Forwarded-For; 0 means REMOTE_ADDR is the client.
PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)

SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8, minimum=1) * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Language, time and formats ----------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# Static and media files -------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
if MEDIA_ROOT.resolve() in (STATIC_ROOT.resolve(), (BASE_DIR / "static").resolve()):
    raise ImproperlyConfigured("MEDIA_ROOT must not be a static files folder.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Largest upload accepted, in megabytes.
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 20, minimum=1)
# Searches per minute and uploads per hour that one person (or address) may make.
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 60, minimum=1)
UPLOAD_RATE_LIMIT = env_int("UPLOAD_RATE_LIMIT", 120, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Mail ---------------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set only one of EMAIL_USE_TLS and EMAIL_USE_SSL.")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Sáng kiến Công đoàn <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env_list("ADMIN_EMAILS")]

# Security in production ---------------------------------------------------------

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Forms --------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Application --------------------------------------------------------------------

# Rows shown per page in lists.
PAGE_SIZE = 50
# Largest spreadsheet accepted for imports, in rows.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50000, minimum=1)
# A confirmed import of more rows than this is applied by the background worker
# (units.imports.apply_job); smaller ones are applied in the request.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2000, minimum=0)
# Add an X-Query-Count header to every response (for `make bench`); off, the
# middleware removes itself at start-up and costs nothing.
QUERY_COUNT_HEADER = env_bool("QUERY_COUNT_HEADER", False)

# Background jobs ----------------------------------------------------------------
# Mail and prints of more than JOBS_PRINT_PAGE_LIMIT pages are run by
# `python manage.py run_worker` (`make worker`) from a queue in this database. A
# worker renews the lease of the job it runs; when a worker dies, the job is run
# again by the next one once the lease has run out, up to JOBS_MAX_ATTEMPTS times.
JOBS_LEASE_SECONDS = env_int("JOBS_LEASE_SECONDS", 120, minimum=10)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3, minimum=1)
# Mail servers are often down for a while: mail is retried for longer (the wait
# doubles from JOBS_RETRY_SECONDS, an hour at most).
JOBS_MAIL_MAX_ATTEMPTS = env_int("JOBS_MAIL_MAX_ATTEMPTS", 10, minimum=1)
JOBS_RETRY_SECONDS = env_int("JOBS_RETRY_SECONDS", 30, minimum=0)
JOBS_PRINT_PAGE_LIMIT = env_int("JOBS_PRINT_PAGE_LIMIT", 200, minimum=1)
# A long print (the Gold Book from PRINT_PARALLEL_MIN_ROWS rows) is laid out in
# PRINT_PROCESSES parts side by side, one child process each (documents.parallel);
# 1 turns it off. A part not done within PRINT_PART_TIMEOUT seconds fails the print.
PRINT_PROCESSES = env_int("PRINT_PROCESSES", min(2, os.cpu_count() or 1), minimum=1)
PRINT_PARALLEL_MIN_ROWS = env_int("PRINT_PARALLEL_MIN_ROWS", 300, minimum=1)
PRINT_PART_TIMEOUT = env_int("PRINT_PART_TIMEOUT", 600, minimum=1)
# A print made in a request that is not done within PRINT_TIME_LIMIT seconds is
# stopped and refused with a message (documents.time_limit), well before gunicorn
# kills a worker (60 s); a print the worker makes has PRINT_JOB_TIME_LIMIT.
PRINT_TIME_LIMIT = env_int("PRINT_TIME_LIMIT", 30, minimum=1)
PRINT_JOB_TIME_LIMIT = env_int("PRINT_JOB_TIME_LIMIT", 600, minimum=1)
# Finished jobs and their files are deleted after this many days.
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 7, minimum=1)
# Run each job in the process that queued it, when its transaction commits (tests).
JOBS_RUN_EAGERLY = env_bool("JOBS_RUN_EAGERLY", False)
# All mail is queued; the worker sends it through the backend chosen above.
JOBS_EMAIL_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "jobs.mail.QueuedEmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO; keep its warnings only.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
