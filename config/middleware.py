"""Project-wide middleware and request helpers."""

import logging
import time
from contextlib import ExitStack

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation

from core.net import client_ip
from documents.time_limit import PrintTimeLimitError

logger = logging.getLogger(__name__)


class LanguageMiddleware:
    """Activate the language chosen with the switcher, else Vietnamese.

    Django's LocaleMiddleware would follow the browser's Accept-Language header;
    here Vietnamese is the default for everyone until they pick another language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# What SQLite says when a write could not get the database's write lock: "database
# is locked" after the busy timeout (settings: OPTIONS["timeout"]), "database
# table is locked" when connections share a cache (the test suite's database).
DATABASE_BUSY = ("database is locked", "database table is locked")
# Seconds after which a browser or a script may send the request again.
BUSY_RETRY_AFTER = 5


def is_database_busy(error: BaseException) -> bool:
    """Whether the error is SQLite refusing a write because another one holds
    the lock: a moment later the same request succeeds."""
    return isinstance(error, OperationalError) and str(error).startswith(DATABASE_BUSY)


def busy_response(request):
    """The short "busy, try again in a few seconds" page, answered with 503."""
    logger.warning("Database busy: %s %s answered 503", request.method, request.path)
    # Rendered without the request, as Django's own 500 page: the context
    # processors would ask the database again.
    response = HttpResponse(
        loader.render_to_string("503.html", {"retry_after": BUSY_RETRY_AFTER}),
        status=503,
    )
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


class DatabaseBusyMiddleware:
    """Answer a request whose write waited in vain for SQLite's write lock
    (another request or an import was writing) with a short page asking to try
    again, status 503, instead of a server error. Every other error goes on to
    Django's handling unchanged. A lock met outside the view (a middleware
    saving the session) is answered the same way by config.views.server_error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            return busy_response(request)
        return None


class ContentSecurityPolicyMiddleware:
    """Send the Content Security Policy (settings.CONTENT_SECURITY_POLICY) with
    every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault(
                "Content-Security-Policy", settings.CONTENT_SECURITY_POLICY
            )
        return response


class QueryCountMiddleware:
    """Add an X-Query-Count header: the database queries the request ran.

    For the benchmark (`make bench`), on only with QUERY_COUNT_HEADER=1. When it
    is off, Django drops the middleware at start-up, so it costs nothing.
    """

    header = "X-Query-Count"

    def __init__(self, get_response):
        if not settings.QUERY_COUNT_HEADER:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counted))
            response = self.get_response(request)
        response[self.header] = str(count)
        return response


class RateLimitMiddleware:
    """Refuse searches and uploads that come too fast from one person.

    A search is a GET with a non-empty ``q``; an upload is a multipart POST. Each
    is counted per signed-in person (per address for visitors) in fixed windows:
    SEARCH_RATE_LIMIT searches a minute, UPLOAD_RATE_LIMIT uploads an hour. Over
    the limit the answer is 429 with a page saying when to try again. The counts
    live in the default cache: give several app servers a shared cache.
    """

    WINDOWS = {"search": 60, "upload": 3600}

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def scope_of(request) -> str | None:
        if request.method == "GET" and request.GET.get("q", "").strip():
            return "search"
        if request.method == "POST" and request.content_type == "multipart/form-data":
            return "upload"
        return None

    @staticmethod
    def limit_of(scope: str) -> int:
        return {
            "search": settings.SEARCH_RATE_LIMIT,
            "upload": settings.UPLOAD_RATE_LIMIT,
        }[scope]

    def __call__(self, request):
        scope = self.scope_of(request)
        if scope is not None:
            wait = self.count(request, scope)
            if wait:
                return self.refuse(request, scope, wait)
        return self.get_response(request)

    def count(self, request, scope: str) -> int:
        """Count one more; return the seconds to wait when over the limit, else 0."""
        window = self.WINDOWS[scope]
        now = int(time.time())
        user = getattr(request, "user", None)
        who = (
            f"u{user.pk}"
            if user is not None and user.is_authenticated
            else f"a{client_ip(request)}"
        )
        key = f"rate:{scope}:{who}:{now // window}"
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        if count <= self.limit_of(scope):
            return 0
        return window - now % window or 1

    @staticmethod
    def refuse(request, scope: str, wait: int):
        response = render(
            request,
            "429.html",
            {"scope": scope, "wait": wait, "minutes": (wait + 59) // 60},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response


class PrintTimeLimitMiddleware:
    """Answer a print stopped at its time limit (documents.time_limit) with a
    page that says so, never a server error. A view whose service refuses
    with it as a ValidationError shows its message itself; this catches the
    prints a view makes directly (a PDF to download)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PrintTimeLimitError):
            return None
        response = render(
            request,
            "print_time_limit.html",
            {"message": " ".join(exception.messages)},
            status=503,
        )
        response["Retry-After"] = "120"
        return response
