"""Settings for the test suite: the real settings with fast, quiet test values."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-not-secret")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Queued mail and prints run as soon as their transaction commits; the tests of
# the queue itself (tests/jobs) turn this off and run the worker explicitly.
JOBS_EMAIL_BACKEND = EMAIL_BACKEND
JOBS_RUN_EAGERLY = True
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files from the app folders, as in development: no collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The suite searches and uploads far faster than a person: the rate limits are
# tested with their own small values (tests/test_rate_limits.py).
SEARCH_RATE_LIMIT = 1_000_000
UPLOAD_RATE_LIMIT = 1_000_000
