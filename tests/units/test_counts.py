"""Cached counts: kept until something they count is written."""

import pytest
from django.urls import reverse

from tests.initiatives.helpers import make_request
from units import counts

pytestmark = pytest.mark.django_db


def test_a_count_is_kept_until_its_topic_changes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls) * 10

    assert counts.cached("things", "k", compute, 60) == 10
    assert counts.cached("things", "k", compute, 60) == 10
    counts.changed("others")
    assert counts.cached("things", "k", compute, 60) == 10
    counts.changed("things")
    assert counts.cached("things", "k", compute, 60) == 20
    assert len(calls) == 2


def test_the_request_list_total_follows_new_requests(cast, client_for):
    client = client_for(cast.province_staff)
    make_request(cast.province_staff, unit=cast.tree.p1, title="Đơn thứ nhất")
    first = client.get(reverse("initiatives:list")).context["total"]
    assert client.get(reverse("initiatives:list")).context["total"] == first
    make_request(cast.province_staff, unit=cast.tree.p1, title="Đơn thứ hai")
    assert client.get(reverse("initiatives:list")).context["total"] == first + 1
