"""The app-side pieces of the benchmark: the About page (the yardstick, no
query) and the X-Query-Count header (only when QUERY_COUNT_HEADER is on)."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.middleware import QueryCountMiddleware


def test_about_page_runs_no_query_for_a_visitor(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("about"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gold Book" in html or "Sổ vàng" in html
    assert reverse("login") in html


def test_about_page_is_linked_from_the_footer(client, db):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("about")}"' in html


def test_about_page_refuses_post(client, db):
    assert client.post(reverse("about")).status_code == 405


def test_query_count_header_is_absent_by_default(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert "X-Query-Count" not in response.headers


def test_query_count_header_counts_the_queries_when_enabled(client, db, settings):
    settings.QUERY_COUNT_HEADER = True
    response = client.get(reverse("healthz"))
    assert response.headers["X-Query-Count"] == "1"
    response = client.get(reverse("about"))
    assert response.headers["X-Query-Count"] == "0"


def test_query_count_middleware_removes_itself_when_disabled(settings):
    from django.core.exceptions import MiddlewareNotUsed

    settings.QUERY_COUNT_HEADER = False
    with pytest.raises(MiddlewareNotUsed):
        QueryCountMiddleware(lambda request: HttpResponse())


def test_query_count_middleware_counts_each_query(settings, db):
    settings.QUERY_COUNT_HEADER = True

    def view(request):
        for _ in range(3):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        return HttpResponse()

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Query-Count"] == "3"
