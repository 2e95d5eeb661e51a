"""Project-level views: the home page, which gathers every app's work for the
person signed in, the health check and the server error page."""

import sys

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.middleware import busy_response, is_database_busy


def server_error(request):
    """Django's 500 page, except for a write that waited in vain for SQLite's
    lock outside a view (a middleware saving the session): that is the short
    "busy, try again" page, as DatabaseBusyMiddleware answers for the views.
    Django calls this while it handles the exception."""
    error = sys.exc_info()[1]
    if error is not None and is_database_busy(error):
        return busy_response(request)
    return defaults.server_error(request)


@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def about(request):
    """What the site is for: public, and no database query for a visitor (the
    benchmark's yardstick page)."""
    return render(request, "about.html")


@require_GET
def home(request):
    """What the person signed in has to do, and where their requests stand."""
    from goldbook import selectors as goldbook

    if not request.user.is_authenticated:
        return render(
            request, "home_public.html", {"honoured": goldbook.latest_public()}
        )
    from awards import home as awards_home
    from initiatives import home as initiatives_home
    from units.access import may, roles_held
    from units.counts import count_together

    # The totals of what waits for the person are counted in one query.
    to_count = {"goldbook_waiting": goldbook.waiting_for(request.user)}
    context = {
        # The roles are loaded once per request for the access checks.
        "roles": roles_held(request.user),
        # A superuser holding no role is told what they are.
        "site_admin": may(request.user, "administer"),
        **initiatives_home.for_user(request.user, to_count),
        **awards_home.for_user(request.user, to_count),
    }
    for name in ("intake_waiting", "dossiers_waiting", "ideas_waiting"):
        context.setdefault(name, 0)
    context.update(count_together(to_count))
    context["has_tasks"] = any(
        context.get(name)
        for name in (
            "intake_waiting",
            "overdue_items",
            "to_score",
            "open_sessions",
            "planned_sessions",
            "goldbook_waiting",
            "dossiers_waiting",
            "rounds_open",
            "ideas_waiting",
            "unfiled_registrations",
        )
    ) or any(r.status in ("draft", "returned") for r in context["my_requests"])
    return render(request, "home.html", context)
