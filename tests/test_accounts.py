"""Signing in and out, passwords, and the lock-out after repeated failures."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def person(db):
    return UserFactory(
        username="nguyen.an", email="an@example.vn", full_name="Nguyễn An"
    )


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


@pytest.mark.parametrize(
    "name", ["nguyen.an", "NGUYEN.AN", "an@example.vn", "AN@EXAMPLE.VN"]
)
def test_sign_in_with_user_name_or_email(client, person, name):
    response = login(client, name, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == person


def test_wrong_password_keeps_the_name_and_says_so_in_vietnamese(client, person):
    response = login(client, "nguyen.an", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'value="nguyen.an"' in response.content.decode()
    with translation.override("vi"):
        assert "Tên đăng nhập" in response.content.decode() or "mật khẩu" in (
            response.content.decode()
        )


def test_inactive_account_cannot_sign_in(client, person):
    person.is_active = False
    person.save()
    assert login(client, "nguyen.an", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_name_from_that_address(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "nguyen.an", "wrong")
    locked = login(client, "nguyen.an", PASSWORD)
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    assert "_auth_user_id" not in client.session
    # The same person from another office is not locked out by a stranger.
    assert login(client, "nguyen.an", PASSWORD, ip="10.0.0.2").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "nguyen.an", "wrong")
    assert login(client, "nguyen.an", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "nguyen.an", "wrong")
    assert login(client, "nguyen.an", PASSWORD).status_code == 302


def test_sign_out_is_post_only(client, person):
    client.force_login(person, backend="units.backends.UsernameOrEmailBackend")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("units:tree"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_reset_by_mail_end_to_end(client, person):
    response = client.post(reverse("password_reset"), {"email": "AN@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    assert "nguyen.an" in message.body
    assert message.alternatives  # an HTML body too
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "Mat-khau-moi-2026"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new_password)


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client, person):
    client.force_login(person, backend="units.backends.UsernameOrEmailBackend")
    new_password = "Doi-mat-khau-2026"
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new_password)


def test_weak_new_password_is_refused_with_a_message(client, person):
    client.force_login(person, backend="units.backends.UsernameOrEmailBackend")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
