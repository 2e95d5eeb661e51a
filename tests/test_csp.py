"""The Content Security Policy: sent with every page, no inline script or style
allowed, and no page that needs one."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.initiatives.factories import make_request

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def directives() -> dict[str, set[str]]:
    found = {}
    for part in settings.CONTENT_SECURITY_POLICY.split(";"):
        name, *sources = part.split()
        found[name] = set(sources)
    return found


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    policy = directives()
    for name in ("script-src", "style-src", "default-src"):
        assert policy[name] == {"'self'"}, name
    assert policy["object-src"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert not [s for sources in policy.values() for s in sources if "unsafe" in s]


def inline_content(html: str) -> list[str]:
    return [
        match.group(0)
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE)
        for match in pattern.finditer(html)
    ]


def test_pages_carry_the_policy_and_need_nothing_inline(cast, client_for):
    request = make_request(cast.a1_member, cast.tree.a1)
    pages = {
        None: [
            reverse("login"),
            reverse("about"),
            reverse("home"),
            reverse("goldbook:honour"),
        ],
        cast.a1_member: [
            reverse("home"),
            reverse("initiatives:list"),
            reverse("initiatives:create"),
            request.get_absolute_url(),
        ],
        cast.province_staff: [
            reverse("home"),
            reverse("initiatives:list"),
            reverse("goldbook:list"),
            reverse("awards:report"),
            reverse("units:tree"),
        ],
    }
    for user, urls in pages.items():
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert (
                response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
            ), url
            assert inline_content(response.content.decode()) == [], url


def test_the_detector_finds_inline_content():
    assert inline_content('<script>alert(1)</script><p style="x">') == [
        "<script>",
        " style=",
    ]
    assert inline_content('<button onclick="go()">') == ["<button onclick="]
    assert inline_content('<script src="/static/js/app.js"></script>') == []


@pytest.mark.parametrize(
    "name",
    [
        "admin:index",
        "admin:units_unit_changelist",
        "admin:units_user_add",
        "admin:initiatives_initiative_changelist",
    ],
)
def test_the_admin_needs_nothing_inline_either(cast, client_for, name):
    response = client_for(cast.superuser).get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Security-Policy"]
    assert inline_content(response.content.decode()) == []
