"""A write that must wait for SQLite's write lock gets a short "busy, try again"
page (503, with Retry-After), never a server error; every other database error
is left to Django's handling."""

import sqlite3
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import Client
from django.urls import path, reverse

from config.middleware import DatabaseBusyMiddleware
from tests.factories import PASSWORD, UserFactory

BUSY = "Hệ thống đang lưu các thay đổi khác. Vui lòng thử lại sau ít giây."


def assert_busy_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Hệ thống đang bận" in page
    assert BUSY in page


@contextmanager
def write_lock_held_elsewhere():
    """Another connection to the test database holds its write lock (as an
    import applying its rows would) until the block ends."""
    other = sqlite3.connect(
        connection.settings_dict["NAME"], uri=True, isolation_level=None
    )
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_sign_in_while_another_connection_writes_answers_busy(client):
    user = UserFactory(username="busy.reader")
    connection.ensure_connection()
    with write_lock_held_elsewhere():
        response = client.post(
            reverse("login"), {"username": user.username, "password": PASSWORD}
        )
    assert_busy_page(response)
    # Once the lock is released, the same sign-in goes through.
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.sqlite
def test_a_file_database_waits_in_wal_mode_before_giving_up(
    tmp_path, django_db_blocker
):
    """The site's SQLite settings: write-ahead log (readers never wait for a
    writer) and a busy timeout of 10 seconds before "database is locked"."""
    wrapper = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": str(tmp_path / "site.sqlite3")},
        alias="busy_check",
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 10_000
    finally:
        wrapper.close()


# --- Errors raised by a view, whatever the database ------------------------------


def locked_view(request):
    raise OperationalError("database is locked")


def table_locked_view(request):
    raise OperationalError("database table is locked: units_user")


def missing_table_view(request):
    raise OperationalError("no such table: units_user")


urlpatterns = [
    path("locked/", locked_view),
    path("table-locked/", table_locked_view),
    path("missing-table/", missing_table_view),
]


@pytest.mark.urls("tests.test_database_busy")
@pytest.mark.parametrize("url", ["/locked/", "/table-locked/"])
def test_a_locked_database_in_a_view_answers_busy(db, client, url):
    assert_busy_page(client.get(url))


@pytest.mark.urls("tests.test_database_busy")
def test_other_database_errors_are_not_turned_into_busy(db, client, rf):
    with pytest.raises(OperationalError, match="no such table"):
        client.get("/missing-table/")
    middleware = DatabaseBusyMiddleware(lambda request: None)
    request = rf.get("/")
    for error in (
        OperationalError("no such table: units_user"),
        OperationalError("disk I/O error"),
        IntegrityError("database is locked"),  # not an OperationalError
        ValueError("database is locked"),
    ):
        assert middleware.process_exception(request, error) is None, error


# --- A lock met outside the view ---------------------------------------------------


def test_a_lock_met_saving_the_session_answers_busy(db, monkeypatch):
    """A middleware's write fails after the view: Django's server error handler
    answers with the busy page too, and with its own 500 page for anything else."""
    from django.contrib.sessions.middleware import SessionMiddleware

    def locked(self, request, response):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionMiddleware, "process_response", locked)
    client = Client(raise_request_exception=False)
    assert_busy_page(client.get(reverse("about")))

    def broken(self, request, response):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(SessionMiddleware, "process_response", broken)
    response = client.get(reverse("about"))
    assert response.status_code == 500
    assert "Hệ thống đang bận" not in response.content.decode()
