"""Site-wide behaviour: health, language, dates, error pages, static files, headers."""

import datetime
import re
from unittest import mock

import pytest
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation


def test_health_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_health_answers_503_when_the_database_does_not(client, db):
    with mock.patch(
        "config.views.connection.cursor", side_effect=DatabaseError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_vietnamese_is_the_default_whatever_the_browser_asks(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_switching_to_english_and_back(client, db):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}
    )
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get(reverse("login")).content.decode()


def test_unknown_language_cookie_falls_back_to_vietnamese(client, db):
    client.cookies["language"] = "fr"
    assert '<html lang="vi">' in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_written_and_read_as_dd_mm_yyyy(language):
    with translation.override(language):
        day = datetime.date(2019, 1, 16)
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "16/01/2019"
        assert formats.date_format(day) == "16/01/2019"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


def test_not_found_page_is_vietnamese(client, cast):
    client.force_login(cast.a_admin, backend="units.backends.UsernameOrEmailBackend")
    response = client.get(reverse("units:detail", args=[cast.tree.b.pk]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_forbidden_page_is_vietnamese(client, cast):
    client.force_login(cast.a1_member, backend="units.backends.UsernameOrEmailBackend")
    response = client.get(reverse("units:edit", args=[cast.tree.a1.pk]))
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()


def test_server_error_page_is_vietnamese_and_needs_no_context():
    with translation.override("vi"):
        html = render_to_string("500.html")
    assert "Đã xảy ra lỗi" in html


def test_expired_form_page_is_vietnamese(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_pages_load_nothing_from_other_sites(client, db):
    html = client.get(reverse("login")).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))]


def test_bootstrap_is_served_from_our_static_files(client, db):
    for path in (
        "bootstrap/css/bootstrap.min.css",
        "bootstrap/js/bootstrap.bundle.min.js",
    ):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200
        b"".join(response.streaming_content)


def test_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_home_for_visitors_and_for_people_with_roles(client, cast):
    assert client.get(reverse("home")).status_code == 200
    client.force_login(cast.a_staff, backend="units.backends.UsernameOrEmailBackend")
    html = client.get(reverse("home")).content.decode()
    assert cast.tree.a.name in html
    # Navigation by role: staff see the blocks; nobody but superusers sees admin.
    assert reverse("units:block_list") in html
    assert reverse("admin:index") not in html


def test_navigation_hides_what_a_plain_member_cannot_use(client, cast):
    client.force_login(cast.a1_member, backend="units.backends.UsernameOrEmailBackend")
    html = client.get(reverse("home")).content.decode()
    assert reverse("units:tree") in html
    assert reverse("units:block_list") not in html
    assert reverse("admin:index") not in html


def test_admin_is_for_superusers(client, cast):
    client.force_login(cast.superuser, backend="units.backends.UsernameOrEmailBackend")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:units_unit_changelist")).status_code == 200
    assert client.get(reverse("admin:units_unit_add")).status_code == 403
    client.force_login(
        cast.province_admin, backend="units.backends.UsernameOrEmailBackend"
    )
    assert client.get(reverse("admin:index")).status_code == 302
